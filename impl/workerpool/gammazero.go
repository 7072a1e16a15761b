package workerpool

import (
	"context"
	"errors"
	"sync/atomic"

	gammazero "github.com/gammazero/workerpool"
)

// gammazeroPool adapts github.com/gammazero/workerpool as its README uses
// it: New(N), Do per task, StopWait to finish. One dispatcher goroutine
// receives every task over an unbuffered channel and hands it to an idle
// worker, starts a worker while fewer than N exist, or appends the task to
// a deque with no bound; a worker idle for two seconds exits.
//
// Capacity: none. The library "limits the concurrency of task execution,
// not the number of tasks queued" and never blocks a submitter (its README
// sends those who want back-pressure to another package), so the entry
// declares UnboundedQueue: no back-pressure, at most N tasks running.
// Under overload the backlog, and memory, grow in its deque.
//
// Blocking: Do blocks only until the dispatcher takes the task, which it
// does at once whatever the backlog; ctx is not needed.
//
// Closing: Do holds the library's own RWMutex across its send and returns
// ErrStopped (mapped to ErrClosed) once StopWait has begun, so the adapter
// needs no guard. StopWait runs every queued task and waits for the
// workers and the dispatcher. The library runs tasks without a recover, so
// each is wrapped in this package's (one closure allocation per task):
// otherwise a panicking task would kill the process.
//
// Measured cost: see BenchmarkWorkerPool/impl=gammazero in bench/ (not yet
// in results/reference); BenchmarkAdapter/lib=gammazero compares the
// adapter with a bare Do.
type gammazeroPool struct {
	p      *gammazero.WorkerPool
	closed atomic.Bool
	panics panics
}

func newGammazero(workers int) Pool { return &gammazeroPool{p: gammazero.New(workers)} }

func (p *gammazeroPool) Submit(_ context.Context, task func()) error {
	err := p.p.Do(func() { p.panics.run(task) })
	if errors.Is(err, gammazero.ErrStopped) {
		return ErrClosed
	}
	return err
}

func (p *gammazeroPool) Close() error {
	if !p.closed.CompareAndSwap(false, true) {
		return ErrClosed
	}
	p.p.StopWait()
	return p.panics.err()
}
