package noise

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	if os.Getenv("NOISE_TEST_SPIN") != "" { // the other process of TestOthersSeen
		for end := time.Now().Add(400 * time.Millisecond); time.Now().Before(end); {
		}
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

// TestDisturbed: the bounds as stated, each way.
func TestDisturbed(t *testing.T) {
	const span = int64(time.Second)
	tests := []struct {
		name string
		r    Reading
		want string // in the reason; "" for none
	}{
		{"quiet", Reading{SpanNs: span, RunqWaitNs: span / 10, OtherCPUNs: span / 10, CPUs: 2, MachineCPUs: 2}, ""},
		{"own threads wait, nobody else runs", Reading{SpanNs: span, RunqWaitNs: span, CPUs: 2, MachineCPUs: 2}, ""},
		{"others run, the trial does not wait", Reading{SpanNs: span, RunqWaitNs: span / 10, OtherCPUNs: 2 * span, CPUs: 2, MachineCPUs: 2}, ""},
		{"two hogs", Reading{SpanNs: span, RunqWaitNs: span * 9 / 10, OtherCPUNs: span * 3 / 2, CPUs: 2, MachineCPUs: 2}, "other processes used 75%"},
		{"steal", Reading{SpanNs: span, StealNs: span, RunqWaitNs: 0, CPUs: 2, MachineCPUs: 2}, "the hypervisor stole 50%"},
		{"throttled", Reading{SpanNs: span, ThrottledNs: span / 5, ThrottledPeriods: 20, CPUs: 0.5, MachineCPUs: 2}, "throttled the trial for 20%"},
		{"no span", Reading{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.r.Disturbed(2)
			if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("Disturbed = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestReading: on Linux a reading has every field, and this process's
// CPU time, after it spins, shows in it.
func TestReading(t *testing.T) {
	a := Take()
	for end := time.Now().Add(50 * time.Millisecond); time.Now().Before(end); {
	}
	r := Between(a, Take())
	if runtime.GOOS != "linux" {
		if len(r.Missing) == 0 {
			t.Error("a reading off Linux names nothing missing")
		}
		return
	}
	if len(r.Missing) != 0 {
		t.Errorf("missing on Linux: %q", r.Missing)
	}
	if r.OwnCPUNs < int64(20*time.Millisecond) || r.SpanNs < int64(50*time.Millisecond) || r.MachineCPUs < 1 || r.CPUs <= 0 || r.RunqWaitNs < 0 {
		t.Errorf("reading %+v: want own CPU of at least 20 ms in a span of at least 50 ms", r)
	}
}

// TestOthersSeen: another process spinning for 400 ms during a reading
// shows as other processes' CPU (a lower bound: a loaded machine only
// adds to it).
func TestOthersSeen(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("other processes' CPU comes from /proc/stat: Linux only")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "NOISE_TEST_SPIN=1")
	a := Take()
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	r := Between(a, Take())
	// The child spins one CPU for 400 ms; /proc/stat counts in 10 ms
	// ticks, and process start-up adds to the span.
	if r.OtherCPUNs < int64(200*time.Millisecond) {
		t.Errorf("other processes' CPU %v during a 400 ms spin of another process", time.Duration(r.OtherCPUNs))
	}
}
