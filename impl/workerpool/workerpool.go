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
// has one, is full. Each implementation's doc comment states its queue.
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
	// New returns a started pool that runs at most workers tasks at once
	// (spawn: any number). workers must be at least 1.
	New func(workers int) Pool

	// Deviations declares where the implementation departs from the
	// contract; the conformance suite checks the declared behaviour instead.
	// The zero value declares none.
	Deviations Deviations
}

// Deviations are the points of the contract an implementation declares it
// cannot keep. Each field names the behaviour it has instead.
type Deviations struct {
	// Unbounded: Submit never blocks, so there is no back-pressure; every
	// task gets its own goroutine at once.
	Unbounded bool
	// IgnoresCtxWhileBlocked: a Submit blocked on a saturated pool keeps
	// waiting for capacity after ctx ends, then accepts the task.
	IgnoresCtxWhileBlocked bool
}

// Impls returns every implementation, home-grown first, then the libraries.
// It builds a new slice each call: callers may filter it freely.
func Impls() []Impl {
	return []Impl{
		{Name: "channels", Doc: "N workers ranging over one channel buffered to N; RWMutex guards close", New: newChannels},
		{Name: "mutexcond", Doc: "ring queue of N tasks under a mutex, two sync.Conds for empty and full", New: newMutexCond},
		{Name: "errgroup", Doc: "x/sync errgroup with SetLimit(N): a goroutine per task, Go blocks at the limit",
			New: newErrgroup, Deviations: Deviations{IgnoresCtxWhileBlocked: true}},
		{Name: "semaphore", Doc: "x/sync semaphore.Weighted(N) acquired per task, then a goroutine per task", New: newSemaphore},
		{Name: "spawn", Doc: "a goroutine per task, no limit: the pitfall baseline (no back-pressure)",
			New: newSpawn, Deviations: Deviations{Unbounded: true}},
		{Name: "seed", Doc: "the guide's design: Job with Result and Error channels, a Quit channel per worker",
			New: newSeed, Deviations: Deviations{IgnoresCtxWhileBlocked: true}},
		{Name: "ants", Doc: "github.com/panjf2000/ants/v2 Pool of N, blocking Submit, PanicHandler",
			New: newAnts, Deviations: Deviations{IgnoresCtxWhileBlocked: true}},
		{Name: "pond", Doc: "github.com/alitto/pond/v2 pool of N with a queue of N, blocking Go",
			New: newPond, Deviations: Deviations{IgnoresCtxWhileBlocked: true}},
		{Name: "conc", Doc: "github.com/sourcegraph/conc pool.WithMaxGoroutines(N)",
			New: newConc, Deviations: Deviations{IgnoresCtxWhileBlocked: true}},
	}
}

// panics collects the panics of tasks. The zero value is ready to use.
type panics struct {
	mu   sync.Mutex
	errs []error
}

// run calls task, recovering and recording a panic.
func (c *panics) run(task func()) {
	defer func() {
		if v := recover(); v != nil {
			c.record(v)
		}
	}()
	task()
}

// record must be called from the deferred function that recovered v, so that
// the stack still shows where the task panicked.
func (c *panics) record(v any) {
	e := &PanicError{Value: v, Stack: debug.Stack()}
	c.mu.Lock()
	c.errs = append(c.errs, e)
	c.mu.Unlock()
}

// err returns the recorded panics, joined; nil if there were none.
func (c *panics) err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return errors.Join(c.errs...)
}
