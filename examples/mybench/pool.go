package mybench

import (
	"context"
	"sync"

	"github.com/concbench/concbench/impl/workerpool"
)

// Impl is the registry entry of the tokens pool that concbench's suites,
// benchmarks and scenarios take.
func Impl() workerpool.Impl {
	return workerpool.Impl{
		Name: "tokens",
		Doc:  "a goroutine per task, at most N at once: a channel of N tokens (example.com/mybench)",
		New:  New,
	}
}

// Pool runs each task on a goroutine of its own, at most N at once: a
// buffered channel of N tokens is the limit, and Submit blocks for a token.
//
// It is built on the helpers concbench's own adapters use: a
// workerpool.CloseGuard keeps Submit and Close apart (no wg.Go races with
// Close's wg.Wait, and a Submit after Close returns ErrClosed), and a
// workerpool.Panics keeps the tasks' panics for Close to return. Submit
// may block inside the guard (waiting for a token), which would block
// Close with it, so Close first closes done, which frees every such
// Submit, as the guard's doc asks.
type Pool struct {
	tokens    chan struct{}
	done      chan struct{} // closed by the first Close: frees Submits waiting for a token
	closeDone sync.Once
	guard     workerpool.CloseGuard
	panics    workerpool.Panics
	wg        sync.WaitGroup // the tasks' goroutines, waited for by Close
}

// New returns a pool of at most workers tasks at once.
func New(workers int) workerpool.Pool {
	return &Pool{tokens: make(chan struct{}, workers), done: make(chan struct{})}
}

// Submit blocks for a token, then starts task on a goroutine of its own. It
// returns ctx's error if ctx ends first, and workerpool.ErrClosed after
// Close.
func (p *Pool) Submit(ctx context.Context, task func()) error {
	if !p.guard.Enter() {
		return workerpool.ErrClosed
	}
	defer p.guard.Exit()
	select {
	case p.tokens <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	case <-p.done:
		return workerpool.ErrClosed
	}
	p.wg.Go(func() {
		defer func() { <-p.tokens }()
		p.panics.Run(task)
	})
	return nil
}

// Close stops intake, waits for every accepted task and returns their
// panics, joined. A second Close returns workerpool.ErrClosed.
func (p *Pool) Close() error {
	p.closeDone.Do(func() { close(p.done) })
	if !p.guard.Close() {
		return workerpool.ErrClosed
	}
	p.wg.Wait()
	return p.panics.Err()
}
