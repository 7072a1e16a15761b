package report

import (
	"strings"
	"testing"

	"github.com/concbench/concbench/internal/noise"
	"github.com/concbench/concbench/record"
)

// TestMachineLine: a scenario section says what the machine did during
// its trials, from their noise readings, and names their disturbed
// trials.
func TestMachineLine(t *testing.T) {
	const span = int64(1e9)
	quiet := &noise.Reading{SpanNs: span, RunqWaitNs: span / 10, CPUs: 2, MachineCPUs: 2}
	loaded := &noise.Reading{SpanNs: span, RunqWaitNs: span, OtherCPUNs: span * 3 / 2, CPUs: 2, MachineCPUs: 2}
	ds := &dataset{Trials: []record.Trial{
		{Name: "Scenario/scenario=s/pattern=p/impl=a", Scenario: "s", Pattern: "p", Impl: "a", Status: record.StatusOK, GOMAXPROCS: 2, Noise: quiet},
		{Name: "Scenario/scenario=s/pattern=p/impl=a", Scenario: "s", Pattern: "p", Impl: "a", Rep: 2, Status: record.StatusOK, GOMAXPROCS: 2, Noise: quiet},
		{Name: "Scenario/scenario=s/pattern=p/impl=b", Scenario: "s", Pattern: "p", Impl: "b", Status: record.StatusOK, GOMAXPROCS: 2, Noise: loaded,
			Disturbed: loaded.Disturbed(2)},
	}, TrialOf: []string{"f", "f", "f"}}
	secs := buildSections(ds)
	if len(secs) != 1 {
		t.Fatalf("%d sections", len(secs))
	}
	s := secs[0]
	want := "The machine during these 3 trials: they lost 5% of their CPU time at the median (50% at most) to run-queue wait and steal; other processes used 0% of its CPUs (75% at most)"
	if !strings.Contains(s.Machine, want) {
		t.Errorf("machine line %q\nwant it to contain %q", s.Machine, want)
	}
	if len(s.Disturbed) != 1 || !strings.Contains(s.Disturbed[0].Error, "other processes used 75%") {
		t.Errorf("disturbed %+v", s.Disturbed)
	}
}
