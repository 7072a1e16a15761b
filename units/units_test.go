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
