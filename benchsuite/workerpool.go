package benchsuite

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/concbench/concbench/impl/workerpool"
	"github.com/concbench/concbench/internal/benchname"
	"github.com/concbench/concbench/internal/work"
)

// workKind is the body of every task in a benchmark.
type workKind struct {
	name string
	task func() func() // builds the task once, outside the timed loop
}

func workKinds() []workKind {
	return []workKind{
		{"none", func() func() { return func() {} }},
		{"cpu1us", func() func() {
			n := work.RoundsPerMicrosecond()
			return func() { work.Spin(n) }
		}},
		// A sleep parks the task's goroutine: how a pool behaves when its
		// workers wait on I/O instead of burning CPU.
		{"sleep10us", func() func() { return func() { time.Sleep(10 * time.Microsecond) } }},
	}
}

// WorkerPool runs BenchmarkWorkerPool's sub-benchmarks for impls, named
// impl=<name>/workers=<n>/work=<kind>: for work none (an empty task),
// cpu1us (about a microsecond of CPU, calibrated on this machine) and
// sleep10us, at 1, 2 and 16 workers. Each measures one Submit per
// iteration plus, once, the Close that waits for the accepted tasks, so
// ns/op is the cost per task of getting it run, drain included.
//
// impl=rawchan is the floor, run for every work and worker count whatever
// impls holds: the same tasks sent on a plain channel buffered to workers,
// received by workers goroutines, with no ctx, no close guard and no panic
// recovery.
func WorkerPool(b *testing.B, impls ...workerpool.Impl) {
	names := make([]string, len(impls))
	for i, impl := range impls {
		names[i] = impl.Name
	}
	checkNames(b, "rawchan", names)
	// Worker counts: one (serial), the core count of the reference machine,
	// and many more than cores.
	for _, wk := range workKinds() {
		for _, workers := range []int{1, 2, 16} {
			for _, impl := range impls {
				name := benchname.Join(benchname.P("impl", impl.Name), benchname.P("workers", workers), benchname.P("work", wk.name))
				b.Run(name, func(b *testing.B) { benchPool(b, impl.New(workers), wk.task()) })
			}
			name := benchname.Join(benchname.P("impl", "rawchan"), benchname.P("workers", workers), benchname.P("work", wk.name))
			b.Run(name, func(b *testing.B) { benchRawChan(b, workers, wk.task()) })
		}
	}
}

func benchPool(b *testing.B, p workerpool.Pool, task func()) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Submit(ctx, task); err != nil {
			b.Fatalf("Submit: %v", err)
		}
	}
	b.StartTimer() // b.Loop stopped the timer; the drain belongs to the cost
	err := p.Close()
	b.StopTimer()
	if err != nil {
		b.Fatalf("Close: %v", err)
	}
}

func benchRawChan(b *testing.B, workers int, task func()) {
	tasks := make(chan func(), workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for t := range tasks {
				t()
			}
		})
	}
	b.ReportAllocs()
	for b.Loop() {
		tasks <- task
	}
	b.StartTimer()
	close(tasks)
	wg.Wait()
	b.StopTimer()
}
