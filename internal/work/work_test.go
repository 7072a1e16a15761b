package work

import (
	"testing"
	"time"
)

func TestCalibrateScales(t *testing.T) {
	one, ten := Calibrate(time.Microsecond), Calibrate(10*time.Microsecond)
	if one < 1 || ten < 5*one {
		t.Fatalf("Calibrate(1µs)=%d, Calibrate(10µs)=%d: want >=1 and about 10x", one, ten)
	}
}

func BenchmarkSpin1us(b *testing.B) {
	n := RoundsPerMicrosecond()
	for b.Loop() {
		Spin(n)
	}
}
