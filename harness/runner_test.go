package harness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"go.uber.org/goleak"

	"github.com/concbench/concbench/loadgen"
	"github.com/concbench/concbench/record"
	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"
	"github.com/concbench/concbench/trial"
)

// When the test binary is started as a trial child (by the Isolated
// tests), it acts as `runbench trial` does, over testPatterns.
const childEnv = "CONCBENCH_TEST_TRIAL_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		var ts trial.Spec
		if err := json.NewDecoder(os.Stdin).Decode(&ts); err != nil {
			panic(err)
		}
		tr, err := trial.Run(context.Background(), ts, testPatterns())
		if err != nil {
			panic(err)
		}
		b, err := json.Marshal(tr)
		if err != nil {
			panic(err)
		}
		if err := os.WriteFile(os.Getenv(trial.ResultEnv), b, 0o644); err != nil {
			panic(err)
		}
		os.Exit(0)
	}
	// ants starts its default pool's two goroutines at package init; the
	// quick suite's smoke test runs hystrix in process, which keeps two
	// goroutines per breaker for the life of the process, as it declares
	// (breaker.Deviations.RegistryGoroutines).
	goleak.VerifyTestMain(m, goleak.IgnoreCurrent(),
		goleak.IgnoreTopFunction("github.com/afex/hystrix-go/hystrix.(*metricExchange).Monitor"),
		goleak.IgnoreTopFunction("github.com/afex/hystrix-go/hystrix.(*poolMetrics).Monitor"))
}

// testPatterns adds to the built-in registry a "test" pattern whose impls
// misbehave on purpose: hang blocks forever, crash panics, leak leaves a
// goroutine behind after Close.
func testPatterns() *targets.Registry {
	stop := make(chan struct{})
	return mustWith(targets.Builtin(), targets.Pattern{
		Name:  "test",
		Impls: []targets.ImplInfo{{Name: "hang"}, {Name: "crash"}, {Name: "leak"}},
		New: func(impl string, _ map[string]string, _ targets.Op) (*targets.Target, error) {
			t := &targets.Target{Close: func() error { return nil }}
			switch impl {
			case "hang":
				t.Call = func(context.Context) error { select {} }
			case "crash":
				t.Call = func(context.Context) error { panic("crash on purpose") }
			case "leak":
				t.Call = func(context.Context) error { return nil }
				t.Close = func() error {
					go func() { <-stop }() // never released: the leak under test
					return nil
				}
			}
			return t, nil
		},
	})
}

// mustWith is Registry.With for tests.
func mustWith(r *targets.Registry, p ...targets.Pattern) *targets.Registry {
	reg, err := r.With(p...)
	if err != nil {
		panic(err)
	}
	return reg
}

func quickSpec(t *testing.T, yaml string) scenarios.Spec {
	t.Helper()
	s, err := scenarios.Parse("t.yaml", []byte(yaml), testPatterns())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const goodSpec = `name: ok
pattern: workerpool
params:
  workers: [1, 4]
load:
  model: open
  rate: 100
  duration: 1s
work:
  kind: sleep
  mean: 1ms
`

func TestPlanCrossesRates(t *testing.T) {
	s, err := scenarios.Parse("k.yaml", []byte(strings.Replace(goodSpec, "rate: 100", "rate: [100, 250.5]", 1)), targets.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	plan := Plan([]scenarios.Spec{s}, targets.Builtin(), []string{"channels"}, 1)
	var got []string
	for _, ts := range plan {
		got = append(got, fmt.Sprintf("%s@%v", ts.Name(targets.Builtin()), ts.Rate))
	}
	want := []string{
		"Scenario/scenario=ok/pattern=workerpool/impl=channels/workers=1/rate=100@100",
		"Scenario/scenario=ok/pattern=workerpool/impl=channels/workers=1/rate=250.5@250.5",
		"Scenario/scenario=ok/pattern=workerpool/impl=channels/workers=4/rate=100@100",
		"Scenario/scenario=ok/pattern=workerpool/impl=channels/workers=4/rate=250.5@250.5",
	}
	if !slices.Equal(got, want) {
		t.Errorf("plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestPlanCrossesGOMAXPROCS(t *testing.T) {
	s, err := scenarios.Parse("p.yaml", []byte(goodSpec+"gomaxprocs: [1, 2]\n"), targets.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	plan := Plan([]scenarios.Spec{s}, targets.Builtin(), []string{"channels"}, 1)
	if len(plan) != 4 {
		t.Fatalf("%d trials, want 4 (2 worker counts x 2 GOMAXPROCS)", len(plan))
	}
	if got, want := plan[1].Name(targets.Builtin()), "Scenario/scenario=ok/pattern=workerpool/impl=channels/workers=1/procs=2"; got != want || plan[1].Procs != 2 {
		t.Errorf("trial 1: %s procs %d, want %s procs 2", got, plan[1].Procs, want)
	}
}

func TestIsolatedSetsGOMAXPROCS(t *testing.T) {
	want := runtime.NumCPU() + 1 // never the child's default
	s := quickSpec(t, fmt.Sprintf("name: g\npattern: harness\nimpls: [noop]\ngomaxprocs: [%d]\nload: {model: closed, clients: 1, duration: 10ms}\n", want))
	t.Setenv(childEnv, "1")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	tr, err := trial.Isolated([]string{exe}, testPatterns())(context.Background(), trial.Spec{Scenario: s, Point: scenarios.Point{Impl: "noop", Procs: want, Rep: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Status != "ok" || tr.GOMAXPROCS != want {
		t.Fatalf("status %s, the child ran with GOMAXPROCS=%d, want %d", tr.Status, tr.GOMAXPROCS, want)
	}
}

func TestIsolatedHangIsReportedWithStacks(t *testing.T) {
	s := quickSpec(t, "name: h\npattern: test\nload: {model: closed, clients: 1, duration: 10ms}\n")
	s.Timeout.Duration = time.Second // below what scenarios.Parse accepts: only the watchdog is under test
	tr := runIsolated(t, s, "hang")
	if tr.Status != record.StatusHung || !strings.Contains(tr.Stacks, "goroutine ") || !strings.Contains(tr.Stacks, "[select (no cases)") {
		t.Fatalf("status %s, stacks %d bytes: want hung with the stack of the hanging call", tr.Status, len(tr.Stacks))
	}
}

func TestIsolatedCrashIsReported(t *testing.T) {
	s := quickSpec(t, "name: c\npattern: test\nload: {model: closed, clients: 1, duration: 10ms}\n")
	tr := runIsolated(t, s, "crash")
	if tr.Status != record.StatusCrashed || !strings.Contains(tr.Stacks, "crash on purpose") {
		t.Fatalf("status %s, stacks %q", tr.Status, tr.Stacks)
	}
}

func runIsolated(t *testing.T, s scenarios.Spec, impl string) record.Trial {
	t.Helper()
	t.Setenv(childEnv, "1") // inherited by the child; restored after the test
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	tr, err := trial.Isolated([]string{exe}, testPatterns())(context.Background(), trial.Spec{Scenario: s, Point: scenarios.Point{Impl: impl, Rep: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestRunWritesResultsAtomically(t *testing.T) {
	s := quickSpec(t, "name: r\npattern: harness\nimpls: [noop]\nrepeat: 2\nload: {model: closed, clients: 1, duration: 10ms}\n")
	dir := t.TempDir()
	plan := Plan([]scenarios.Spec{s}, targets.Builtin(), nil, 0)
	sum, err := Run(context.Background(), plan, targets.Builtin(), Options{OutDir: dir, Exec: trial.InProcess(targets.Builtin()), Config: HostConfig("test")})
	if err != nil {
		t.Fatal(err)
	}
	txt, err := os.ReadFile(sum.Results)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(txt), "\nBenchmarkScenario/scenario=r/pattern=harness/impl=noop "); n != 2 {
		t.Errorf("results.txt has %d result lines, want 2:\n%s", n, txt)
	}
	for _, want := range []string{"Unit ops/s better=higher", "run-status: complete", "commit: test", "scenario-sha256: ", "clock-ns: "} {
		if !strings.Contains(string(txt), want) {
			t.Errorf("results.txt lacks %q", want)
		}
	}
	trials, _, err := record.Read(record.Path(sum.Results), nil)
	if err != nil || len(trials) != 2 {
		t.Fatalf("sidecar: %d trials, %v", len(trials), err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestRunInterruptedIsPartial(t *testing.T) {
	s := quickSpec(t, "name: p\npattern: harness\nimpls: [noop]\nrepeat: 3\nload: {model: closed, clients: 1, duration: 10ms}\n")
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	exe := func(ctx context.Context, ts trial.Spec) (record.Trial, error) {
		n++
		if n == 2 {
			cancel() // interrupt arrives during the second trial
		}
		return trial.Run(ctx, ts, targets.Builtin())
	}
	sum, err := Run(ctx, Plan([]scenarios.Spec{s}, targets.Builtin(), nil, 0), targets.Builtin(), Options{OutDir: t.TempDir(), Exec: exe})
	if err != nil {
		t.Fatal(err)
	}
	txt, _ := os.ReadFile(sum.Results)
	if !sum.Partial || len(sum.Trials) != 2 || !strings.Contains(string(txt), "run-status: partial") {
		t.Fatalf("partial %v, %d trials, file:\n%s", sum.Partial, len(sum.Trials), txt)
	}
}

// Operations never started get a latency but no service time: with none
// started, the result line leaves svc-p99-ns out instead of writing 0.
func TestNoServiceTimeWhenNothingStarted(t *testing.T) {
	newHist := func() *hdrhistogram.Histogram { return hdrhistogram.New(1, 1e12, 3) }
	h := newHist()
	h.RecordValue(5e6)
	tr := record.Trial{Ops: 1, WindowNs: 1e9, Latency: &record.Hist{Histogram: h},
		Service: &record.Hist{Histogram: newHist()}, Lateness: &record.Hist{Histogram: newHist()}}
	for _, v := range scenarioValues(tr) {
		if v.Unit == "svc-p99-ns" || v.Unit == "late-p99-ns" {
			t.Errorf("%s = %v written for a trial that started nothing", v.Unit, v.Value)
		}
	}
}

// TestInProcessWatchdogStopsTheRun runs a target that ignores its context
// in process: the watchdog must report it hung with the stacks, and Run
// must stop there and keep the results so far, marked partial.
func TestInProcessWatchdogStopsTheRun(t *testing.T) {
	release, closed := make(chan struct{}), make(chan struct{})
	pats := mustWith(targets.Builtin(), targets.Pattern{
		Name:  "deaf",
		Impls: []targets.ImplInfo{{Name: "block"}},
		New: func(string, map[string]string, targets.Op) (*targets.Target, error) {
			return &targets.Target{
				Target: loadgen.Target{Call: func(context.Context) error { <-release; return nil }},
				Close:  func() error { close(closed); return nil },
			}, nil
		},
	})
	s, err := scenarios.Parse("t.yaml", []byte("name: d\npattern: deaf\nrepeat: 2\nload: {model: closed, clients: 1, duration: 1s}\n"), pats)
	if err != nil {
		t.Fatal(err)
	}
	s.Timeout.Duration = 200 * time.Millisecond // below what scenarios.Parse accepts: only the watchdog is under test
	dir := t.TempDir()
	sum, err := Run(context.Background(), Plan([]scenarios.Spec{s}, pats, nil, 0), pats, Options{OutDir: dir, Exec: trial.InProcess(pats)})
	// Let the abandoned trial finish its window and close its target, so
	// that no goroutine of it outlives the test.
	close(release)
	defer func() { <-closed }()
	if !errors.Is(err, trial.ErrRunStopped) {
		t.Fatalf("Run: %v, want trial.ErrRunStopped", err)
	}
	if !sum.Partial || len(sum.Trials) != 1 || sum.Trials[0].Status != record.StatusHung {
		t.Fatalf("partial %v, %d trials (want 1, hung): %+v", sum.Partial, len(sum.Trials), sum.Trials)
	}
	trials, _, err := record.Read(record.Path(sum.Results), nil)
	if err != nil || len(trials) != 1 || trials[0].Status != record.StatusHung || !strings.Contains(trials[0].Stacks, "goroutine ") {
		t.Errorf("sidecar after the stop: %d trials, %v; want the hung one, with its stacks", len(trials), err)
	}
	if _, err := os.Stat(sum.Results); err != nil {
		t.Errorf("results file after the stop: %v", err)
	}
}

func TestLeakDetected(t *testing.T) {
	s := quickSpec(t, "name: l\npattern: test\nload: {model: closed, clients: 1, duration: 10ms}\n")
	tr := runIsolated(t, s, "leak")
	if tr.Status != record.StatusLeaked || tr.LeakedGoroutines != 1 {
		t.Fatalf("status %s, leaked %d: want leaked, 1 (%s)", tr.Status, tr.LeakedGoroutines, tr.Error)
	}
}

// The sidecar describes each scenario once, before its trials: its
// description, headline, claims and the demonstrations it runs.
func TestRunDescribesScenarios(t *testing.T) {
	reg := mustWith(targets.Builtin(), targets.Pattern{
		Name:  "demo",
		Impls: []targets.ImplInfo{{Name: "good"}, {Name: "bad", Demo: "leaks on purpose"}, {Name: "other", Demo: "not run"}},
		New: func(string, map[string]string, targets.Op) (*targets.Target, error) {
			return &targets.Target{Target: loadgen.Target{Call: func(context.Context) error { return nil }}, Close: func() error { return nil }}, nil
		},
	})
	s, err := scenarios.Parse("d.yaml", []byte(`name: d
description: what it shows
pattern: demo
impls: [good, bad]
headline: [p99-ns]
claims:
  - guide: 5
    text: Always ensure goroutines can exit
    unit: trials-leaked
    follows: good
    ignores: bad
repeat: 2
load: {model: closed, clients: 1, duration: 10ms}
`), reg)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Run(context.Background(), Plan([]scenarios.Spec{s}, reg, nil, 0), reg, Options{OutDir: t.TempDir(), Exec: trial.InProcess(reg)})
	if err != nil {
		t.Fatal(err)
	}
	f, warnings, err := record.ReadFile(record.Path(sum.Results), nil)
	if err != nil || len(warnings) > 0 {
		t.Fatal(err, warnings)
	}
	want := record.Scenario{Name: "d", File: "d.yaml", Hash: s.Hash, Pattern: "demo", Description: "what it shows",
		Headline: []string{"p99-ns"},
		Claims:   []record.Claim{{Guide: 5, Text: "Always ensure goroutines can exit", Unit: "trials-leaked", Follows: "good", Ignores: "bad"}},
		Demos:    map[string]string{"bad": "leaks on purpose"},
		Impls:    map[string]record.Impl{"good": {}, "bad": {}}}
	if len(f.Scenarios) != 1 || !reflect.DeepEqual(f.Scenarios[0], want) {
		t.Errorf("scenarios %+v\nwant [%+v]", f.Scenarios, want)
	}
	if len(f.Trials) != 4 {
		t.Errorf("%d trials, want 4", len(f.Trials))
	}
}

// A demonstration's trial that ends as it declares (DemoEnds) does not
// fail the run; one that ends otherwise does, like any trial.
func TestDemonstratedOnlyAsDeclared(t *testing.T) {
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	leakingTarget := func(string, map[string]string, targets.Op) (*targets.Target, error) {
		return &targets.Target{Target: loadgen.Target{Call: func(context.Context) error { return nil }}, Close: func() error {
			go func() { <-stop }() // the leak the test is about; released at cleanup
			return nil
		}}, nil
	}
	reg := mustWith(targets.Builtin(), targets.Pattern{
		Name: "demo",
		Impls: []targets.ImplInfo{
			{Name: "leaks", Demo: "leaks on purpose", DemoEnds: []string{record.StatusLeaked}},
			{Name: "hangs", Demo: "declares a hang, but leaks", DemoEnds: []string{record.StatusHung}},
		},
		New: leakingTarget,
	})
	s, err := scenarios.Parse("d.yaml", []byte("name: d\npattern: demo\nimpls: [leaks, hangs]\nrepeat: 1\nload: {model: closed, clients: 1, duration: 10ms}\n"), reg)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Run(context.Background(), Plan([]scenarios.Spec{s}, reg, nil, 0), reg, Options{OutDir: t.TempDir(), Exec: trial.InProcess(reg)})
	if err != nil {
		t.Fatal(err)
	}
	var failed, shown []string
	for _, tr := range sum.Failed() {
		failed = append(failed, tr.Impl+" "+tr.Status)
	}
	for _, tr := range sum.Demonstrated() {
		shown = append(shown, tr.Impl+" "+tr.Status)
	}
	if strings.Join(failed, ",") != "hangs leaked" || strings.Join(shown, ",") != "leaks leaked" {
		t.Errorf("failed %q, demonstrated %q; want [hangs leaked], [leaks leaked]", failed, shown)
	}
}

// TestRunMemoryIsBounded: a run holds an outcome per trial, not its
// record. 300 trials of three full-size histograms each (about 0.7 MB a
// record) leave the live heap where it was after the first 50: before,
// the run kept every record and every result line, and grew 1.16 MB a
// trial until a 20,000-trial run ran out of memory.
func TestRunMemoryIsBounded(t *testing.T) {
	s := quickSpec(t, "name: m\npattern: harness\nimpls: [noop]\nrepeat: 300\nload: {model: closed, clients: 1, duration: 10ms}\n")
	plan := Plan([]scenarios.Spec{s}, targets.Builtin(), nil, 0)
	full := func() *record.Hist {
		h := hdrhistogram.New(1, int64(72*time.Hour), 3)
		for v := int64(1); v < int64(72*time.Hour); v = v*11/10 + 1 {
			h.RecordValue(v) // a count in every bucket range: the encoding is full size
		}
		return &record.Hist{Histogram: h}
	}
	exe := func(_ context.Context, ts trial.Spec) (record.Trial, error) {
		tr := ts.Record(targets.Builtin())
		tr.Status, tr.Ops, tr.WindowOps, tr.WindowNs = record.StatusOK, 1000, 1000, 1e7
		tr.Latency, tr.Service, tr.Lateness = full(), full(), full()
		return tr, nil
	}
	live := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	var at50, at300 uint64
	_, err := Run(context.Background(), plan, targets.Builtin(), Options{OutDir: t.TempDir(), Exec: exe,
		Progress: func(done, _ int, _ record.Trial) {
			switch done {
			case 50:
				at50 = live()
			case 300:
				at300 = live()
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if at300 > at50+30<<20 {
		t.Errorf("live heap %d MiB after 50 trials, %d MiB after 300: it grows with the run", at50>>20, at300>>20)
	}
}
