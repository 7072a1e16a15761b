package workerpool

import (
	"context"
	"sync"
)

// mutexCond keeps a ring queue of tasks under one mutex; N workers wait on
// notEmpty, blocked submitters on notFull.
//
// Capacity: 2N, N running and N queued (WithQueue sets the queue; 0 accepts
// a task only while a worker is free). The limit is on tasks accepted and
// not yet finished (running + queued), counted under the lock, so a queue of
// 0 works too; the ring has a slot for each, since workers that have not
// yet woken leave the whole capacity queued.
//
// Blocking: Submit waits on notFull while the pool holds its capacity.
// sync.Cond cannot watch a context, so a blocked Submit registers a
// context.AfterFunc that broadcasts notFull when ctx ends; that costs an
// allocation, paid only on the slow path.
//
// Closing: Close sets closed under the lock and wakes everyone; submitters
// then return ErrClosed, workers drain the ring and exit, Close waits for them.
//
// Measured cost: 2.4x the floor impl=rawchan per no-op task at 1 worker (1
// alloc: the slow path's AfterFunc), 2.0x at 2 and 1.0x at 16, where the
// submitter rarely blocks (BenchmarkWorkerPool/work=none). At equal capacity N
// it is 3.8x, 1.9x and 0.40x the floor at that capacity (an unbuffered
// channel), and at 16 workers the fastest pool at either capacity
// (BenchmarkWorkerPoolCapacity). (This branch's run, with the running + queued
// count; medians of 20 interleaved passes on the shared 2-core machine, not
// yet in results/reference. The reference, with the old ring-slot count: 3.0x
// at 2 workers, 1.5x at 16.)
type mutexCond struct {
	mu       sync.Mutex
	notEmpty sync.Cond
	notFull  sync.Cond
	ring     []func() // guarded by mu; len is the capacity
	head, n  int      // guarded by mu: next task to run, tasks queued
	running  int      // guarded by mu: tasks taken by a worker and not finished
	closed   bool     // guarded by mu
	wg       sync.WaitGroup
	panics   Panics
}

func newMutexCond(workers int) Pool { return newMutexCondQueue(workers, workers) }

// newMutexCondQueue holds queue tasks beyond the running ones.
func newMutexCondQueue(workers, queue int) Pool {
	p := &mutexCond{ring: make([]func(), workers+queue)}
	p.notEmpty.L = &p.mu
	p.notFull.L = &p.mu
	p.wg.Add(workers)
	for range workers {
		go p.worker()
	}
	return p
}

// full reports whether the pool holds its capacity. p.mu must be held.
func (p *mutexCond) full() bool { return p.running+p.n == len(p.ring) }

func (p *mutexCond) worker() {
	defer p.wg.Done()
	p.mu.Lock()
	for {
		for p.n == 0 && !p.closed {
			p.notEmpty.Wait()
		}
		if p.n == 0 { // closed and drained
			p.mu.Unlock()
			return
		}
		task := p.ring[p.head]
		p.ring[p.head] = nil
		p.head = (p.head + 1) % len(p.ring)
		p.n--
		p.running++
		p.mu.Unlock()
		p.panics.Run(task)
		// One lock per task, as before: the one that takes the next task
		// also frees this one's place.
		p.mu.Lock()
		p.running--
		p.notFull.Signal()
	}
}

func (p *mutexCond) Submit(ctx context.Context, task func()) error {
	p.mu.Lock()
	if p.full() && !p.closed {
		stop := context.AfterFunc(ctx, func() {
			p.mu.Lock()
			p.notFull.Broadcast()
			p.mu.Unlock()
		})
		for p.full() && !p.closed && ctx.Err() == nil {
			p.notFull.Wait()
		}
		// stop takes no lock itself; the AfterFunc, if already running,
		// waits for our Unlock below.
		stop()
	}
	switch {
	case p.closed:
		p.mu.Unlock()
		return ErrClosed
	case p.full():
		p.mu.Unlock()
		return ctx.Err()
	}
	p.ring[(p.head+p.n)%len(p.ring)] = task
	p.n++
	p.notEmpty.Signal()
	p.mu.Unlock()
	return nil
}

func (p *mutexCond) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return ErrClosed
	}
	p.closed = true
	p.notEmpty.Broadcast()
	p.notFull.Broadcast()
	p.mu.Unlock()
	p.wg.Wait()
	return p.panics.Err()
}
