package targets

import (
	"context"
	"testing"
)

// New builds the pool the queue asks for, and refuses one the entry cannot
// build at the trial's worker count.
func TestWorkerpoolQueueTarget(t *testing.T) {
	pat := Builtin().MustLookup("workerpool")
	op := func(context.Context) error { return nil }
	for _, impl := range []string{"channels", "ants", "tunny"} {
		target, err := pat.New(impl, map[string]string{"workers": "2", "queue": "0"}, op)
		if err != nil {
			t.Fatalf("%s queue=0: %v", impl, err)
		}
		done := make(chan struct{})
		if err := target.Submit(context.Background(), func() { close(done) }); err != nil {
			t.Fatalf("%s queue=0: Submit: %v", impl, err)
		}
		<-done
		if err := target.Close(); err != nil {
			t.Fatalf("%s queue=0: Close: %v", impl, err)
		}
	}
	_, err := pat.New("ants", map[string]string{"workers": "2", "queue": "3"}, op)
	if want := "workerpool ants cannot run with queue=3: its queue is fixed at Queue(2) = 0 (it has no WithQueue)"; err == nil || err.Error() != want {
		t.Errorf("ants queue=3: error %v, want %q", err, want)
	}
}
