package trial

import (
	"context"
	"runtime"
	"sync"
	"testing"

	"github.com/concbench/concbench/internal/work"
	"github.com/concbench/concbench/record"
	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"
	"github.com/concbench/concbench/units"
)

// funcTrial runs call as a user's Func in a trial of the given load.
func funcTrial(t *testing.T, load string, call func(context.Context) error) record.Trial {
	t.Helper()
	reg, err := targets.Extend(targets.Extras{Funcs: []targets.Func{{Name: "f", Doc: "test", Call: call}}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := scenarios.Parse("f.yaml", []byte("name: f\npattern: func\nimpls: [f]\nload: "+load+"\n"), reg)
	if err != nil {
		t.Fatal(err)
	}
	pt := scenarios.Point{Impl: "f", Params: map[string]string{}, Rep: 1}
	if s.Load.Model == "open" {
		pt.Rate, pt.Sleeper = s.Load.Rate[0], "auto"
	}
	tr, err := Run(context.Background(), Spec{Scenario: s, Point: pt}, reg)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Status != record.StatusOK || tr.Cost == nil {
		t.Fatalf("status %s (%s), cost %v", tr.Status, tr.Error, tr.Cost)
	}
	return tr
}

// unit is tr's value of a scenario unit.
func unit(t *testing.T, tr record.Trial, name string) float64 {
	t.Helper()
	u, ok := units.Lookup(name)
	if !ok {
		t.Fatalf("no unit %s", name)
	}
	v, ok := u.Value(&tr)
	if !ok {
		t.Fatalf("trial records no %s", name)
	}
	return v
}

var sink []byte

// TestCostAllocations: a Func that allocates 1 KiB per call reports B/op
// within 10% of 1024 and one allocs/op: the harness allocates nothing of
// its own in the window.
func TestCostAllocations(t *testing.T) {
	var mu sync.Mutex
	tr := funcTrial(t, "{model: closed, clients: 1, duration: 300ms, warmup: 20ms}", func(context.Context) error {
		b := make([]byte, 1024)
		mu.Lock()
		sink = b
		mu.Unlock()
		return nil
	})
	// The counts are exact but for an operation in flight at each end of
	// the window (±1 in the several hundred counted here).
	if b, n := unit(t, tr, "B/op"), unit(t, tr, "allocs/op"); b < 0.9*1024 || b > 1.1*1024 || n < 0.99 {
		t.Errorf("B/op %.0f, allocs/op %.4f (over %d operations); want 1024 ± 10%%, at least 1 (to an operation)", b, n, tr.Cost.Ops)
	}
}

// TestCostMutexWait: a mutex contended by 8 clients shows mutex wait per
// operation; uncontended (1 client), about none.
func TestCostMutexWait(t *testing.T) {
	spin := 20 * work.RoundsPerMicrosecond()
	var mu sync.Mutex
	call := func(context.Context) error {
		mu.Lock()
		work.Spin(spin)
		mu.Unlock()
		return nil
	}
	contended := unit(t, funcTrial(t, "{model: closed, clients: 8, duration: 300ms, warmup: 20ms}", call), "mutex-wait-ns/op")
	alone := unit(t, funcTrial(t, "{model: closed, clients: 1, duration: 300ms, warmup: 20ms}", call), "mutex-wait-ns/op")
	if contended <= 0 || alone > 100 {
		t.Errorf("mutex-wait-ns/op contended %.0f, alone %.0f; want > 0 and about 0", contended, alone)
	}
}

// TestCostSchedLatency: an operation that makes 1000 goroutines runnable
// at once on 2 Ps shows a higher sched-p99-ns than one that makes 2.
func TestCostSchedLatency(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	spin := 5 * work.RoundsPerMicrosecond()
	fanOut := func(n int) func(context.Context) error {
		return func(context.Context) error {
			var wg sync.WaitGroup
			for range n {
				wg.Go(func() { work.Spin(spin) })
			}
			wg.Wait()
			return nil
		}
	}
	many := unit(t, funcTrial(t, "{model: closed, clients: 1, duration: 300ms, warmup: 20ms}", fanOut(1000)), "sched-p99-ns")
	few := unit(t, funcTrial(t, "{model: closed, clients: 1, duration: 300ms, warmup: 20ms}", fanOut(2)), "sched-p99-ns")
	if many <= few {
		t.Errorf("sched-p99-ns with 1000 runnable goroutines %.0f, with 2 %.0f; want more", many, few)
	}
}
