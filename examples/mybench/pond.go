package mybench

import (
	"sync"

	"github.com/alitto/pond"
)

// newPool returns a pond v1 pool of exactly workers goroutines, all
// started now, with a queue of queue tasks, whose panics go to tp.
//
// MinWorkers(workers) is what keeps pond to workers calls at once. pond
// otherwise starts workers on demand and stops an idle one from a purger
// goroutine every IdleTimeout (5s): the purger counts a worker that is
// between two tasks as stopped before it has received the purger's nil,
// that worker may still take the next queued task, and a Submit meanwhile
// starts a new worker in its place: two tasks at once in a pool of one.
// conformance.FanOut caught it (ResultsAndLimit: "peak concurrency 2, want
// 1" over 1000 inputs on 1 worker, 16m of fake time). With as many minimum
// workers as maximum pond never stops one, and never starts another.
func newPool(workers, queue int, tp *taskPanic) *pond.WorkerPool {
	return pond.New(workers, queue, pond.MinWorkers(workers), pond.PanicHandler(tp.handle))
}

// taskPanic keeps the first panic of the tasks of one call that runs them
// on pond v1 pools. pond recovers a panicking task on its worker and hands
// the value to the pool's PanicHandler (its default prints it and carries
// on, which would leave a hole in the results): the adapters pass handle,
// which also stops the call, and panic again with the value in their
// caller once every task has returned, as conc does.
type taskPanic struct {
	stop func() // cancels the call's context: no task starts fn after a panic
	once sync.Once
	v    any
	set  bool // written in once, read by repanic after the pools have stopped
}

// handle is the pools' PanicHandler.
func (p *taskPanic) handle(v any) {
	p.once.Do(func() { p.v, p.set = v, true })
	p.stop()
}

// repanic panics with the first task's panic value, if there was one. Call
// it once every pool of the call has stopped (StopAndWait), which orders
// it after handle.
func (p *taskPanic) repanic() {
	if p.set {
		panic(p.v)
	}
}
