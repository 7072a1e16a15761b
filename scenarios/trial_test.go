package scenarios

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/concbench/concbench/internal/sidecar"
)

func TestMain(m *testing.M) {
	// ants starts its default pool's two goroutines at package init.
	goleak.VerifyTestMain(m, goleak.IgnoreCurrent())
}

func quickSpec(t *testing.T, yaml string) Spec {
	t.Helper()
	s, err := Parse("t.yaml", []byte(yaml), Builtin())
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
	tr, err := RunTrial(context.Background(), TrialSpec{Spec: s, Impl: "channels", Params: map[string]string{"workers": "2"}, Rep: 1}, Builtin())
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
	tr, err := RunTrial(context.Background(), TrialSpec{Spec: s, Impl: "channels", Params: map[string]string{"workers": "1"}, Rate: 2000, Rep: 1}, Builtin())
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
	tr, err := RunTrial(context.Background(), TrialSpec{Spec: s, Impl: "noop", Rep: 1}, Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if tr.Status != sidecar.StatusOK || tr.Ops == 0 || tr.Issued < tr.Ops {
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
	tr, err := RunTrial(context.Background(), TrialSpec{Spec: s, Impl: "spawn", Params: map[string]string{"workers": "1"}, Rate: 2000, Rep: 1}, Builtin())
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
func mustWith(r *Registry, p ...Pattern) *Registry {
	reg, err := r.With(p...)
	if err != nil {
		panic(err)
	}
	return reg
}
