package truth

import (
	"math"
	"testing"
)

// TestPKResponse: the Pollaczek–Khinchine mean is M/M/1's 1/(μ−λ) for
// exponential service (E[S²] = 2E[S]²), M/D/1's S(1 + ρ/(2(1−ρ))) for a
// fixed one, and +Inf at or past saturation.
func TestPKResponse(t *testing.T) {
	const s = 100.0 // ns
	tests := []struct {
		name     string
		rho, es2 float64
		want     float64
	}{
		{"M/M/1 ρ=0.5", 0.5, 2 * s * s, s / (1 - 0.5)},
		{"M/M/1 ρ=0.8", 0.8, 2 * s * s, s / (1 - 0.8)},
		{"M/D/1 ρ=0.5", 0.5, s * s, s * (1 + 0.5/(2*0.5))},
		{"M/D/1 ρ=0.8", 0.8, s * s, s * (1 + 0.8/(2*0.2))},
		{"saturated", 1, s * s, math.Inf(1)},
	}
	for _, tt := range tests {
		if got := PKResponse(tt.rho/s, s, tt.es2); math.Abs(got-tt.want) > 1e-9*tt.want && got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestMM1RelSE: the error shrinks as 1/√n with the run's length and grows
// with the utilisation.
func TestMM1RelSE(t *testing.T) {
	a, b := MM1RelSE(0.8, 1e4), MM1RelSE(0.8, 4e4)
	if r := a / b; math.Abs(r-2) > 1e-9 {
		t.Errorf("4× the run: error ratio %v, want 2", r)
	}
	if MM1RelSE(0.5, 1e4) >= a {
		t.Errorf("ρ=0.5: %v, not below ρ=0.8's %v", MM1RelSE(0.5, 1e4), a)
	}
}

// TestBatchMeans: independent values give about the plain standard error;
// a series with long runs of one value gives a larger one than the plain
// formula would.
func TestBatchMeans(t *testing.T) {
	xs := make([]float64, 1000)
	for i := range xs {
		xs[i] = float64(i % 2) // alternating: no long-range correlation
	}
	m, se := BatchMeans(xs, 10)
	if m != 0.5 || se > 1e-9 {
		t.Errorf("alternating: mean %v se %v, want 0.5 and 0 (every batch has mean 0.5)", m, se)
	}
	for i := range xs {
		xs[i] = float64(i / 100 % 2) // runs of 100
	}
	_, plain := MeanSE(xs)
	_, batch := BatchMeans(xs, 10)
	if batch <= 3*plain {
		t.Errorf("runs of 100: batch-means se %v, plain %v: want the batch means to see the correlation", batch, plain)
	}
}
