package workerpool

import (
	"context"
	"sync"
)

// channels runs N workers that range over one channel buffered to N.
//
// Capacity: 2N, N running and N in the buffer (WithQueue sets the buffer:
// 0 makes every send a handoff to a free worker).
//
// Blocking: Submit first tries a non-blocking send (the common, cheap case);
// when the buffer is full it blocks in a select on the send, ctx and Close.
// The buffer of N (not the usual 0 or 1) lets a submitter run ahead of worker
// wake-ups by one task per worker: the bench WorkerPool/work=none shows the
// unbuffered handoff costs several times more per task, because every send
// then waits for a parked worker to be scheduled. Part of channels' lead
// over the pools that hold N is that extra capacity: compare them in
// BenchmarkWorkerPoolCapacity, where each row holds one capacity.
//
// Closing: Close closes done, which frees blocked submitters, then closes the
// pool's [closeGuard], which waits out every Submit still inside its send, and
// only then closes tasks, so no send can hit a closed channel. Workers drain
// the buffer and exit; Close waits for them.
//
// Measured cost: 1.6x the floor impl=rawchan (a plain buffered channel) per
// no-op task at 1, 2 and 16 workers, 0 allocs (medians of
// results/reference/bench/results.txt, BenchmarkWorkerPool/work=none; the
// floor runs beside it at the same worker count). At capacity N (WithQueue 0)
// 1.5x, 1.2x and 1.3x the floor at that capacity, an unbuffered channel
// (BenchmarkWorkerPoolCapacity; this branch's run, medians of 20 interleaved
// passes on the shared 2-core machine, not yet in results/reference).
type channels struct {
	tasks  chan func()
	done   chan struct{}
	guard  CloseGuard // entered by Submit while it may send on tasks
	once   sync.Once
	wg     sync.WaitGroup
	panics Panics
}

func newChannels(workers int) Pool { return newChannelsQueue(workers, workers) }

// newChannelsQueue buffers the channel to queue.
func newChannelsQueue(workers, queue int) Pool {
	p := &channels{tasks: make(chan func(), queue), done: make(chan struct{})}
	p.wg.Add(workers)
	for range workers {
		go p.worker()
	}
	return p
}

func (p *channels) worker() {
	defer p.wg.Done()
	for task := range p.tasks {
		p.panics.Run(task)
	}
}

func (p *channels) Submit(ctx context.Context, task func()) error {
	if !p.guard.Enter() {
		return ErrClosed
	}
	defer p.guard.Exit()
	select {
	case p.tasks <- task:
		return nil
	default:
	}
	select {
	case p.tasks <- task:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-p.done:
		return ErrClosed
	}
}

func (p *channels) Close() error {
	first := false
	p.once.Do(func() {
		first = true
		close(p.done)   // frees the Submits blocked on a full buffer, so that
		p.guard.Close() // this waits out only Submits about to return
		close(p.tasks)
	})
	if !first {
		return ErrClosed
	}
	p.wg.Wait()
	return p.panics.Err()
}
