// Package workerpool holds competing implementations of one worker-pool contract.
//
// The contract, which the conformance suite checks for every entry of [Impls]:
//
//   - Submit(ctx, task) returns nil once task is accepted. While the pool is
//     saturated it blocks; if ctx ends first it returns ctx's error and the task
//     is not accepted. After Close it returns [ErrClosed]; it never panics.
//   - Every accepted task runs exactly once.
//   - Close stops intake, waits for every accepted task to finish and returns the
//     panics recovered from tasks, joined, each a [*PanicError] with its value and
//     stack. A panicking task kills neither its worker nor the process. A second
//     Close returns ErrClosed.
//   - No goroutine started by the pool outlives Close.
//
// An implementation that cannot keep a point declares it in its [Impl] entry
// ([Impl.Deviations]); the suite then checks the declared behaviour instead.
//
// "Saturated" means every worker is busy and the implementation's queue, if it
// has one, is full. A pool's capacity is how many tasks it holds at once,
// running and queued: workers + [Impl.Queue](workers). Pools differ in it
// (channels holds 2N, ants N), and a bigger one lets a submitter run further
// ahead of the workers, so compare pools at equal capacity
// (BenchmarkWorkerPoolCapacity, the scenario parameter queue) before
// crediting a design. Each implementation's doc comment states its queue.
package workerpool

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
)

// Pool runs submitted tasks on a bounded set of goroutines.
type Pool interface {
	// Submit hands task to the pool; see the package doc for when it blocks.
	Submit(ctx context.Context, task func()) error
	// Close stops intake and waits for accepted tasks; see the package doc.
	Close() error
}

// ErrClosed is returned by Submit after Close, and by a second Close.
var ErrClosed = errors.New("workerpool: pool is closed")

// PanicError is a panic recovered from a task.
type PanicError struct {
	Value any    // what the task passed to panic
	Stack []byte // the task's goroutine stack at the panic
}

func (e *PanicError) Error() string { return fmt.Sprintf("workerpool: task panicked: %v", e.Value) }

// Impl is one entry of the registry.
type Impl struct {
	Name string // [a-z0-9]+; the impl= part of benchmark and scenario names
	Doc  string // one line: the design, for `runbench list`
	// Demo, if set, marks a demonstration: an implementation broken on
	// purpose to show what one of the guide's warnings costs, saying what
	// it demonstrates. Its Deviations declare the failure, which the
	// conformance suite checks; the report never ranks it.
	Demo string
	// New returns a started pool that runs at most workers tasks at once
	// (spawn: any number). workers must be at least 1.
	New func(workers int) Pool
	// Queue returns how many tasks the pool that New(workers) builds holds
	// beyond the running ones: with every worker busy, Submit accepts
	// Queue(workers) more tasks and then blocks. nil means 0: a task is
	// accepted only when a worker is free to take it. An entry that declares
	// Unbounded or UnboundedQueue has no bound and leaves it nil. The
	// conformance suite checks it; see [Impl.Capacity].
	Queue func(workers int) int
	// WithQueue, if set, returns a started pool like New's but with
	// exactly queue tasks of queue (0: a task is accepted only when a
	// worker is free to take it); queue is at least 0. nil where the
	// implementation's queue is fixed. Its pools keep the entry's
	// Deviations, and the conformance suite runs on them too.
	WithQueue func(workers, queue int) Pool

	// Deviations declares where the implementation departs from the
	// contract; the conformance suite checks the declared behaviour instead.
	// The zero value declares none.
	Deviations Deviations
}

// Capacity returns how many tasks the pool that New(workers) builds holds at
// once, running and queued, before Submit blocks: workers + Queue(workers).
// bounded is false, and capacity 0, for an entry that declares Unbounded or
// UnboundedQueue: its Submit never blocks.
func (i Impl) Capacity(workers int) (capacity int, bounded bool) {
	if i.Deviations.Unbounded || i.Deviations.UnboundedQueue {
		return 0, false
	}
	if i.Queue == nil {
		return workers, true
	}
	return workers + i.Queue(workers), true
}

// HasQueue reports whether the entry can build a pool of workers with
// exactly queue tasks of queue: New's holds that many, or WithQueue is set
// (and queue is at least 0). It builds nothing.
func (i Impl) HasQueue(workers, queue int) bool {
	if c, bounded := i.Capacity(workers); bounded && c-workers == queue {
		return true
	}
	return i.WithQueue != nil && queue >= 0 && !i.Deviations.Unbounded && !i.Deviations.UnboundedQueue
}

// NewQueue returns a started pool of workers with exactly queue tasks of
// queue: New's pool when it holds that many, else WithQueue's. ok is false,
// and the pool nil, where [Impl.HasQueue] is false: the entry's queue is
// fixed at another size, or unbounded, or queue is negative.
func (i Impl) NewQueue(workers, queue int) (p Pool, ok bool) {
	if !i.HasQueue(workers, queue) {
		return nil, false
	}
	if c, _ := i.Capacity(workers); c-workers == queue {
		return i.New(workers), true
	}
	return i.WithQueue(workers, queue), true
}

// Deviations are the points of the contract an implementation declares it
// cannot keep. Each field names the behaviour it has instead.
type Deviations struct {
	// Unbounded: Submit never blocks, so there is no back-pressure; every
	// task gets its own goroutine at once.
	Unbounded bool
	// UnboundedQueue: Submit never blocks, so there is no back-pressure;
	// tasks beyond the workers wait in a queue with no bound, and at most
	// workers tasks run at once (unlike Unbounded).
	UnboundedQueue bool
	// IgnoresCtxWhileBlocked: a Submit blocked on a saturated pool keeps
	// waiting for capacity after ctx ends, then accepts the task.
	IgnoresCtxWhileBlocked bool
	// CloseDoesNotWait: Close stops intake and returns at once, without
	// waiting for accepted tasks: those still queued or running finish
	// after it has returned, on goroutines of the pool that outlive it, and
	// their panics are recovered but not returned. (A demonstration's
	// failure: nowait.)
	CloseDoesNotWait bool
}

// Impls returns every implementation, home-grown first, then the libraries.
// It builds a new slice each call: callers may filter it freely.
func Impls() []Impl {
	same := func(workers int) int { return workers }
	return []Impl{
		{Name: "channels", Doc: "N workers ranging over one channel buffered to N; RWMutex guards close",
			New: newChannels, Queue: same, WithQueue: newChannelsQueue},
		{Name: "mutexcond", Doc: "ring queue of N tasks under a mutex, two sync.Conds for empty and full",
			New: newMutexCond, Queue: same, WithQueue: newMutexCondQueue},
		{Name: "errgroup", Doc: "x/sync errgroup with SetLimit(N): a goroutine per task, Go blocks at the limit",
			New: newErrgroup, Deviations: Deviations{IgnoresCtxWhileBlocked: true}},
		{Name: "semaphore", Doc: "x/sync semaphore.Weighted(N) acquired per task, then a goroutine per task", New: newSemaphore},
		{Name: "spawn", Doc: "a goroutine per task, no limit: the pitfall baseline (no back-pressure)",
			New: newSpawn, Deviations: Deviations{Unbounded: true}},
		{Name: "seed", Doc: "the guide's design: Job with Result and Error channels, a Quit channel per worker",
			New: newSeed, Queue: same, WithQueue: newSeedQueue, Deviations: Deviations{IgnoresCtxWhileBlocked: true}},
		{Name: "nowait", Doc: "channels without its WaitGroup: fire-and-forget workers, Close returns without waiting for them",
			Demo: "goroutines nobody waits for (no sync.WaitGroup): tasks and workers outlive Close",
			New:  newNoWait, Queue: same, Deviations: Deviations{CloseDoesNotWait: true}},
		{Name: "ants", Doc: "github.com/panjf2000/ants/v2 Pool of N, blocking Submit, panics recovered in the task",
			New: newAnts, Deviations: Deviations{IgnoresCtxWhileBlocked: true}},
		{Name: "pond", Doc: "github.com/alitto/pond/v2 pool of N with a queue of N, blocking Go",
			New: newPond, Queue: same, WithQueue: newPondQueue, Deviations: Deviations{IgnoresCtxWhileBlocked: true}},
		{Name: "conc", Doc: "github.com/sourcegraph/conc pool.WithMaxGoroutines(N)",
			New: newConc, Deviations: Deviations{IgnoresCtxWhileBlocked: true}},
		{Name: "gammazero", Doc: "github.com/gammazero/workerpool New(N): a dispatcher goroutine, an unbounded queue, Do never blocks",
			New: newGammazero, Deviations: Deviations{UnboundedQueue: true}},
		{Name: "tunny", Doc: "github.com/Jeffail/tunny NewFunc(N): a goroutine per task blocks in the synchronous Process, N tasks held",
			New: newTunny, WithQueue: newTunnyQueue},
	}
}

// Panics collects the panics of tasks, for a pool's Close to report them
// (the contract: a panicking task does not kill the pool; Close returns a
// [PanicError] for each). Wrap each task in Run; or, where a library
// recovers panics itself and hands them to a handler, call Record from
// that handler. The zero value is ready to use.
type Panics struct {
	mu   sync.Mutex
	errs []error
}

// Run calls task, recovering and recording a panic. Wrap the task in it
// before the library sees it: a library that recovers on its own may let
// its Close return before its handler has run.
func (c *Panics) Run(task func()) {
	defer func() {
		if v := recover(); v != nil {
			c.Record(v)
		}
	}()
	task()
}

// Record records v, a recovered panic. It must be called from the
// deferred function that recovered v, so that the stack still shows where
// the task panicked.
func (c *Panics) Record(v any) {
	e := &PanicError{Value: v, Stack: debug.Stack()}
	c.mu.Lock()
	c.errs = append(c.errs, e)
	c.mu.Unlock()
}

// Err returns the recorded panics, joined; nil if there were none.
func (c *Panics) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return errors.Join(c.errs...)
}
