package compare

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runFile writes a run of benchmarks: each name's center, six samples
// spread ±spread around it, the run's drift multiplying a noisy one.
func runFile(t *testing.T, dir, name string, seed uint64, centers map[string]float64, noisy string, drift, spread float64) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	var b strings.Builder
	b.WriteString("goos: linux\ngoarch: amd64\npkg: example.com/x\n")
	for _, n := range []string{"BenchmarkA", "BenchmarkB", "BenchmarkNoisy"} {
		c := centers[n]
		if n == noisy {
			c *= drift
		}
		for range 6 {
			fmt.Fprintf(&b, "%s 1000 %.1f ns/op\n", n, c*(1+spread*(2*rng.Float64()-1)))
		}
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCalibratedGate: a runner whose noisy benchmark drifts by up to 12%
// between runs of the same code makes a fixed 5% gate cry wolf on an A/A
// pair; the gate calibrated on three A/A runs raises nothing on a fourth,
// and still catches a 20% slowdown of a steady benchmark.
func TestCalibratedGate(t *testing.T) {
	dir := t.TempDir()
	centers := map[string]float64{"BenchmarkA": 100, "BenchmarkB": 200, "BenchmarkNoisy": 300}
	a1 := runFile(t, dir, "a1.txt", 1, centers, "BenchmarkNoisy", 1.00, 0.005)
	a2 := runFile(t, dir, "a2.txt", 2, centers, "BenchmarkNoisy", 1.12, 0.005)
	a3 := runFile(t, dir, "a3.txt", 3, centers, "BenchmarkNoisy", 1.06, 0.005)
	headAA := runFile(t, dir, "head-aa.txt", 4, centers, "BenchmarkNoisy", 1.10, 0.005)
	slow := map[string]float64{"BenchmarkA": 120, "BenchmarkB": 200, "BenchmarkNoisy": 300}
	headSlow := runFile(t, dir, "head-slow.txt", 5, slow, "BenchmarkNoisy", 1.05, 0.005)

	fixed, err := Files(context.Background(), io.Discard, []string{a1, headAA}, Options{MaxRegression: 0.05})
	if err != nil || len(fixed) != 1 || fixed[0].Name != "Noisy" {
		t.Fatalf("fixed 5%% gate on an A/A pair: %v, %v; want one false alarm on Noisy", fixed, err)
	}
	cal, err := Calibrate(context.Background(), []string{a1, a2, a3}, Projections{})
	if err != nil {
		t.Fatal(err)
	}
	if cal.Runs != 3 || cal.Pairs != 3 || len(cal.LeaveOneOut) != 3 || cal.Largest < 0.11 || cal.Largest > 0.13 {
		t.Errorf("calibration %+v: want 3 runs, 3 pairs, a leave-one-out count per pair, largest move about 12%%", cal)
	}
	var out strings.Builder
	regs, err := Files(context.Background(), &out, []string{a1, headAA}, Options{Calibration: cal})
	if err != nil || len(regs) != 0 {
		t.Errorf("calibrated gate on an A/A pair: %v, %v; want no alarm", regs, err)
	}
	if !strings.Contains(out.String(), "calibrated on 3 A/A runs (3 pairs)") {
		t.Errorf("output does not say how it was calibrated:\n%s", out.String())
	}
	regs, err = Files(context.Background(), io.Discard, []string{a1, headSlow}, Options{Calibration: cal})
	if err != nil || len(regs) != 1 || regs[0].Name != "A" {
		t.Errorf("calibrated gate on a 20%% slowdown of A: %v, %v; want A caught", regs, err)
	}
	if _, err := Calibrate(context.Background(), []string{a1}, Projections{}); err == nil {
		t.Error("Calibrate took a single run")
	}
}
