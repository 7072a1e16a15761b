package trial

import (
	"context"
	"testing"

	"github.com/concbench/concbench/loadgen"
	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"
)

// TestTrialRecordsTheSleeper: a trial's record carries the generator's
// wake histogram, spin time and sleeper (open loop), and none of the
// histogram for a closed loop.
func TestTrialRecordsTheSleeper(t *testing.T) {
	for _, tt := range []struct {
		yaml string
		rate float64
		open bool
	}{
		{"name: t\npattern: harness\nload: {model: open, rate: 500, duration: 40ms, warmup: 10ms}\n", 500, true},
		{"name: t\npattern: harness\nload: {model: closed, clients: 1, duration: 10ms}\n", 0, false},
	} {
		tr, err := Run(context.Background(), Spec{Scenario: quickSpec(t, tt.yaml), Point: scenarios.Point{Impl: "noop", Rate: tt.rate, Rep: 1}}, targets.Builtin())
		if err != nil {
			t.Fatal(err)
		}
		if !tt.open {
			if tr.Wake != nil || tr.SpinNs != 0 || tr.Sleeper != loadgen.SleeperNone {
				t.Errorf("closed loop: wake %v, spin %d, sleeper %q", tr.Wake, tr.SpinNs, tr.Sleeper)
			}
			continue
		}
		if tr.Wake == nil || tr.Wake.TotalCount() > tr.Ops || tr.SpinNs < 0 {
			t.Errorf("open loop: wake %v of %d ops, spin %d", tr.Wake, tr.Ops, tr.SpinNs)
		}
		if tr.Sleeper != loadgen.SleeperPoll && tr.Sleeper != loadgen.SleeperGoTimer {
			t.Errorf("open loop: sleeper %q", tr.Sleeper)
		}
	}
}
