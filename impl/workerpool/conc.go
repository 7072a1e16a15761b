package workerpool

import (
	"context"

	"github.com/sourcegraph/conc/pool"
)

// concPool adapts github.com/sourcegraph/conc's pool.Pool with
// WithMaxGoroutines(N): up to N worker goroutines, started on demand, fed
// through an unbuffered channel.
//
// Capacity: N, no queue: Go hands the task over the unbuffered channel to
// an idle goroutine, or starts one while fewer than N exist.
//
// Blocking: Go blocks while N goroutines are busy and cannot watch a context
// (declared in the registry).
//
// Closing: conc's Wait must not race with Go and re-panics only the first
// task panic, so Submit stays inside the pool's [closeGuard] across Go, Close
// closes the guard before Wait, and each task is wrapped in this package's recover (one
// closure allocation per task) so that every panic is reported.
//
// Measured cost: 2.9x the floor impl=rawchan per no-op task at 2 workers and
// 5.8x at 16, 1 alloc
// (medians of results/reference/bench/results.txt, BenchmarkWorkerPool/work=none;
// the floor runs beside it at the same worker count).
type concPool struct {
	p      *pool.Pool
	guard  CloseGuard
	panics Panics
}

func newConc(workers int) Pool {
	return &concPool{p: pool.New().WithMaxGoroutines(workers)}
}

func (p *concPool) Submit(_ context.Context, task func()) error {
	if !p.guard.Enter() {
		return ErrClosed
	}
	defer p.guard.Exit()
	p.p.Go(func() { p.panics.Run(task) })
	return nil
}

func (p *concPool) Close() error {
	if !p.guard.Close() {
		return ErrClosed
	}
	p.p.Wait()
	return p.panics.Err()
}
