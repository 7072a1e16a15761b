package benchsuite_test

import (
	"flag"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/concbench/concbench/benchsuite"
	"github.com/concbench/concbench/impl/breaker"
	"github.com/concbench/concbench/impl/fanout"
	"github.com/concbench/concbench/impl/workerpool"
)

// benchsuite imports every family's registry, so ants is initialised here
// and starts the two goroutines of its default pool; IgnoreCurrent, taken
// before any test runs, ignores exactly those and nothing a test starts.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m, goleak.IgnoreCurrent()) }

// TestNamesChecked wants a benchmark to fail, before it runs anything, on an
// implementation name that would make its benchmark names ambiguous.
// (bench/ runs every sub-benchmark of the built-in registries.)
func TestNamesChecked(t *testing.T) {
	valid := breaker.Impls()[0]
	tests := []struct {
		name string
		give []string
	}{
		{name: "floor", give: []string{"none"}},
		{name: "twice", give: []string{"mine", "mine"}},
		{name: "slash", give: []string{"my/pool"}},
		{name: "equals", give: []string{"a=b"}},
		{name: "space", give: []string{"my pool"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			impls := make([]breaker.Impl, len(tt.give))
			for i, name := range tt.give {
				impls[i] = valid
				impls[i].Name = name
			}
			start := time.Now()
			r := testing.Benchmark(func(b *testing.B) { benchsuite.Breaker(b, impls...) })
			if r.N != 0 {
				t.Errorf("Breaker with names %q ran (N=%d in %v), want it to fail first", tt.give, r.N, time.Since(start))
			}
		})
	}
}

// TestBenchesRefuseBadNames: each list refuses, with an error naming it, an
// implementation name its suite's benchmark would fail on, and names its
// leaves as the suite's sub-benchmarks.
func TestBenchesRefuseBadNames(t *testing.T) {
	pool := workerpool.Impls()[0]
	pool.Name = "rawchan"
	if _, err := benchsuite.WorkerPoolBenches(pool); err == nil || !strings.Contains(err.Error(), `"rawchan" is the floor's`) {
		t.Errorf("WorkerPoolBenches(rawchan): %v", err)
	}
	pool.Name = "my/pool"
	if _, err := benchsuite.WorkerPoolCapacityBenches(pool); err == nil || !strings.Contains(err.Error(), `"my/pool"`) {
		t.Errorf("WorkerPoolCapacityBenches(my/pool): %v", err)
	}
	fan := fanout.Impls[int, int]()[0]
	fan.Name = "serial"
	if _, err := benchsuite.FanOutBenches(fan); err == nil {
		t.Error("FanOutBenches(serial): no error")
	}
	benches, err := benchsuite.BreakerBenches(breaker.Impls()[0])
	if err != nil || len(benches) != 3 || benches[0].Name != "impl="+breaker.Impls()[0].Name+"/path=closed" || benches[2].Name != "impl=none/path=closed" {
		t.Errorf("BreakerBenches: %v, %v", benches, err)
	}
}

// oncePerBenchmark makes testing.Benchmark run each benchmark and
// sub-benchmark once, as -benchtime 1x does, until the function it returns
// restores -test.benchtime. For examples, which cannot take a *testing.B.
func oncePerBenchmark() (restore func()) {
	f := flag.Lookup("test.benchtime")
	old := f.Value.String()
	if err := f.Value.Set("1x"); err != nil {
		panic(err)
	}
	return func() {
		if err := f.Value.Set(old); err != nil {
			panic(err)
		}
	}
}
