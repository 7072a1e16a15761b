package units

import (
	"testing"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/concbench/concbench/record"
)

// TestHarnessUnits: the generator's wake error and spin cost, hidden from
// the tables, written where the trial measured them and left out where it
// did not (a closed loop; a record from before they were measured).
func TestHarnessUnits(t *testing.T) {
	wake, empty := hdrhistogram.New(1, 1e12, 3), hdrhistogram.New(1, 1e12, 3)
	for _, v := range []int64{10, 20, 30, 40000} {
		wake.RecordValue(v)
	}
	open := &record.Trial{Model: "open", WindowNs: 2e9, SpinNs: 4e7, Sleeper: "clock_nanosleep+spin", Wake: &record.Hist{Histogram: wake}}
	behind := &record.Trial{Model: "open", WindowNs: 2e9, Sleeper: "go-timer", Wake: &record.Hist{Histogram: empty}}
	closed := &record.Trial{Model: "closed", WindowNs: 2e9, Sleeper: "none"}
	old := &record.Trial{Model: "open", WindowNs: 2e9}
	tests := []struct {
		unit   string
		tr     *record.Trial
		want   float64
		wantOK bool
	}{
		{"wake-p50-ns", open, 20, true},
		{"wake-p99-ns", open, 40031, true}, // 40000 ns, as its HDR bucket reports it
		{"spin-ns/s", open, 2e7, true},     // 2% of a core
		{"wake-p99-ns", behind, 0, false},  // no operation waited
		{"spin-ns/s", behind, 0, true},
		{"wake-p50-ns", closed, 0, false},
		{"spin-ns/s", closed, 0, false},
		{"spin-ns/s", old, 0, false},
	}
	for _, tt := range tests {
		u, ok := Lookup(tt.unit)
		if !ok {
			t.Fatalf("no unit %s", tt.unit)
		}
		if u.Shown || u.Better != LowerIsBetter {
			t.Errorf("%s: shown %v, better %v; want hidden, lower", tt.unit, u.Shown, u.Better)
		}
		if got, ok := u.Value(tt.tr); got != tt.want || ok != tt.wantOK {
			t.Errorf("%s of %s (%s) = %v, %v; want %v, %v", tt.unit, tt.tr.Model, tt.tr.Sleeper, got, ok, tt.want, tt.wantOK)
		}
	}
}
