// Package fanout holds competing implementations of one fan-out/fan-in
// contract: map a function over a slice on a bounded number of goroutines.
//
// The contract, which the conformance suite checks for every entry of [Impls]:
//
//   - Map(ctx, inputs, workers, fn) returns results with results[i] equal to
//     what fn(ctx', inputs[i]) returned, for every i, and a nil error. With no
//     inputs it returns an empty, non-nil slice.
//   - At most workers calls of fn run at once. workers must be at least 1;
//     Map panics otherwise (a programmer error, like a negative slice length).
//   - The first error fn returns cancels ctx', the context every call of fn
//     gets, at once; no call of fn starts after that, and Map returns that
//     error as fn returned it, with nil results. An error a call returns after
//     ctx' was cancelled is taken as a consequence of the cancellation, not a
//     new cause.
//   - If ctx ends first (or has already ended), ctx' is cancelled the same way
//     and Map returns ctx.Err() itself.
//   - Map returns only after every call of fn it started has returned and
//     every goroutine it started has exited.
//
// A panic in fn is outside the contract: the home-grown variants and errgroup
// let it crash the process, as a panic in any goroutine does; conc re-panics
// it in Map's caller once every worker has stopped.
//
// An implementation that cannot keep a point declares it in its [Impl] entry
// ([Impl.RunsEveryInput], [Impl.StopsLate]); the suite then checks the
// declared behaviour instead. The demonstrations (leaky, deadlock, racy)
// break the contract on purpose, each to show one of the guide's pitfalls;
// they declare the failure ([Impl.Leaks], [Impl.Deadlocks], [Impl.Racy])
// and the suite checks that it still happens.
package fanout

import (
	"context"
	"sync"
)

// MapFunc is the contract's one operation; see the package doc.
type MapFunc[In, Out any] func(ctx context.Context, inputs []In, workers int, fn func(context.Context, In) (Out, error)) ([]Out, error)

// Impl is one entry of the registry.
type Impl[In, Out any] struct {
	Name string // [a-z0-9]+; the impl= part of benchmark and scenario names
	Doc  string // one line: the design, for `runbench list`
	// Demo, if set, marks a demonstration: an implementation broken on
	// purpose to show what one of the guide's warnings costs, saying what
	// it demonstrates. Its Deviations declare the failure, which the
	// conformance suite checks; the report never ranks it.
	Demo string
	Map  MapFunc[In, Out]

	// RunsEveryInput: the first error (or ctx's end) does not stop the
	// iteration. ctx' is still cancelled and Map still returns that error,
	// but fn is called for every input, the later calls with a cancelled ctx'.
	RunsEveryInput bool
	// StopsLate: after the first error or ctx's end, workers may still start
	// calls of fn, with ctx' cancelled or not yet: the error reaches ctx' only
	// once it has travelled the result channels to Map, and a worker calls fn
	// on an input it has taken without looking at ctx'. Typically one more
	// call per worker; the suite checks that bound where every call in flight
	// blocks until ctx' is cancelled.
	StopsLate bool

	// The failures of demonstrations (Demo set), which the suite checks
	// instead of the contract, each in a child process:
	//
	// Leaks: after the first error Map returns at once and leaves
	// goroutines blocked forever.
	Leaks bool
	// Deadlocks: with more inputs than workers, Map blocks forever.
	Deadlocks bool
	// Racy: Map has a data race on its results, which the race detector
	// flags, and may lose results without an error.
	Racy bool
}

// Impls returns every implementation, home-grown first, then the library,
// then the demonstrations (Demo set), which no caller should choose.
// It builds a new slice each call: callers may filter it freely.
func Impls[In, Out any]() []Impl[In, Out] {
	return []Impl[In, Out]{
		{Name: "channels", Doc: "the guide's FanOut/FanIn, typed: workers read one channel of indexed inputs, one output channel each, merged by FanIn",
			Map: mapChannels[In, Out]},
		{Name: "errgroup", Doc: "x/sync errgroup.WithContext + SetLimit(workers): a goroutine per input, results into an indexed slice",
			Map: mapErrgroup[In, Out]},
		{Name: "mutex", Doc: "workers take the next index under a mutex and write results[i] directly",
			Map: mapMutex[In, Out]},
		{Name: "atomic", Doc: "workers claim the next index with atomic.Add and write results[i] directly; the caller is one of them",
			Map: mapAtomic[In, Out]},
		{Name: "seed", Doc: "the guide's FanOut/FanIn as written: interface{} items, unbuffered channels, a goroutine per worker and per merge input",
			Map: mapSeed[In, Out], StopsLate: true},
		{Name: "conc", Doc: "github.com/sourcegraph/conc iter.Mapper{MaxGoroutines: workers}.Map; adapter cancels ctx' on the first error",
			Map: mapConc[In, Out], RunsEveryInput: true},
		{Name: "leaky", Doc: "the guide's FanOut/FanIn on unbuffered channels whose consumer returns at the first error it reads",
			Demo: "goroutine leak: after an error its workers and feeder block forever on sends nobody receives",
			Map:  mapLeaky[In, Out], Leaks: true},
		{Name: "deadlock", Doc: "workers on unbuffered input and outcome channels; the caller sends every input before reading any outcome",
			Demo: "deadlock: with more inputs than workers, the caller and every worker block forever on sends",
			Map:  mapDeadlock[In, Out], Deadlocks: true},
		{Name: "racy", Doc: "workers claim indices with atomic.Add and append (index, result) to one shared slice without a lock",
			Demo: "data race: concurrent appends to an unguarded slice lose results silently",
			Map:  mapRacy[In, Out], Racy: true},
	}
}

// CheckArgs checks Map's arguments as the contract has it: it panics if
// workers < 1 and returns ctx's error if ctx has already ended (Map then
// returns that error, calling fn for nothing). An adapter calls it first.
func CheckArgs(ctx context.Context, workers int) error {
	if workers < 1 {
		panic("fanout: workers must be at least 1")
	}
	return ctx.Err()
}

// FirstError keeps the first error of one Map call and cancels the call's
// context (ctx', [FirstError.Ctx]) when it arrives: the contract's error
// rule, which an adapter of a library whose group does not cancel on the
// first error (or keeps a later one) builds on. See the package example.
type FirstError struct {
	parent context.Context
	ctx    context.Context // ctx': what fn gets
	cancel context.CancelFunc
	mu     sync.Mutex
	err    error // guarded by mu
}

// NewFirstError derives ctx' from parent. The caller must call Cancel (or
// defer it) before Map returns.
func NewFirstError(parent context.Context) *FirstError {
	ctx, cancel := context.WithCancel(parent)
	return &FirstError{parent: parent, ctx: ctx, cancel: cancel}
}

// Ctx is ctx': the context every call of fn gets.
func (f *FirstError) Ctx() context.Context { return f.ctx }

// Cancel cancels ctx' and releases it; call it once Map is done.
func (f *FirstError) Cancel() { f.cancel() }

// Fail records err if it is the first error and cancels ctx'. An error that
// arrives after ctx' ended is ignored: it is what the cancellation caused.
func (f *FirstError) Fail(err error) {
	if f.ctx.Err() != nil {
		return
	}
	f.mu.Lock()
	if f.err == nil {
		f.err = err
	}
	f.mu.Unlock()
	f.cancel()
}

// Result returns the first error fn returned, else the parent's error, else
// nil. Call it once every call of fn has returned.
func (f *FirstError) Result() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	return f.parent.Err()
}
