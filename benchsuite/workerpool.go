package benchsuite

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/concbench/concbench/impl/workerpool"
	"github.com/concbench/concbench/internal/benchname"
	"github.com/concbench/concbench/internal/nilness"
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
// recovery. An Impl that declares an unbounded queue does not run
// sleep10us (see WorkerPoolBenches). Demonstrations (Demo set) are left
// out: they are broken on purpose, and a benchmark beside the others would
// rank one.
func WorkerPool(b *testing.B, impls ...workerpool.Impl) {
	benches, err := WorkerPoolBenches(impls...)
	runBenches(b, benches, err)
}

// WorkerPoolBenches returns the leaves [WorkerPool] runs, in its order, or
// an error if an implementation's name cannot name a benchmark.
func WorkerPoolBenches(impls ...workerpool.Impl) ([]Bench, error) {
	impls = withoutPoolDemos(impls)
	if err := checkNames("rawchan", implNames(impls, poolName)); err != nil {
		return nil, err
	}
	var benches []Bench
	// Worker counts: one (serial), the core count of the reference machine,
	// and many more than cores.
	for _, wk := range workKinds() {
		for _, workers := range []int{1, 2, 16} {
			for _, impl := range impls {
				if impl.Deviations.UnboundedQueue && wk.name == "sleep10us" {
					// Its Submit never blocks, so b.Loop sizes N on Submit's
					// cost alone, and the drain, N sleeps of about 1 ms on
					// a few workers, then takes minutes per run. Its cost
					// with sleeping tasks is in workerpool-burst-unbounded.
					continue
				}
				name := benchname.Join(benchname.P("impl", impl.Name), benchname.P("workers", workers), benchname.P("work", wk.name))
				benches = append(benches, Bench{name, alone(impl.Name, func(b *testing.B) {
					benchPool(b, newPool(b, impl, workers, -1), wk.task())
				})})
			}
			name := benchname.Join(benchname.P("impl", "rawchan"), benchname.P("workers", workers), benchname.P("work", wk.name))
			benches = append(benches, Bench{name, func(b *testing.B) { benchRawChan(b, workers, workers, wk.task()) }})
		}
	}
	return benches, nil
}

// WorkerPoolCapacity runs BenchmarkWorkerPoolCapacity's sub-benchmarks for
// impls, named impl=<name>/workers=<n>/capacity=<c>/work=<kind>: the work
// kinds and worker counts of [WorkerPool], each at capacity (tasks a pool
// holds at once, running and queued) workers and 2×workers. [WorkerPool]
// runs each pool at its own default, and a pool that holds more tasks lets
// its submitter run further ahead of the workers; here every row compares
// pools that hold the same number. An Impl is in a row only if it has that
// capacity, by default or through WithQueue ([workerpool.Impl.NewQueue]);
// one whose queue is fixed at another size, or unbounded, is left out of
// the row. Demonstrations (Demo set) are left out, as in [WorkerPool].
//
// impl=rawchan, the floor, runs in every row at the row's capacity: workers
// goroutines ranging over a channel buffered to capacity − workers (so at
// capacity=workers every send is a handoff to a waiting worker).
//
// A module's benchmark calls it beside WorkerPool:
//
//	func BenchmarkWorkerPoolCapacity(b *testing.B) {
//		benchsuite.WorkerPoolCapacity(b, append(workerpool.Impls(), mine)...)
//	}
func WorkerPoolCapacity(b *testing.B, impls ...workerpool.Impl) {
	benches, err := WorkerPoolCapacityBenches(impls...)
	runBenches(b, benches, err)
}

// WorkerPoolCapacityBenches returns the leaves [WorkerPoolCapacity] runs,
// in its order, or an error if an implementation's name cannot name a
// benchmark.
func WorkerPoolCapacityBenches(impls ...workerpool.Impl) ([]Bench, error) {
	impls = withoutPoolDemos(impls)
	if err := checkNames("rawchan", implNames(impls, poolName)); err != nil {
		return nil, err
	}
	var benches []Bench
	for _, wk := range workKinds() {
		for _, workers := range []int{1, 2, 16} {
			for _, capacity := range []int{workers, 2 * workers} {
				queue := capacity - workers
				for _, impl := range impls {
					if !impl.HasQueue(workers, queue) {
						continue
					}
					name := benchname.Join(benchname.P("impl", impl.Name), benchname.P("workers", workers),
						benchname.P("capacity", capacity), benchname.P("work", wk.name))
					benches = append(benches, Bench{name, alone(impl.Name, func(b *testing.B) {
						benchPool(b, newPool(b, impl, workers, queue), wk.task())
					})})
				}
				name := benchname.Join(benchname.P("impl", "rawchan"), benchname.P("workers", workers),
					benchname.P("capacity", capacity), benchname.P("work", wk.name))
				benches = append(benches, Bench{name, func(b *testing.B) { benchRawChan(b, workers, queue, wk.task()) }})
			}
		}
	}
	return benches, nil
}

func withoutPoolDemos(impls []workerpool.Impl) []workerpool.Impl {
	return slices.DeleteFunc(slices.Clone(impls), func(i workerpool.Impl) bool { return i.Demo != "" })
}

func poolName(i workerpool.Impl) string { return i.Name }

// newPool returns impl's pool of workers (New's, or with queue -1 and
// beyond, NewQueue's, which HasQueue said it has), or fails the leaf if
// there is none to measure.
func newPool(b *testing.B, impl workerpool.Impl, workers, queue int) workerpool.Pool {
	b.Helper()
	if impl.New == nil {
		b.Fatalf("workerpool.Impl %q: New is nil", impl.Name)
	}
	if queue < 0 {
		p := impl.New(workers)
		if nilness.Is(p) {
			b.Fatalf("workerpool.Impl %q: New(%d) returned nil", impl.Name, workers)
		}
		return p
	}
	p, _ := impl.NewQueue(workers, queue)
	if nilness.Is(p) {
		b.Fatalf("workerpool.Impl %q: NewQueue(%d, %d) returned nil", impl.Name, workers, queue)
	}
	return p
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

// benchRawChan is the floor: workers goroutines ranging over a channel
// buffered to queue.
func benchRawChan(b *testing.B, workers, queue int, task func()) {
	tasks := make(chan func(), queue)
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
