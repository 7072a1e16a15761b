// Package pipeline holds competing implementations of one pipeline contract:
// run items through K stages, each stage with its own parallelism.
//
// The contract, which the conformance suite checks for every entry of [Impls]:
//
//   - Run(ctx, src, stages, opts) passes every item of src through
//     stages[0].Fn, then stages[1].Fn, and so on; stage i runs at most
//     stages[i].Workers calls of its Fn at once.
//   - With no error, every item comes out exactly once; with opts.Ordered,
//     results[i] comes from src[i].
//   - The first error of a stage's Fn, or the end of ctx, stops every stage
//     promptly: no worker starts a Fn call after it has seen the end, and no
//     worker waits on anything but ctx for long. Run returns that error: the
//     stage error wrapped with the stage's index and name (match it with
//     errors.Is), or ctx's cause. Results are then nil.
//   - The stage that creates a channel is the one that closes it, and every
//     goroutine Run starts has exited (or is returning) when Run returns.
//   - src is never modified.
//
// An implementation that cannot keep a point declares it in its [Impl] entry
// ([Impl.Unordered]); the suite then checks the declared behaviour instead.
// The demonstrations (nocheck, noclose) break the contract on purpose, each
// to show one of the guide's warnings; they declare the failure
// ([Impl.IgnoresCancel], [Impl.NeverCloses]) and the suite checks that it
// still happens.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
)

// Stage is one step of a pipeline.
type Stage[T any] struct {
	Name    string // for error messages only
	Workers int    // calls of Fn that may run at once; at least 1
	// Fn transforms one item. It should return promptly once ctx is done;
	// a non-nil error stops the pipeline.
	Fn func(ctx context.Context, item T) (T, error)
}

// Options tune a Run. The zero value is ready to use.
type Options struct {
	// Ordered asks for results in input order. An implementation that declares
	// [Impl.Unordered] returns [ErrUnordered] instead of running.
	Ordered bool
	// Buffer is the capacity of the queue between two stages, for the
	// implementations that have one of a chosen size (buffered, errgroup,
	// mutex, ordered); 0 means [DefaultBuffer]. The others ignore it and say so.
	Buffer int
	// Batch is the number of items moved at once between stages by the
	// batched implementation; 0 means [DefaultBatch]. The others ignore it.
	Batch int
}

// DefaultBuffer is the queue capacity between stages when Options.Buffer is 0.
// It lets a producing stage run dozens of items ahead of a parked consumer,
// so that one wake-up drains many items. Measured with 3 stages of 1 worker
// and no work, 1024 items (buffered, 2-core AMD EPYC): capacity 1 about
// 960 µs a Run, 16 about 310 µs, 64 about 210 µs, 256 about 180 µs. 64 takes
// most of the gain for a quarter of 256's memory per stage.
const DefaultBuffer = 64

// DefaultBatch is the number of items per batch when Options.Batch is 0:
// big enough that one channel handoff is spread over many items, small enough
// that a 3-stage pipeline of 1024 items still overlaps its stages.
const DefaultBatch = 64

// ErrUnordered is returned by Run of an [Impl.Unordered] implementation when
// Options.Ordered is set. No stage runs.
var ErrUnordered = errors.New("pipeline: this implementation cannot preserve order")

// ErrInvalid is returned by Run for no stages, a stage with Workers < 1 or
// no Fn, or a negative Buffer or Batch. No stage runs.
var ErrInvalid = errors.New("pipeline: invalid stages or options")

// Impl is one entry of the registry.
type Impl[T any] struct {
	Name string // [a-z0-9]+; the impl= part of benchmark and scenario names
	Doc  string // one line: the design, for `runbench list`
	// Demo, if set, marks a demonstration: an implementation broken on
	// purpose to show what one of the guide's warnings costs, saying what
	// it demonstrates. Its Deviations declare the failure, which the
	// conformance suite checks; the report never ranks it.
	Demo string
	// Run runs src through stages; see the package doc for the contract.
	Run func(ctx context.Context, src []T, stages []Stage[T], opts Options) ([]T, error)

	// Unordered: the implementation cannot honour Options.Ordered; Run with
	// Ordered set returns ErrUnordered without running any stage. Without
	// Ordered, results come in completion order.
	Unordered bool
	// AlwaysOrdered: results are in input order whatever Options.Ordered
	// says, because the design cannot reorder (conc's stream) or keeps
	// order for free (batched, ordered).
	AlwaysOrdered bool

	// The failures of demonstrations (Demo set), which the suite checks
	// instead of the contract's stop:
	//
	// IgnoresCancel: neither the end of ctx nor the first stage error
	// stops the Run: every item goes through every stage (Fn gets a
	// cancelled ctx), and Run then returns ctx's cause or the first error.
	IgnoresCancel bool
	// NeverCloses: no stage closes its output, so after a stage error Run
	// waits for the caller's ctx to end (for ever without a deadline),
	// then returns the error.
	NeverCloses bool
}

// Impls returns every implementation, home-grown first, then the libraries,
// then the demonstrations (Demo set), which no caller should choose.
// It builds a new slice each call: callers may filter it freely.
func Impls[T any]() []Impl[T] {
	impls := []Impl[T]{
		{Name: "channels", Doc: "a goroutine per worker, unbuffered channels between stages, select on ctx for every send and receive",
			Run: runChannels[T], Unordered: true},
		{Name: "buffered", Doc: "like channels with channels buffered to opts.Buffer (64) and non-blocking fast paths before each select",
			Run: runBuffered[T], Unordered: true},
		{Name: "batched", Doc: "windows of opts.Batch (64) items of one working copy move between stages and are transformed in place",
			Run: runBatched[T], AlwaysOrdered: true},
		{Name: "errgroup", Doc: "an x/sync errgroup per stage for its workers, inside one errgroup for the stages; buffered channels",
			Run: runErrgroup[T], Unordered: true},
		{Name: "mutex", Doc: "a ring queue of opts.Buffer (64) under a mutex with two sync.Conds between stages; context.AfterFunc wakes all",
			Run: runMutex[T], Unordered: true},
		{Name: "ordered", Doc: "buffered channels of (sequence number, item) and a growing reorder ring at the end: input order",
			Run: runOrdered[T], AlwaysOrdered: true},
		{Name: "seed", Doc: "the guide's design: per-stage workers on shared chan interface{} buffered to 100; each stage closes its channel once",
			Run: runSeed[T], Unordered: true},
		{Name: "conc", Doc: "github.com/sourcegraph/conc stream per stage (WithMaxGoroutines): callbacks in submission order feed the next stage",
			Run: runConc[T], AlwaysOrdered: true},
		{Name: "rill", Doc: "github.com/destel/rill Generate, then Map (OrderedMap when Ordered) per stage, drained to the end",
			Run: runRill[T]},
		{Name: "nocheck", Doc: "like channels with every select on ctx.Done() removed: plain sends, receives and ranges",
			Demo: "no ctx.Done() check: a deadline, a cancel or a stage error stops nothing until every item is through",
			Run:  runNoCheck[T], Unordered: true, IgnoresCancel: true},
		{Name: "noclose", Doc: "like channels but no stage closes its output: the collector counts len(src) results, watching the caller's ctx",
			Demo: "channels never closed: after a stage error the collector waits for the caller's deadline (or for ever)",
			Run:  runNoClose[T], Unordered: true, NeverCloses: true},
	}
	for i := range impls {
		impls[i].Run = checked(impls[i].Run, impls[i].Unordered)
	}
	return impls
}

// checked wraps run with the argument checks every implementation shares, so
// each implementation may assume valid stages and options.
func checked[T any](run func(context.Context, []T, []Stage[T], Options) ([]T, error), unordered bool,
) func(context.Context, []T, []Stage[T], Options) ([]T, error) {
	return func(ctx context.Context, src []T, stages []Stage[T], opts Options) ([]T, error) {
		if err := CheckArgs(stages, opts, unordered); err != nil {
			return nil, err
		}
		return run(ctx, src, stages, opts)
	}
}

// CheckArgs checks Run's arguments as the contract has it, for an
// implementation that keeps order or not (unordered): [ErrInvalid] for no
// stages, a stage with Workers < 1 or no Fn, or a negative Buffer or
// Batch; [ErrUnordered] for Options.Ordered where it cannot keep order.
// An adapter calls it first and runs no stage on an error.
func CheckArgs[T any](stages []Stage[T], opts Options, unordered bool) error {
	if len(stages) == 0 {
		return fmt.Errorf("%w: no stages", ErrInvalid)
	}
	for i, s := range stages {
		if s.Workers < 1 || s.Fn == nil {
			return fmt.Errorf("%w: stage %d (%s): Workers %d, Fn nil %t", ErrInvalid, i, s.Name, s.Workers, s.Fn == nil)
		}
	}
	if opts.Buffer < 0 || opts.Batch < 0 {
		return fmt.Errorf("%w: Buffer %d, Batch %d", ErrInvalid, opts.Buffer, opts.Batch)
	}
	if opts.Ordered && unordered {
		return ErrUnordered
	}
	return nil
}

// StageError wraps err, returned by stage i's Fn, with the stage's
// position and name, as Run returns it: the contract's error, which
// errors.Is still matches with err.
func StageError[T any](i int, s Stage[T], err error) error {
	return fmt.Errorf("pipeline: stage %d (%s): %w", i, s.Name, err)
}

// bufferOf returns the queue capacity that opts asks for.
func bufferOf(opts Options) int {
	if opts.Buffer > 0 {
		return opts.Buffer
	}
	return DefaultBuffer
}

// outcome returns what Run returns once every goroutine is done: results if
// ctx (the Run's own, cancelled with the first stage error as its cause) was
// not cancelled, else nil and the cause.
func outcome[T any](ctx context.Context, results []T) ([]T, error) {
	if ctx.Err() != nil {
		return nil, context.Cause(ctx)
	}
	return results, nil
}

// closer closes a stage's output channel when the last of the stage's
// workers is done: the stage that created the channel closes it, once,
// without a goroutine of its own to wait for the workers.
type closer[E any] struct {
	left atomic.Int64
	ch   chan E
}

func newCloser[E any](workers int, ch chan E) *closer[E] {
	c := &closer[E]{ch: ch}
	c.left.Store(int64(workers))
	return c
}

// done is deferred by every worker of the stage.
func (c *closer[E]) done() {
	if c.left.Add(-1) == 0 {
		close(c.ch)
	}
}
