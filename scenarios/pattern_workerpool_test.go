package scenarios

import (
	"context"
	"strings"
	"testing"
)

// The queue parameter: a number runs a pool with WithQueue, or one whose
// queue is fixed at that size; the others are refused at Parse, naming
// their fixed queue.
func TestWorkerpoolQueueRefused(t *testing.T) {
	tests := []struct {
		name      string
		giveImpls string
		giveQueue string
		wantErr   string // "" if it parses
	}{
		{name: "default everywhere", giveImpls: "[channels, ants, spawn, gammazero]", giveQueue: "[default]"},
		{name: "withqueue", giveImpls: "[channels, mutexcond, seed, pond, tunny]", giveQueue: "[0, 7]"},
		{name: "fixed at 0, asked 0", giveImpls: "[ants, conc, errgroup, semaphore]", giveQueue: "[0]"},
		{name: "fixed at 0, asked 4", giveImpls: "[channels, ants]", giveQueue: "[4]",
			wantErr: "impls[1]: ants cannot run with queue=4: its queue is fixed at Queue(workers) = 0 (it has no WithQueue)"},
		{name: "unbounded", giveImpls: "[gammazero]", giveQueue: "[0]",
			wantErr: "impls[0]: gammazero cannot run with queue=0: its queue has no bound"},
		{name: "out of range", giveImpls: "[channels]", giveQueue: "[4097]",
			wantErr: `params.queue: "4097": want a whole number from 0 to 4096`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yaml := "name: q\npattern: workerpool\nimpls: " + tt.giveImpls + "\nparams: {workers: [1, 4], queue: " + tt.giveQueue + "}\n"
			_, err := Parse("q.yaml", []byte(yaml), Builtin())
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want one holding %q", err, tt.wantErr)
			}
		})
	}
}

// A trial at queue=default keeps the name it had before the parameter
// existed; a number joins the name.
func TestWorkerpoolQueueName(t *testing.T) {
	s := quickSpec(t, "name: t\npattern: workerpool\n")
	reg := Builtin()
	tests := []struct {
		giveQueue string
		wantName  string
	}{
		{"default", "Scenario/scenario=t/pattern=workerpool/impl=ants/workers=2"},
		{"", "Scenario/scenario=t/pattern=workerpool/impl=ants/workers=2"},
		{"0", "Scenario/scenario=t/pattern=workerpool/impl=ants/workers=2/queue=0"},
	}
	for _, tt := range tests {
		ts := TrialSpec{Spec: s, Impl: "ants", Params: map[string]string{"workers": "2", "queue": tt.giveQueue}, Rep: 1}
		if tt.giveQueue == "" {
			delete(ts.Params, "queue")
		}
		if got := ts.Name(reg); got != tt.wantName {
			t.Errorf("queue %q: name %q, want %q", tt.giveQueue, got, tt.wantName)
		}
	}
}

// New builds the pool the queue asks for, and refuses one the entry cannot
// build at the trial's worker count.
func TestWorkerpoolQueueTarget(t *testing.T) {
	pat := Builtin().mustLookup("workerpool")
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
