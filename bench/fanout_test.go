package bench

import (
	"context"
	"testing"

	"concbench/impl/fanout"
	"concbench/internal/benchname"
	"concbench/internal/work"
)

// fanoutInputs is the number of inputs of every Map call: enough that the
// per-call start-up (goroutines, channels) is spread thin, few enough that a
// cpu1us call stays near a millisecond.
const fanoutInputs = 1024

// fanoutWork is the fn of a benchmark, built once outside the timed loop.
type fanoutWork struct {
	name string
	fn   func() func(context.Context, int) (uint64, error)
}

func fanoutWorks() []fanoutWork {
	return []fanoutWork{
		{"none", func() func(context.Context, int) (uint64, error) {
			return func(_ context.Context, in int) (uint64, error) { return uint64(in), nil }
		}},
		{"cpu1us", func() func(context.Context, int) (uint64, error) {
			n := work.RoundsPerMicrosecond()
			return func(_ context.Context, in int) (uint64, error) { return work.Spin(n + in&1), nil }
		}},
	}
}

// BenchmarkFanout measures one Map over fanoutInputs inputs per iteration;
// ns/elem is ns/op divided by fanoutInputs. The performance target compares
// the best home-grown impl with impl=conc (sourcegraph/conc iter), which is in
// the registry. impl=serial is the floor below them all: a plain loop on the
// caller's goroutine, whatever the worker count.
func BenchmarkFanout(b *testing.B) {
	// Worker counts as in BenchmarkWorkerPool: one, the reference machine's
	// core count, and many more than cores.
	for _, wk := range fanoutWorks() {
		for _, workers := range []int{1, 2, 16} {
			for _, impl := range fanout.Impls[int, uint64]() {
				name := benchname.Join(benchname.P("impl", impl.Name), benchname.P("workers", workers), benchname.P("work", wk.name))
				b.Run(name, func(b *testing.B) { benchFanout(b, impl.Map, workers, wk.fn()) })
			}
			name := benchname.Join(benchname.P("impl", "serial"), benchname.P("workers", workers), benchname.P("work", wk.name))
			b.Run(name, func(b *testing.B) { benchFanout(b, mapSerial, workers, wk.fn()) })
		}
	}
}

func benchFanout(b *testing.B, m fanout.MapFunc[int, uint64], workers int, fn func(context.Context, int) (uint64, error)) {
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
func mapSerial(ctx context.Context, inputs []int, _ int, fn func(context.Context, int) (uint64, error)) ([]uint64, error) {
	results := make([]uint64, len(inputs))
	for i, in := range inputs {
		out, err := fn(ctx, in)
		if err != nil {
			return nil, err
		}
		results[i] = out
	}
	return results, nil
}
