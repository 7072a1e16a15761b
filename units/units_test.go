package units

import (
	"testing"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/concbench/concbench/record"
)

func TestTableIsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, u := range Scenario() {
		if u.Name == "" || seen[u.Name] || u.Doc == "" || u.Value == nil || (u.Better != LowerIsBetter && u.Better != HigherIsBetter) {
			t.Errorf("bad row %+v (or a name used twice)", u)
		}
		seen[u.Name] = true
	}
}

func TestValuesFromATrial(t *testing.T) {
	lat, empty := hdrhistogram.New(1, 1e12, 3), hdrhistogram.New(1, 1e12, 3)
	for _, v := range []int64{100, 200, 300, 400} {
		lat.RecordValue(v)
	}
	tr := &record.Trial{WindowOps: 500, WindowNs: 2e9, Latency: &record.Hist{Histogram: lat},
		Service: &record.Hist{Histogram: empty}, Lateness: &record.Hist{Histogram: empty},
		PeakGoroutines: 7, Counters: map[string]int64{"rejected": 3}}
	tests := []struct {
		give   string
		want   float64
		wantOK bool
	}{
		{"ops/s", 250, true},
		{"max-ns", 400, true},
		{"peak-goroutines", 7, true},
		{"rejected", 3, true},
		{"svc-p99-ns", 0, false},       // nothing started: left out, not 0
		{"downstream-calls", 0, false}, // not a counter of this target
	}
	for _, tt := range tests {
		u, ok := Lookup(tt.give)
		if !ok {
			t.Fatalf("no unit %s", tt.give)
		}
		if got, ok := u.Value(tr); got != tt.want || ok != tt.wantOK {
			t.Errorf("%s = %v, %v; want %v, %v", tt.give, got, ok, tt.want, tt.wantOK)
		}
	}
}

// TestWindowCostWithoutCompletions: a window in which nothing completed
// (a burst whose tasks all end after it) has no cost per operation, but
// its scheduler latency and GC figures are still the window's.
func TestWindowCostWithoutCompletions(t *testing.T) {
	tr := &record.Trial{Cost: &record.Cost{SpanNs: 5e7, Ops: 0, CPUNs: 1e7, GCCycles: 1, SchedP99Ns: 4096, SchedP50Ns: 128, GCPauseP99Ns: 20}}
	tests := []struct {
		give   string
		want   float64
		wantOK bool
	}{
		{"sched-p99-ns", 4096, true},
		{"sched-p50-ns", 128, true},
		{"gc-pause-p99-ns", 20, true},
		{"gc-cycles/s", 20, true},
		{"cpu-ns/op", 0, false},
		{"B/op", 0, false},
		{"mutex-wait-ns/op", 0, false},
	}
	for _, tt := range tests {
		u, _ := Lookup(tt.give)
		if got, ok := u.Value(tr); got != tt.want || ok != tt.wantOK {
			t.Errorf("%s = %v, %v; want %v, %v", tt.give, got, ok, tt.want, tt.wantOK)
		}
	}
}
