package benchsuite

import (
	"context"
	"testing"

	"github.com/concbench/concbench/impl/fanout"
	"github.com/concbench/concbench/internal/benchname"
	"github.com/concbench/concbench/internal/work"
)

// fanoutInputs is the number of inputs of every Map call: enough that the
// per-call start-up (goroutines, channels) is spread thin, few enough that a
// cpu1us call stays near a millisecond.
const fanoutInputs = 1024

// fanoutWork is the fn of a benchmark, built once outside the timed loop.
type fanoutWork struct {
	name string
	fn   func() func(context.Context, int) (int, error)
}

func fanoutWorks() []fanoutWork {
	return []fanoutWork{
		{"none", func() func(context.Context, int) (int, error) {
			return func(_ context.Context, in int) (int, error) { return in, nil }
		}},
		{"cpu1us", func() func(context.Context, int) (int, error) {
			n := work.RoundsPerMicrosecond()
			return func(_ context.Context, in int) (int, error) { return int(work.Spin(n + in&1)), nil }
		}},
	}
}

// FanOut runs BenchmarkFanout's sub-benchmarks for impls, named
// impl=<name>/workers=<n>/work=<kind>: one Map over 1024 ints per
// iteration, for work none (fn returns its input) and cpu1us (about a
// microsecond of CPU, calibrated on this machine), at 1, 2 and 16 workers.
// The ns/elem metric is ns/op divided by 1024. The suite instantiates the
// contract at In int, Out int, as conformance.FanOut and
// runbench.Config.FanOuts do, so one adapter serves all three (a generic
// implementation passes myMap[int, int]).
//
// Demonstrations (Demo set) are left out: they are broken on purpose.
//
// impl=serial is the floor, run for every work and worker count whatever
// impls holds: a plain loop on the caller's goroutine.
func FanOut(b *testing.B, impls ...fanout.Impl[int, int]) {
	benches, err := FanOutBenches(impls...)
	runBenches(b, benches, err)
}

// FanOutBenches returns the leaves [FanOut] runs, in its order, or an error
// if an implementation's name cannot name a benchmark.
func FanOutBenches(impls ...fanout.Impl[int, int]) ([]Bench, error) {
	if err := checkNames("serial", implNames(impls, func(i fanout.Impl[int, int]) string { return i.Name })); err != nil {
		return nil, err
	}
	var benches []Bench
	// Worker counts as in WorkerPool: one, the reference machine's core
	// count, and many more than cores.
	for _, wk := range fanoutWorks() {
		for _, workers := range []int{1, 2, 16} {
			for _, impl := range impls {
				if impl.Demo != "" {
					continue // broken on purpose (it may leak, deadlock or race): never ranked
				}
				name := benchname.Join(benchname.P("impl", impl.Name), benchname.P("workers", workers), benchname.P("work", wk.name))
				benches = append(benches, Bench{name, alone(impl.Name, func(b *testing.B) {
					if impl.Map == nil {
						b.Fatalf("fanout.Impl %q: Map is nil", impl.Name)
					}
					benchFanout(b, impl.Map, workers, wk.fn())
				})})
			}
			name := benchname.Join(benchname.P("impl", "serial"), benchname.P("workers", workers), benchname.P("work", wk.name))
			benches = append(benches, Bench{name, func(b *testing.B) { benchFanout(b, mapSerial, workers, wk.fn()) }})
		}
	}
	return benches, nil
}

func benchFanout(b *testing.B, m fanout.MapFunc[int, int], workers int, fn func(context.Context, int) (int, error)) {
	ctx := context.Background()
	inputs := make([]int, fanoutInputs)
	for i := range inputs {
		inputs[i] = i
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m(ctx, inputs, workers, fn); err != nil {
			b.Fatalf("Map: %v", err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*fanoutInputs), "ns/elem")
}

// mapSerial is the floor: fn over inputs in a loop, no goroutine, no ctx'.
func mapSerial(ctx context.Context, inputs []int, _ int, fn func(context.Context, int) (int, error)) ([]int, error) {
	results := make([]int, len(inputs))
	for i, in := range inputs {
		out, err := fn(ctx, in)
		if err != nil {
			return nil, err
		}
		results[i] = out
	}
	return results, nil
}
