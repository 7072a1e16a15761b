package bench

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/Jeffail/tunny"
	"github.com/alitto/pond/v2"
	gammazero "github.com/gammazero/workerpool"
	"github.com/panjf2000/ants/v2"
	"github.com/sourcegraph/conc/pool"

	"github.com/concbench/concbench/impl/workerpool"
	"github.com/concbench/concbench/internal/benchname"
)

// benchPoolAdapters (BenchmarkAdapter) measures what each third-party worker-pool entry's
// adapter costs over the bare library: lib=<entry>/way=bare|adapter/
// workers=<n>, a no-op task per operation with the drain at the end
// included, as in BenchmarkWorkerPool/work=none. way=adapter is the registry
// entry itself, the pool BenchmarkWorkerPool measures; way=bare drives the
// library as its README does, with the same workers and capacity and
// nothing the contract asks for: no ctx, no ErrClosed for a Submit racing
// Close (bare ants may run its task after Release; bare gammazero's Submit
// panics after Stop), no panic reported by Close. The difference is the
// price of those, paid per task; each adapter's doc comment says what it
// adds and why. Compare with
//
//	go tool benchstat -col /way -filter '.name:Adapter' results.txt
//
// It lives here and not in benchsuite: it is about concbench's own
// adapters and needs each library's API (which benchsuite's users should
// not have to import). `runbench bench` does not run it; go test does,
// beside BenchmarkWorkerPool when the pattern takes both:
// go test -run '^$' -bench 'WorkerPool|Adapter' ./bench/.
func benchPoolAdapters(b *testing.B) {
	bare := bareLibraries()
	entries := map[string]workerpool.Impl{}
	for _, impl := range workerpool.Impls() {
		entries[impl.Name] = impl
		if _, ok := bare[impl.Name]; !ok && strings.HasPrefix(impl.Doc, "github.com/") {
			b.Fatalf("workerpool entry %s adapts a library (%s) but BenchmarkAdapter has no bare way for it", impl.Name, impl.Doc)
		}
	}
	task := func() {}
	for _, lib := range []string{"ants", "pond", "conc", "gammazero", "tunny"} {
		impl, ok := entries[lib]
		if !ok {
			b.Fatalf("BenchmarkAdapter: no workerpool entry %s", lib)
		}
		for _, workers := range []int{1, 2, 16} {
			name := func(way string) string {
				return benchname.Join(benchname.P("lib", lib), benchname.P("way", way), benchname.P("workers", workers))
			}
			b.Run(name("bare"), func(b *testing.B) { bare[lib](b, workers, task) })
			b.Run(name("adapter"), func(b *testing.B) { benchAdapter(b, impl.New(workers), task) })
		}
	}
}

// benchAdapter is benchsuite's benchPool: one Submit per operation, then,
// timed once, the Close that waits for the accepted tasks.
func benchAdapter(b *testing.B, p workerpool.Pool, task func()) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Submit(ctx, task); err != nil {
			b.Fatalf("Submit: %v", err)
		}
	}
	b.StartTimer()
	err := p.Close()
	b.StopTimer()
	if err != nil {
		b.Fatalf("Close: %v", err)
	}
}

// bareLibraries returns, by registry name, each library driven directly:
// one submission per operation and the library's own drain, timed, at the
// end. The pool has the capacity of the entry's: tunny's callers, pond's
// queue of workers.
func bareLibraries() map[string]func(b *testing.B, workers int, task func()) {
	return map[string]func(b *testing.B, workers int, task func()){
		"ants": func(b *testing.B, workers int, task func()) {
			p, err := ants.NewPool(workers)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := p.Submit(task); err != nil {
					b.Fatalf("Submit: %v", err)
				}
			}
			b.StartTimer()
			err = p.ReleaseContext(context.Background())
			b.StopTimer()
			if err != nil {
				b.Fatalf("ReleaseContext: %v", err)
			}
		},
		"pond": func(b *testing.B, workers int, task func()) {
			p := pond.NewPool(workers, pond.WithQueueSize(workers))
			b.ReportAllocs()
			for b.Loop() {
				if err := p.Go(task); err != nil {
					b.Fatalf("Go: %v", err)
				}
			}
			b.StartTimer()
			p.StopAndWait()
			b.StopTimer()
		},
		"conc": func(b *testing.B, workers int, task func()) {
			p := pool.New().WithMaxGoroutines(workers)
			b.ReportAllocs()
			for b.Loop() {
				p.Go(task)
			}
			b.StartTimer()
			p.Wait()
			b.StopTimer()
		},
		"gammazero": func(b *testing.B, workers int, task func()) {
			p := gammazero.New(workers)
			b.ReportAllocs()
			for b.Loop() {
				if err := p.Do(task); err != nil {
					b.Fatalf("Do: %v", err)
				}
			}
			b.StartTimer()
			p.StopWait()
			b.StopTimer()
		},
		// tunny's API is synchronous: its README calls Process from many
		// goroutines, each waiting for the result. Bare is that: workers
		// callers share the b.N operations, one Process each, so as many
		// tasks are in flight as the adapter holds. The adapter's extra
		// cost is mostly what makes Submit asynchronous (a caller
		// goroutine per task) and the contract's bookkeeping.
		"tunny": func(b *testing.B, workers int, task func()) {
			p := tunny.NewCallback(workers)
			b.ReportAllocs()
			b.ResetTimer()
			var next atomic.Int64
			var callers sync.WaitGroup
			for range workers {
				callers.Go(func() {
					for next.Add(1) <= int64(b.N) {
						p.Process(task)
					}
				})
			}
			callers.Wait()
			b.StopTimer()
			p.Close()
		},
	}
}
