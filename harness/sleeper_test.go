package harness

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/concbench/concbench/record"
	"github.com/concbench/concbench/targets"
	"github.com/concbench/concbench/trial"
)

// TestSleeperConfigLine: each result line carries the sleeper its trial
// ran, as a config line, since it depends on the trial's rate; a record
// without one (a generator that did not say) gets none.
func TestSleeperConfigLine(t *testing.T) {
	h := hdrhistogram.New(1, 1e12, 3)
	h.RecordValue(1000)
	mk := func(name, sleeper string) record.Trial {
		return record.Trial{Name: name, Status: record.StatusOK, Model: "open", Ops: 1, WindowOps: 1, WindowNs: 1e9,
			Latency: &record.Hist{Histogram: h}, Service: &record.Hist{Histogram: h}, Lateness: &record.Hist{Histogram: h},
			Sleeper: sleeper}
	}
	w, err := createResults(filepath.Join(t.TempDir(), "results.txt"), nil, targets.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range []record.Trial{
		mk("Scenario/scenario=a/rate=1000", "clock_nanosleep+spin"),
		mk("Scenario/scenario=a/rate=100000", "go-timer"),
		mk("Scenario/scenario=old", ""),
	} {
		if err := w.add(trial.Spec{}, tr); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.complete(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(w.path)
	if err != nil {
		t.Fatal(err)
	}
	// The sleeper line in force before each result line.
	sleeper := map[string]string{}
	current := ""
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "sleeper:"); ok {
			current = strings.TrimSpace(v)
		}
		if name, _, ok := strings.Cut(line, " "); ok && strings.HasPrefix(name, "BenchmarkScenario/") {
			sleeper[name] = current
		}
	}
	want := map[string]string{
		"BenchmarkScenario/scenario=a/rate=1000":   "clock_nanosleep+spin",
		"BenchmarkScenario/scenario=a/rate=100000": "go-timer",
		"BenchmarkScenario/scenario=old":           "",
	}
	for name, s := range want {
		if got, ok := sleeper[name]; !ok || got != s {
			t.Errorf("%s: sleeper %q (line written: %v), want %q\n%s", name, got, ok, s, b)
		}
	}
}
