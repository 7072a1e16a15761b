package report

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concbench/concbench/record"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// TestLogScalesGetPositiveValuesOnly generates reports whose log-scaled
// charts would be given values ≤ 0, or one value that gonum widens to
// ≤ 0; gonum's LogScale panics on those.
func TestLogScalesGetPositiveValuesOnly(t *testing.T) {
	// goTest writes three lines per (impl, workers) with the value at
	// that many workers.
	goTest := func(vals map[string][]float64) string {
		var b strings.Builder
		for _, impl := range []string{"a", "b"} {
			for i, v := range vals[impl] {
				for range 3 {
					fmt.Fprintf(&b, "BenchmarkPool/impl=%s/workers=%d-2 100 %g ns/op\n", impl, []int{1, 2, 4}[i], v)
				}
			}
		}
		return b.String()
	}
	tests := []struct {
		name      string
		give      string
		wantChart string // the caption's start
		wantState string
	}{
		{"a zero time", goTest(map[string][]float64{"a": {10, 0, 30}, "b": {5, 6, 7}}),
			"ns/op vs workers (procs=2) (1 point ≤ 0 not shown on the log scale)", chartDrawn},
		{"negative times", goTest(map[string][]float64{"a": {-10, -20, 30}, "b": {-5, 6, 7}}),
			"ns/op vs workers (procs=2) (3 points ≤ 0 not shown on the log scale)", chartDrawn},
		{"all times zero", goTest(map[string][]float64{"a": {0, 0, 0}, "b": {0, 0, 0}}),
			"ns/op vs workers (procs=2)", chartSkipped},
		{"one time under 1 ns everywhere", goTest(map[string][]float64{"a": {0.5, 0.5, 0.5}, "b": {0.5, 0.5, 0.5}}),
			"ns/op vs workers (procs=2)", chartDrawn},
		{"parameter 0 and negative", "BenchmarkChan/impl=a/buf=0-2 1 5 ns/op\nBenchmarkChan/impl=a/buf=-1-2 1 6 ns/op\nBenchmarkChan/impl=a/buf=8-2 1 7 ns/op\n",
			"ns/op vs buf (procs=2) (2 points ≤ 0 not shown on the log scale)", chartDrawn},
		{"one parameter value left", "BenchmarkChan/impl=a/buf=0 1 5 ns/op\nBenchmarkChan/impl=a/buf=8 1 0.5 ns/op\n",
			"ns/op vs buf () (1 point ≤ 0 not shown on the log scale)", chartDrawn},
		// inf is no position on an axis: no scaling chart over n at all.
		{"parameter inf is a label", "BenchmarkChan/impl=a/n=inf 1 5 ns/op\nBenchmarkChan/impl=a/n=1 1 6 ns/op\n",
			"ns/op vs n", chartAbsent},
		{"scenario p99 of 0", "BenchmarkScenario/scenario=s/pattern=p/impl=a/workers=1 10 100 ops/s 0 p99-ns\n" +
			"BenchmarkScenario/scenario=s/pattern=p/impl=a/workers=2 10 200 ops/s 5 p99-ns\n" +
			"BenchmarkScenario/scenario=s/pattern=p/impl=a/workers=4 10 300 ops/s -5 p99-ns\n",
			"p99-ns vs workers (scenario=s) (2 points ≤ 0 not shown on the log scale)", chartDrawn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "r.txt")
			if err := os.WriteFile(in, []byte(tt.give), 0o644); err != nil {
				t.Fatal(err)
			}
			htmlPath, err := Generate(context.Background(), filepath.Join(dir, "rep"), []string{in}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			page, err := os.ReadFile(htmlPath)
			if err != nil {
				t.Fatal(err)
			}
			if got := chartState(t, filepath.Dir(htmlPath), string(page), tt.wantChart); got != tt.wantState {
				t.Errorf("chart %q is %s, want %s", tt.wantChart, got, tt.wantState)
			}
		})
	}
}

// TestLogScalesOfTrials charts a sidecar whose latencies are all 0 (the
// spectrum's y is one value, 1 ns) and whose p99 series is 0 but for
// one sample of 1 ns.
func TestLogScalesOfTrials(t *testing.T) {
	dir := t.TempDir()
	name := "Scenario/scenario=s/pattern=p/impl=a/workers=1"
	in := filepath.Join(dir, "r.txt")
	if err := os.WriteFile(in, []byte("Benchmark"+name+" 10 100 ops/s 0 p99-ns\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lat := hdrhistogram.New(1, 60e9, 3)
	for range 10 {
		lat.RecordValue(0)
	}
	tr := record.Trial{Name: name, Scenario: "s", Pattern: "p", Impl: "a", Rep: 1, Status: record.StatusOK,
		Latency: &record.Hist{Histogram: lat}, Service: &record.Hist{Histogram: lat},
		Series: record.Series{T: []float64{0.1, 0.2, 0.3}, P99Ns: []float64{0, 1, 0}, OpsPerSec: []float64{1, 1, 1}}}
	var sb bytes.Buffer
	if err := record.Write(&sb, []record.Trial{tr}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(record.Path(in), sb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	htmlPath, err := Generate(context.Background(), filepath.Join(dir, "rep"), []string{in}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(htmlPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Latency percentile spectrum: workers=1",
		"p99 latency over time (corrected): workers=1 (2 points ≤ 0 not shown on the log scale)",
	} {
		if got := chartState(t, filepath.Dir(htmlPath), string(page), want); got != chartDrawn {
			t.Errorf("chart %q is %s, want drawn", want, got)
		}
	}
}

// TestChartsOfExtremeValues charts finite values at the ends of float64.
// An axis whose span overflowed (headroom added to a value near
// MaxFloat64, or values near both ends) made gonum place bars at NaN, and
// the rasterizer never finished; so did a huge negative bar below a y
// axis forced to start at 0, where negative bars are now shown.
func TestChartsOfExtremeValues(t *testing.T) {
	throughput := func(a, b string) string {
		return "BenchmarkScenario/scenario=s/pattern=p/impl=a/workers=1 10 " + a + " ops/s\n" +
			"BenchmarkScenario/scenario=s/pattern=p/impl=b/workers=1 10 " + b + " ops/s\n"
	}
	tests := []struct {
		name      string
		give      string
		wantChart string
		wantState string
	}{
		{"near MaxFloat64", throughput("1.7e308", "5"), "Throughput: workers=1", chartDrawn},
		{"near -MaxFloat64", throughput("-1.7e308", "5"), "Throughput: workers=1", chartDrawn},
		{"span past MaxFloat64", throughput("-1.7e308", "1.7e308"), "Throughput: workers=1", chartSkipped},
		{"a negative bar", throughput("-5", "5"), "Throughput: workers=1", chartDrawn},
		{"smallest and largest on a log scale", "BenchmarkX/impl=a/n=1-2 1 5e-324 ns/op\nBenchmarkX/impl=a/n=2-2 1 1.7e308 ns/op\nBenchmarkX/impl=a/n=5e-324-2 1 1.7e308 ns/op\n",
			"ns/op vs n (procs=2)", chartDrawn},
		{"one value near MaxFloat64 on a log scale", "BenchmarkX/impl=a/n=1-2 1 1.7e308 ns/op\nBenchmarkX/impl=a/n=1.7e308-2 1 1.7e308 ns/op\n",
			"ns/op vs n (procs=2)", chartDrawn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "r.txt")
			if err := os.WriteFile(in, []byte(tt.give), 0o644); err != nil {
				t.Fatal(err)
			}
			htmlPath, err := Generate(context.Background(), filepath.Join(dir, "rep"), []string{in}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			page, err := os.ReadFile(htmlPath)
			if err != nil {
				t.Fatal(err)
			}
			if got := chartState(t, filepath.Dir(htmlPath), string(page), tt.wantChart); got != tt.wantState {
				t.Errorf("chart %q is %s, want %s", tt.wantChart, got, tt.wantState)
			}
		})
	}
}
