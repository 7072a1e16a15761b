package conformance_test

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/concbench/concbench/impl/workerpool"
)

// semPool is a pool as a module outside concbench would write it: a
// goroutine per task, at most N at once, counted by a channel of N tokens.
// TestConformance in this package's tests passes it to
// conformance.WorkerPool:
//
//	func TestConformance(t *testing.T) {
//		conformance.WorkerPool(t, workerpool.Impl{Name: "sem", Doc: "...", New: newSemPool})
//	}
type semPool struct {
	tokens chan struct{} // one per running task
	mu     sync.RWMutex  // read-held by Submit from its closed check to wg.Add
	closed bool          // guarded by mu
	wg     sync.WaitGroup

	panicsMu sync.Mutex
	panics   []error // guarded by panicsMu
}

func newSemPool(workers int) workerpool.Pool {
	return &semPool{tokens: make(chan struct{}, workers)}
}

// Submit blocks for a token, or until ctx ends; after Close it returns
// workerpool.ErrClosed, as the contract asks.
func (p *semPool) Submit(ctx context.Context, task func()) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return workerpool.ErrClosed
	}
	select {
	case p.tokens <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	p.wg.Add(1)
	go p.run(task)
	return nil
}

// run recovers a task's panic as a *workerpool.PanicError, with the stack
// taken in the deferred function so that it shows the panicking task.
func (p *semPool) run(task func()) {
	defer p.wg.Done()
	defer func() { <-p.tokens }()
	defer func() {
		if v := recover(); v != nil {
			p.panicsMu.Lock()
			p.panics = append(p.panics, &workerpool.PanicError{Value: v, Stack: debug.Stack()})
			p.panicsMu.Unlock()
		}
	}()
	task()
}

// Close waits out Submits in progress, then every task, and returns their
// panics joined.
func (p *semPool) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return workerpool.ErrClosed
	}
	p.closed = true
	p.mu.Unlock()
	p.wg.Wait()
	p.panicsMu.Lock()
	defer p.panicsMu.Unlock()
	return errors.Join(p.panics...)
}

// A module's own pool, adapted to the contract, is checked by
// conformance.WorkerPool in a test, and then used like any built-in one.
func ExampleWorkerPool() {
	impl := workerpool.Impl{Name: "sem", Doc: "a goroutine per task, at most N at once by a channel of N tokens", New: newSemPool}
	p := impl.New(4)
	var sum atomic.Int64
	for i := 1; i <= 100; i++ {
		if err := p.Submit(context.Background(), func() { sum.Add(int64(i)) }); err != nil {
			fmt.Println(err)
		}
	}
	err := p.Close()
	fmt.Println(impl.Name, sum.Load(), err)
	// Output:
	// sem 5050 <nil>
}
