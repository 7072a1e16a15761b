package workerpool

import (
	"context"
	"sync"
)

// nowait is channels without its sync.WaitGroup: a demonstration of what
// the guide's "use sync.WaitGroup for goroutine lifecycle" prevents. Its
// workers are fire-and-forget goroutines that range over one channel
// buffered to N, and Close closes the channel and returns at once: tasks
// still queued or running when it returns run on after it, on workers that
// outlive it, and a panic of such a task is recovered but lost (Close has
// already returned what it had). Declared: CloseDoesNotWait.
//
// It is a demonstration (its entry's Demo): scenarios run it only where
// they name it, benchmarks leave it out, and the report never ranks it.
// It keeps the rest of the contract, so that it cannot take down more than
// its own trial: Submit blocks while saturated and honours ctx, Submit
// after Close returns ErrClosed (through the [closeGuard], as channels
// does, so no send hits the closed channel), and a panicking task kills
// neither its worker nor the process.
//
// Capacity: 2N, N running and N in the buffer, as channels.
type nowait struct {
	tasks  chan func()
	done   chan struct{}
	guard  CloseGuard
	once   sync.Once
	panics Panics
}

func newNoWait(workers int) Pool {
	p := &nowait{tasks: make(chan func(), workers), done: make(chan struct{})}
	for range workers {
		go p.worker() // fire and forget: nothing waits for it
	}
	return p
}

func (p *nowait) worker() {
	for task := range p.tasks {
		p.panics.Run(task)
	}
}

func (p *nowait) Submit(ctx context.Context, task func()) error {
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

// Close stops intake and returns without waiting for the workers: the
// demonstrated mistake.
func (p *nowait) Close() error {
	first := false
	p.once.Do(func() {
		first = true
		close(p.done)
		p.guard.Close()
		close(p.tasks)
	})
	if !first {
		return ErrClosed
	}
	return p.panics.Err()
}
