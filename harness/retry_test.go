package harness

import (
	"context"
	"testing"

	"github.com/concbench/concbench/internal/noise"
	"github.com/concbench/concbench/record"
	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"
	"github.com/concbench/concbench/trial"
)

// TestRetryDisturbed: a trial the machine disturbed runs again, up to
// RetryDisturbed times; the record kept is the last attempt's and lists
// the reasons of those it replaced. A trial the harness disturbed (no
// machine noise) is not run again: the next attempt would be the same.
func TestRetryDisturbed(t *testing.T) {
	const span = int64(1e9)
	busy := &noise.Reading{SpanNs: span, RunqWaitNs: span, OtherCPUNs: span * 3 / 2, CPUs: 2, MachineCPUs: 2}
	quiet := &noise.Reading{SpanNs: span, CPUs: 2, MachineCPUs: 2}
	s := quickSpec(t, "name: r\npattern: harness\nimpls: [noop]\nrepeat: 1\nload: {model: closed, clients: 1, duration: 10ms}\n")
	plan := Plan([]scenarios.Spec{s}, targets.Builtin(), nil, 0)
	tests := []struct {
		name      string
		noise     []*noise.Reading // each attempt's, the last repeated
		harness   string           // the harness's own disturbance reason, every attempt
		retry     int
		wantRuns  int
		wantRetry int
		disturbed bool
	}{
		{"quiet", []*noise.Reading{quiet}, "", 3, 1, 0, false},
		{"busy once, retried", []*noise.Reading{busy, quiet}, "", 3, 2, 1, false},
		{"busy, no retries asked", []*noise.Reading{busy, quiet}, "", 0, 1, 0, true},
		{"busy throughout, bounded", []*noise.Reading{busy}, "", 2, 3, 2, true},
		{"the harness's own doing", []*noise.Reading{quiet}, "the harness slowed its target", 3, 1, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runs := 0
			exe := func(ctx context.Context, ts trial.Spec) (record.Trial, error) {
				tr, err := trial.Run(ctx, ts, targets.Builtin())
				n := tt.noise[min(runs, len(tt.noise)-1)]
				runs++
				tr.Noise = n
				tr.Disturbed = tt.harness
				if d := n.Disturbed(tr.GOMAXPROCS); d != "" {
					tr.Disturbed = d
				}
				return tr, err
			}
			sum, err := Run(context.Background(), plan, targets.Builtin(), Options{OutDir: t.TempDir(), Exec: exe, RetryDisturbed: tt.retry})
			if err != nil {
				t.Fatal(err)
			}
			got := sum.Trials[0]
			if runs != tt.wantRuns || got.Retries != tt.wantRetry || (got.Disturbed != "") != tt.disturbed {
				t.Errorf("%d runs, %d retries, disturbed %q; want %d, %d, %v", runs, got.Retries, got.Disturbed, tt.wantRuns, tt.wantRetry, tt.disturbed)
			}
		})
	}
}
