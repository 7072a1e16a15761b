package workerpool

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// errgroupPool starts a goroutine per task through an x/sync errgroup.Group
// with SetLimit(N).
//
// Capacity: N, no queue: each accepted task has its goroutine at once.
//
// Blocking: Group.Go blocks while N goroutines are running and cannot watch a
// context, so a blocked Submit ignores ctx (declared in the registry).
//
// Closing: Submit stays inside the pool's [closeGuard] across Group.Go,
// because Go must not race with Wait; Close closes the guard (waiting out
// submitters, which progress as tasks finish) and calls Wait.
//
// Measured cost: 3.5x the floor impl=rawchan per no-op task at 2 workers and
// 9.9x at 16, 2 allocs (the goroutine and the closure)
// (medians of results/reference/bench/results.txt, BenchmarkWorkerPool/work=none;
// the floor runs beside it at the same worker count).
type errgroupPool struct {
	g      errgroup.Group
	guard  CloseGuard
	panics Panics
}

func newErrgroup(workers int) Pool {
	p := &errgroupPool{}
	p.g.SetLimit(workers)
	return p
}

func (p *errgroupPool) Submit(_ context.Context, task func()) error {
	if !p.guard.Enter() {
		return ErrClosed
	}
	defer p.guard.Exit()
	p.g.Go(func() error {
		p.panics.Run(task)
		return nil
	})
	return nil
}

func (p *errgroupPool) Close() error {
	if !p.guard.Close() {
		return ErrClosed
	}
	_ = p.g.Wait() // tasks return no errors: panics are collected separately
	return p.panics.Err()
}
