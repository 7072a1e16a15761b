package trial

import (
	"context"
	"strings"
	"testing"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/concbench/concbench/record"
	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"
)

// TestDisturbance: an open-loop trial at low load is flagged when its
// service median leaves the solo reference's by more than the bound,
// either way, and never where the comparison means nothing.
func TestDisturbance(t *testing.T) {
	svc := func(ns int64, n int) *record.Hist {
		h := hdrhistogram.New(1, 1e10, 3)
		for range n {
			h.RecordValue(ns)
		}
		return &record.Hist{Histogram: h}
	}
	open := func(rate float64, svcNs, soloNs int64) record.Trial {
		return record.Trial{Model: "open", TargetRate: rate, Service: svc(svcNs, 100), SoloOps: 32, SoloP50Ns: soloNs, SoloMeanNs: soloNs}
	}
	tests := []struct {
		name string
		tr   record.Trial
		want string // in the reason; "" for none
	}{
		{"the issue's HTTP case", open(1000, 2_900_000, 90_000), "slowed"},
		{"within the ratio", open(1000, 130_000, 90_000), ""},
		{"sub-10µs within the slack", open(1000, 9_000, 1_000), ""},
		{"sub-10µs beyond the slack", open(1000, 13_000, 1_000), "slowed"},
		{"sped up", open(100, 240_000, 1_100_000), "sped up"},
		{"high load: the target's own queueing", open(10000, 2_900_000, 90_000), ""},
		{"closed loop", record.Trial{Model: "closed", Service: svc(2_900_000, 100), SoloOps: 32, SoloP50Ns: 90_000, SoloMeanNs: 90_000}, ""},
		{"too few solo operations", record.Trial{Model: "open", TargetRate: 1000, Service: svc(2_900_000, 100), SoloOps: 3, SoloP50Ns: 90_000, SoloMeanNs: 90_000}, ""},
		{"too few operations", record.Trial{Model: "open", TargetRate: 1000, Service: svc(2_900_000, 3), SoloOps: 32, SoloP50Ns: 90_000, SoloMeanNs: 90_000}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := disturbance(tt.tr)
			if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("disturbance %q, want %q", got, tt.want)
			}
		})
	}
	if got := disturbance(open(1000, 2_900_000, 90_000)); !strings.Contains(got, "service p50 2.9ms under the load, 90µs alone (32×), at 0.09 operations in flight") {
		t.Errorf("reason %q does not give the figures", got)
	}
}

// TestSoloReferenceUncounted: a trial measures its target alone after the
// load, and the target's counters do not count those calls: a breaker
// without faults passes every issued call to its downstream, no more.
func TestSoloReferenceUncounted(t *testing.T) {
	s := quickSpec(t, "name: b\npattern: breaker\nload: {model: open, rate: 2000, duration: 40ms, warmup: 10ms}\nwork: {kind: cpu, mean: 2us}\n")
	tr, err := Run(context.Background(), Spec{Scenario: s, Point: scenarios.Point{Impl: "mutex", Params: map[string]string{"failures": "5", "open": "20ms", "probes": "1", "calltimeout": "5ms"}, Rate: 2000, Sleeper: "auto", Rep: 1}}, targets.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if tr.Status != record.StatusOK || tr.SoloOps < minCompared || tr.SoloP50Ns <= 0 || tr.SoloMeanNs <= 0 {
		t.Fatalf("status %s (%s), solo: %d ops, p50 %d ns, mean %d ns", tr.Status, tr.Error, tr.SoloOps, tr.SoloP50Ns, tr.SoloMeanNs)
	}
	if got := tr.Counters["downstream-calls"]; got != tr.Issued {
		t.Errorf("downstream-calls %d, want the %d issued (the solo reference's %d calls are not the load's)", got, tr.Issued, tr.SoloOps)
	}
}
