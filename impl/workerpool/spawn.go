package workerpool

import (
	"context"
	"sync"
)

// spawn starts a goroutine per task with no limit: the guide's "don't create
// too many goroutines" pitfall, kept as the baseline that every bounded pool
// is measured against. workers is ignored.
//
// Capacity: none (declared Unbounded).
//
// Blocking: never; there is no back-pressure (declared Unbounded), so under
// overload goroutines and memory grow with the backlog.
//
// Closing: Submit stays inside the pool's [closeGuard] up to wg.Add; Close
// closes the guard and waits for every goroutine.
//
// Measured cost: 2.4x the floor impl=rawchan per no-op task at 2 workers and
// 13x at 16 (spawn ignores workers; the floor is twice as fast at 16), 1
// alloc
// (medians of results/reference/bench/results.txt, BenchmarkWorkerPool/work=none;
// the floor runs beside it at the same worker count).
type spawn struct {
	guard  CloseGuard
	wg     sync.WaitGroup
	panics Panics
}

func newSpawn(int) Pool { return &spawn{} }

func (p *spawn) Submit(_ context.Context, task func()) error {
	if !p.guard.Enter() {
		return ErrClosed
	}
	defer p.guard.Exit()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.panics.Run(task)
	}()
	return nil
}

func (p *spawn) Close() error {
	if !p.guard.Close() {
		return ErrClosed
	}
	p.wg.Wait()
	return p.panics.Err()
}
