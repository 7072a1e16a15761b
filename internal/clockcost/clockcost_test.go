package clockcost

import (
	"testing"
	"time"
)

func TestMeasureIsAPlausibleCost(t *testing.T) {
	// A bound, not a speed: a clock read costs more than nothing and far
	// less than a millisecond on any machine this runs on.
	if ns := Measure(); !(ns > 0 && ns < float64(time.Millisecond)) {
		t.Errorf("Measure() = %v ns", ns)
	}
}

// BenchmarkNow is the same cost as go test measures it.
func BenchmarkNow(b *testing.B) {
	for b.Loop() {
		time.Now()
	}
}
