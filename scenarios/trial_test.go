package scenarios

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"concbench/internal/sidecar"
)

// When the test binary is started as a trial child (by TestIsolated…), it
// acts as `runbench trial` does, over testPatterns.
const childEnv = "CONCBENCH_TEST_TRIAL_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		var ts TrialSpec
		if err := json.NewDecoder(os.Stdin).Decode(&ts); err != nil {
			panic(err)
		}
		tr, err := RunTrial(context.Background(), ts, testPatterns())
		if err != nil {
			panic(err)
		}
		if err := json.NewEncoder(os.Stdout).Encode(tr); err != nil {
			panic(err)
		}
		os.Exit(0)
	}
	// ants starts its default pool's two goroutines at package init.
	goleak.VerifyTestMain(m, goleak.IgnoreCurrent())
}

// testPatterns adds to Patterns a "test" pattern whose impls misbehave on
// purpose: hang blocks forever, crash panics, leak leaves a goroutine behind
// after Close.
func testPatterns() []Pattern {
	stop := make(chan struct{})
	return append(Patterns(), Pattern{
		Name:  "test",
		Impls: []ImplInfo{{"hang", ""}, {"crash", ""}, {"leak", ""}},
		New: func(impl string, _ map[string]string, _ Op) (*Target, error) {
			t := &Target{Close: func() error { return nil }}
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

func quickSpec(t *testing.T, yaml string) Spec {
	t.Helper()
	s, err := Parse("t.yaml", []byte(yaml), testPatterns())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTrialClosedLoop(t *testing.T) {
	s := quickSpec(t, `name: t
pattern: workerpool
load: {model: closed, clients: 4, duration: 50ms, warmup: 10ms}
work: {kind: cpu, mean: 5us}
`)
	tr, err := RunTrial(context.Background(), TrialSpec{Spec: s, Impl: "channels", Params: map[string]string{"workers": "2"}, Rep: 1}, Patterns())
	if err != nil {
		t.Fatal(err)
	}
	if tr.Status != sidecar.StatusOK || tr.Ops == 0 || tr.Latency.TotalCount() != tr.Ops || tr.LeakedGoroutines != 0 {
		t.Fatalf("status %s (%s), ops %d, latency count %d, leaked %d", tr.Status, tr.Error, tr.Ops, tr.Latency.TotalCount(), tr.LeakedGoroutines)
	}
	if len(tr.Series.T) == 0 || len(tr.Series.Goroutines) != len(tr.Series.T) {
		t.Fatalf("series: %d samples, %d goroutine samples", len(tr.Series.T), len(tr.Series.Goroutines))
	}
	if tr.Name != "Scenario/scenario=t/pattern=workerpool/impl=channels/workers=2" {
		t.Errorf("name %q", tr.Name)
	}
}

// An open-loop trial against a pool that cannot keep up: latency from the
// intended start must exceed the service time by the queueing delay, which
// a closed-loop (coordinated-omission) measurement would hide.
func TestTrialOpenLoopCountsQueueing(t *testing.T) {
	s := quickSpec(t, `name: t
pattern: workerpool
load: {model: open, rate: 2000, duration: 100ms, warmup: 10ms}
work: {kind: sleep, mean: 2ms}
`)
	tr, err := RunTrial(context.Background(), TrialSpec{Spec: s, Impl: "channels", Params: map[string]string{"workers": "1"}, Rate: 2000, Rep: 1}, Patterns())
	if err != nil {
		t.Fatal(err)
	}
	// One worker does at most 500 sleeps of 2ms a second; 2000/s are offered.
	lat, svc := tr.Latency.ValueAtQuantile(99), tr.Service.ValueAtQuantile(99)
	if tr.Ops == 0 || lat < 10*int64(time.Millisecond) || lat < 2*svc {
		t.Fatalf("ops %d, corrected p99 %v, service p99 %v: want corrected >= 10ms and >= 2x service", tr.Ops, time.Duration(lat), time.Duration(svc))
	}
}

func TestHarnessNoop(t *testing.T) {
	s := quickSpec(t, "name: h\npattern: harness\nload: {model: closed, clients: 1, duration: 20ms}\n")
	tr, err := RunTrial(context.Background(), TrialSpec{Spec: s, Impl: "noop", Rep: 1}, Patterns())
	if err != nil {
		t.Fatal(err)
	}
	if tr.Status != sidecar.StatusOK || tr.Ops == 0 || tr.Issued < tr.Ops {
		t.Fatalf("status %s, %d ops measured of %d issued", tr.Status, tr.Ops, tr.Issued)
	}
}

func TestLeakDetected(t *testing.T) {
	s := quickSpec(t, "name: l\npattern: test\nload: {model: closed, clients: 1, duration: 10ms}\n")
	tr := runIsolated(t, s, "leak")
	if tr.Status != sidecar.StatusLeaked || tr.LeakedGoroutines != 1 {
		t.Fatalf("status %s, leaked %d: want leaked, 1 (%s)", tr.Status, tr.LeakedGoroutines, tr.Error)
	}
}

func TestIsolatedHangIsReportedWithStacks(t *testing.T) {
	s := quickSpec(t, "name: h\npattern: test\nload: {model: closed, clients: 1, duration: 10ms}\n")
	s.Timeout.Duration = time.Second // below what Parse accepts: only the watchdog is under test
	tr := runIsolated(t, s, "hang")
	if tr.Status != sidecar.StatusHung || !strings.Contains(tr.Stacks, "goroutine ") || !strings.Contains(tr.Stacks, "[select (no cases)") {
		t.Fatalf("status %s, stacks %d bytes: want hung with the stack of the hanging call", tr.Status, len(tr.Stacks))
	}
}

func TestIsolatedCrashIsReported(t *testing.T) {
	s := quickSpec(t, "name: c\npattern: test\nload: {model: closed, clients: 1, duration: 10ms}\n")
	tr := runIsolated(t, s, "crash")
	if tr.Status != sidecar.StatusCrashed || !strings.Contains(tr.Stacks, "crash on purpose") {
		t.Fatalf("status %s, stacks %q", tr.Status, tr.Stacks)
	}
}

func runIsolated(t *testing.T, s Spec, impl string) sidecar.Trial {
	t.Helper()
	t.Setenv(childEnv, "1") // inherited by the child; restored after the test
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	tr, err := Isolated([]string{exe}, testPatterns())(context.Background(), TrialSpec{Spec: s, Impl: impl, Rep: 1})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestRunWritesResultsAtomically(t *testing.T) {
	s := quickSpec(t, "name: r\npattern: harness\nrepeat: 2\nload: {model: closed, clients: 1, duration: 10ms}\n")
	dir := t.TempDir()
	plan := Plan([]Spec{s}, Patterns(), nil, 0)
	sum, err := Run(context.Background(), plan, Patterns(), Options{OutDir: dir, Exec: InProcess(Patterns()), Config: HostConfig("test")})
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
	for _, want := range []string{"Unit ops/s better=higher", "run-status: complete", "commit: test", "scenario-sha256: "} {
		if !strings.Contains(string(txt), want) {
			t.Errorf("results.txt lacks %q", want)
		}
	}
	trials, warnings, err := sidecar.Read(sidecar.Path(sum.Results), nil)
	if err != nil || len(warnings) > 0 || len(trials) != 2 {
		t.Fatalf("sidecar: %d trials, warnings %q, %v", len(trials), warnings, err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestRunInterruptedIsPartial(t *testing.T) {
	s := quickSpec(t, "name: p\npattern: harness\nrepeat: 3\nload: {model: closed, clients: 1, duration: 10ms}\n")
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	exe := func(ctx context.Context, ts TrialSpec) (sidecar.Trial, error) {
		n++
		if n == 2 {
			cancel() // interrupt arrives during the second trial
		}
		return RunTrial(ctx, ts, Patterns())
	}
	sum, err := Run(ctx, Plan([]Spec{s}, Patterns(), nil, 0), Patterns(), Options{OutDir: t.TempDir(), Exec: exe})
	if err != nil {
		t.Fatal(err)
	}
	txt, _ := os.ReadFile(sum.Results)
	if !sum.Partial || len(sum.Trials) != 2 || !strings.Contains(string(txt), "run-status: partial") {
		t.Fatalf("partial %v, %d trials, file:\n%s", sum.Partial, len(sum.Trials), txt)
	}
}

// TestQuickSuiteSmoke runs every embedded scenario against every one of its
// implementations for 50ms, in-process: each must be driven (operations
// issued) and end ok (no leak, no error
// from Close). It asserts no count of completions: on a loaded machine, or
// under -race, a serialising implementation (the seed breaker) may complete
// none inside so short a window, and this test must not depend on speed.
func TestQuickSuiteSmoke(t *testing.T) {
	specs, err := Quick(Patterns())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range specs {
		s.Load.Duration.Duration = 50 * time.Millisecond
		s.Load.Warmup.Duration = 0
		for _, ts := range Plan([]Spec{s}, Patterns(), nil, 1) {
			t.Run(strings.TrimPrefix(ts.Name(Patterns()), "Scenario/"), func(t *testing.T) {
				tr, err := RunTrial(context.Background(), ts, Patterns())
				if err != nil {
					t.Fatal(err)
				}
				if tr.Status != sidecar.StatusOK || tr.Issued == 0 {
					t.Fatalf("status %s (%s), %d issued", tr.Status, tr.Error, tr.Issued)
				}
			})
		}
	}
}

// Operations never started get a latency but no service time: with none
// started, the result line leaves svc-p99-ns out instead of writing 0.
func TestNoServiceTimeWhenNothingStarted(t *testing.T) {
	h := newHist()
	h.RecordValue(5e6)
	tr := sidecar.Trial{Ops: 1, WindowNs: 1e9, Latency: &sidecar.Hist{Histogram: h},
		Service: &sidecar.Hist{Histogram: newHist()}, Lateness: &sidecar.Hist{Histogram: newHist()}}
	for _, v := range scenarioValues(tr) {
		if v.Unit == "svc-p99-ns" || v.Unit == "late-p99-ns" {
			t.Errorf("%s = %v written for a trial that started nothing", v.Unit, v.Value)
		}
	}
}

// With load.max_inflight, an open-loop client refuses (counts as dropped)
// what would exceed the cap instead of issuing it: against a pool that
// never blocks, nothing else would bound the operations in flight.
func TestMaxInflightRefuses(t *testing.T) {
	s := quickSpec(t, `name: cap
pattern: workerpool
load: {model: open, rate: 2000, max_inflight: 2, duration: 50ms, warmup: 10ms}
work: {kind: sleep, mean: 20ms}
`)
	tr, err := RunTrial(context.Background(), TrialSpec{Spec: s, Impl: "spawn", Params: map[string]string{"workers": "1"}, Rate: 2000, Rep: 1}, Patterns())
	if err != nil {
		t.Fatal(err)
	}
	// 2 in flight for 20ms each admit at most about 2/20ms of 2000/s offered.
	if tr.Dropped == 0 || tr.Issued >= tr.Dropped {
		t.Fatalf("issued %d, dropped %d: want most of the 120 scheduled operations refused", tr.Issued, tr.Dropped)
	}
	// The baseline counts the sampler; above it run the one client and at
	// most two tasks.
	if tr.PeakGoroutines > tr.BaselineGoroutines+1+2 {
		t.Errorf("peak %d goroutines over a baseline of %d: more than 2 tasks in flight", tr.PeakGoroutines, tr.BaselineGoroutines)
	}
}
