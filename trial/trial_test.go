package trial

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/concbench/concbench/loadgen"
	"github.com/concbench/concbench/record"
	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"
)

func TestMain(m *testing.M) {
	// ants starts its default pool's two goroutines at package init.
	goleak.VerifyTestMain(m, goleak.IgnoreCurrent())
}

func quickSpec(t *testing.T, yaml string) scenarios.Spec {
	t.Helper()
	s, err := scenarios.Parse("t.yaml", []byte(yaml), targets.Builtin())
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
	tr, err := Run(context.Background(), Spec{Scenario: s, Point: scenarios.Point{Impl: "channels", Params: map[string]string{"workers": "2"}, Rep: 1}}, targets.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if tr.Status != record.StatusOK || tr.Ops == 0 || tr.Latency.TotalCount() != tr.Ops || tr.LeakedGoroutines != 0 {
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
	tr, err := Run(context.Background(), Spec{Scenario: s, Point: scenarios.Point{Impl: "channels", Params: map[string]string{"workers": "1"}, Rate: 2000, Rep: 1}}, targets.Builtin())
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
	tr, err := Run(context.Background(), Spec{Scenario: s, Point: scenarios.Point{Impl: "noop", Rep: 1}}, targets.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if tr.Status != record.StatusOK || tr.Ops == 0 || tr.Issued < tr.Ops {
		t.Fatalf("status %s, %d ops measured of %d issued", tr.Status, tr.Ops, tr.Issued)
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
	tr, err := Run(context.Background(), Spec{Scenario: s, Point: scenarios.Point{Impl: "spawn", Params: map[string]string{"workers": "1"}, Rate: 2000, Rep: 1}}, targets.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	// 2 in flight for 20ms each admit at most about 2/20ms of 2000/s offered.
	if tr.Dropped == 0 || tr.Issued >= tr.Dropped {
		t.Fatalf("issued %d, dropped %d: want most of the 120 scheduled operations refused", tr.Issued, tr.Dropped)
	}
	// Above the baseline run the sampler, the one client and at most two
	// tasks, plus up to two goroutines of tasks that have left the
	// in-flight count but not yet exited. Without the cap, 2000/s of 20 ms
	// tasks would hold about 40.
	if tr.PeakGoroutines > tr.BaselineGoroutines+1+1+2+2 {
		t.Errorf("peak %d goroutines over a baseline of %d: more than 2 tasks in flight", tr.PeakGoroutines, tr.BaselineGoroutines)
	}
}

// mustWith is Registry.With for tests.
func mustWith(r *targets.Registry, p ...targets.Pattern) *targets.Registry {
	reg, err := r.With(p...)
	if err != nil {
		panic(err)
	}
	return reg
}

func TestFuncPatternRunsAUserFunction(t *testing.T) {
	var calls atomic.Int64
	var setup, teardown int
	reg, err := targets.Extend(targets.Extras{Funcs: []targets.Func{{
		Name: "mine", Doc: "counts its calls",
		Call:     func(context.Context) error { calls.Add(1); return nil },
		Setup:    func() error { setup++; return nil },
		Teardown: func() error { teardown++; return nil },
	}}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := scenarios.Parse("f.yaml", []byte("name: f\npattern: func\nimpls: [mine]\nload: {model: closed, clients: 2, duration: 20ms}\n"), reg)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := Run(context.Background(), Spec{Scenario: s, Point: scenarios.Point{Impl: "mine", Params: map[string]string{}, Rep: 1}}, reg)
	if err != nil {
		t.Fatal(err)
	}
	// The load's calls (a closed loop has no solo reference).
	if tr.Status != "ok" || tr.Issued == 0 || tr.SoloOps != 0 || tr.Issued != calls.Load() || setup != 1 || teardown != 1 {
		t.Fatalf("status %s (%s), issued %d, solo %d, calls %d, setup %d, teardown %d", tr.Status, tr.Error, tr.Issued, tr.SoloOps, calls.Load(), setup, teardown)
	}
	if tr.Name != "Scenario/scenario=f/pattern=func/impl=mine" {
		t.Errorf("name %q", tr.Name)
	}
}

// A trial at queue=default keeps the name it had before the parameter
// existed; a number joins the name.
func TestWorkerpoolQueueName(t *testing.T) {
	s := quickSpec(t, "name: t\npattern: workerpool\n")
	reg := targets.Builtin()
	tests := []struct {
		giveQueue string
		wantName  string
	}{
		{"default", "Scenario/scenario=t/pattern=workerpool/impl=ants/workers=2"},
		{"", "Scenario/scenario=t/pattern=workerpool/impl=ants/workers=2"},
		{"0", "Scenario/scenario=t/pattern=workerpool/impl=ants/workers=2/queue=0"},
	}
	for _, tt := range tests {
		ts := Spec{Scenario: s, Point: scenarios.Point{Impl: "ants", Params: map[string]string{"workers": "2", "queue": tt.giveQueue}, Rep: 1}}
		if tt.giveQueue == "" {
			delete(ts.Params, "queue")
		}
		if got := ts.Name(reg); got != tt.wantName {
			t.Errorf("queue %q: name %q, want %q", tt.giveQueue, got, tt.wantName)
		}
	}
}

// A target that keeps goroutines by design (a breaker its library
// registers) declares them: the leak check allows that many, and no more.
func TestKeptGoroutinesAreAllowed(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	pattern := func(keeps, leaves int) *targets.Registry {
		return mustWith(targets.Builtin(), targets.Pattern{
			Name:  "keeper",
			Impls: []targets.ImplInfo{{Name: "k", Keeps: keeps}},
			New: func(string, map[string]string, targets.Op) (*targets.Target, error) {
				return &targets.Target{Target: loadgen.Target{Call: func(context.Context) error { return nil }}, Keeps: keeps,
					Close: func() error {
						for range leaves {
							go func() { <-stop }() // the library's own, released at the test's end
						}
						return nil
					}}, nil
			},
		})
	}
	tests := []struct {
		keeps, leaves int
		want          string
	}{{2, 2, record.StatusOK}, {2, 3, record.StatusLeaked}, {0, 1, record.StatusLeaked}}
	for _, tt := range tests {
		reg := pattern(tt.keeps, tt.leaves)
		s, err := scenarios.Parse("k.yaml", []byte("name: k\npattern: keeper\nload: {model: closed, clients: 1, duration: 10ms}\n"), reg)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := Run(context.Background(), Spec{Scenario: s, Point: scenarios.Point{Impl: "k", Params: map[string]string{}, Rep: 1}}, reg)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Status != tt.want || tr.KeptGoroutines != tt.keeps {
			t.Errorf("keeps %d, leaves %d: %s (%s), kept %d; want %s", tt.keeps, tt.leaves, tr.Status, tr.Error, tr.KeptGoroutines, tt.want)
		}
	}
}
