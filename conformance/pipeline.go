package conformance

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/concbench/concbench/impl/pipeline"
)

// Pipeline runs the pipeline conformance suite on impl, one subtest per
// check. Items are ints; stage i of most checks adds (i+1)*1,000,000, so an
// item skipped or run twice by a stage shows in the results.
//
//   - Name: impl.Name is [a-z0-9]+ (it becomes the impl= part of benchmark
//     names) and impl.Doc is one non-empty line.
//   - EveryItemOnce: for 0, 1 and 1000 items, 1 or 3 stages of 1 to 4
//     workers, and Options{Buffer: 1, Batch: 7}, Run returns a nil error and
//     every item through every stage exactly once, leaves src unmodified and
//     calls each stage's Fn once per item.
//   - Ordered: 2000 items through stages of 4, 3 and 4 workers whose calls
//     finish out of order come back in input order with Options.Ordered.
//   - Parallelism (fake time): with stages of 3, 2 and 1 workers sleeping a
//     millisecond per item, each stage runs exactly as many Fn calls at once
//     as its Workers, at its peak, and never more.
//   - FirstError (fake time): when the 10th call of one stage (16 workers)
//     fails and every other call of it waits for ctx to end, Run returns an
//     error matching the first one (errors.Is) and nil results, no goroutine
//     of the Run is left, and no stage was called for every item.
//   - Cancel (fake time): when ctx is canceled, or its deadline passes, 10ms
//     into a Run of three stages sleeping 1ms per item, Run returns an error
//     matching context.Canceled (or DeadlineExceeded) by 11ms, leaves no
//     goroutine, and stops calling Fn.
//   - CancelCause (fake time): when the caller cancels ctx with a cause
//     (context.WithCancelCause) 10ms into a Run of three stages sleeping 1ms
//     per item, Run returns an error matching that cause (errors.Is), as the
//     contract's "ctx's cause" says, by 11ms and leaves no goroutine.
//   - CancelledBeforeRun: with ctx canceled already, Run returns an error
//     matching context.Canceled and calls no Fn.
//   - Invalid: no stages, a stage with Workers 0 or a nil Fn, a negative
//     Buffer or Batch: Run returns an error matching [pipeline.ErrInvalid].
//
// The adapter must wrap a stage's error so that errors.Is finds it, and
// return ctx's cause (context.Cause, which is ctx's error when ctx was
// canceled without one) when ctx ends first. Declared fields change
// the checks: Unordered (Run with Ordered must return an error matching
// [pipeline.ErrUnordered] and nil results without calling any Fn),
// AlwaysOrdered (EveryItemOnce also wants input order without Ordered).
// A demonstration (Demo set) must declare its failure, which replaces the
// contract's stop in these checks: IgnoresCancel (FirstError: the failing
// stage is called for every item; Cancel and CancelCause: Run returns the
// error only after every Fn call of every item, past the 11ms;
// CancelledBeforeRun: every item goes through), NeverCloses (FirstError:
// the caller's ctx has a 1s deadline, and Run returns the stage error only
// at that deadline, with no goroutine left).
//
// Options.Batch of 1 and 4 are used to keep a batching implementation's
// stages busy; an implementation may ignore Buffer and Batch.
//
// The fake-time checks empty every sync.Pool (two garbage collections)
// before and after each bubble, so that an implementation that pools
// channels at package level, as conc's stream and rill do, never uses one
// across the bubble's edge.
//
// Every subtest also fails if a goroutine it started outlives it; see the
// package doc.
func Pipeline(t *testing.T, impl pipeline.Impl[int]) {
	if impl.Run == nil {
		t.Errorf("pipeline.Impl %q: Run is nil: nothing to check", impl.Name)
		return
	}
	run(t, "Name", func(t *testing.T) {
		checkName(t, impl.Name, impl.Doc)
		checkDemo(t, impl.Demo, impl.IgnoresCancel || impl.NeverCloses)
	})
	run(t, "EveryItemOnce", func(t *testing.T) { pipeEveryItemOnce(t, impl) })
	run(t, "Ordered", func(t *testing.T) { pipeOrdered(t, impl) })
	run(t, "Parallelism", func(t *testing.T) { pipeParallelism(t, impl) })
	run(t, "FirstError", func(t *testing.T) { pipeFirstError(t, impl) })
	run(t, "Cancel", func(t *testing.T) { pipeCancel(t, impl) })
	run(t, "CancelCause", func(t *testing.T) { pipeCancelCause(t, impl) })
	run(t, "CancelledBeforeRun", func(t *testing.T) { pipeCancelledBeforeRun(t, impl) })
	run(t, "Invalid", func(t *testing.T) { pipeInvalid(t, impl) })
}

// stageOffset is what stage i adds to an item, so that the result of every
// item through K stages is known and a stage skipped or run twice shows.
func stageOffset(i int) int { return (i + 1) * 1_000_000 }

// addStages returns one stage per entry of workers; stage i adds
// stageOffset(i), counts its calls in calls[i] and, if jitter, yields the
// processor a few times for some items, so that workers finish out of order.
func addStages(workers []int, calls []atomic.Int64, jitter bool) []pipeline.Stage[int] {
	stages := make([]pipeline.Stage[int], len(workers))
	for i, w := range workers {
		stages[i] = pipeline.Stage[int]{Name: fmt.Sprintf("add%d", i), Workers: w,
			Fn: func(_ context.Context, v int) (int, error) {
				calls[i].Add(1)
				if jitter {
					for range v % 5 {
						runtime.Gosched()
					}
				}
				return v + stageOffset(i), nil
			}}
	}
	return stages
}

// inBubble runs f in a synctest bubble (fake clock; a deadlock fails the
// check at once instead of hanging it). conc's stream and rill's OrderedMap keep
// their per-item channels in package-level sync.Pools: a channel made outside
// a bubble blocks the bubble's goroutines non-durably (the fake clock then
// never advances), and one made inside must not be used after it. So the
// pools are emptied before and after the bubble: two collections empty every
// sync.Pool (the first moves its items to the victim cache, the second drops
// them).
func inBubble(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	inBubbleWays(t, nil, f)
}

// inBubbleWays is inBubble with the ways out of a deadlock (see
// bubbleWays).
func inBubbleWays(t *testing.T, ws []string, f func(t *testing.T)) {
	t.Helper()
	emptyPools()
	defer emptyPools()
	bubbleWays(t, ws, f)
}

func emptyPools() {
	runtime.GC()
	runtime.GC()
}

// seq returns 0, 1, ..., n-1.
func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func pipeEveryItemOnce(t *testing.T, impl pipeline.Impl[int]) {
	tests := []struct {
		name        string
		giveItems   int
		giveWorkers []int // one entry per stage
		giveOpts    pipeline.Options
	}{
		{name: "stages=1/workers=1", giveItems: 1000, giveWorkers: []int{1}},
		{name: "stages=1/workers=4", giveItems: 1000, giveWorkers: []int{4}},
		{name: "stages=3/workers=1", giveItems: 1000, giveWorkers: []int{1, 1, 1}},
		{name: "stages=3/workers=4", giveItems: 1000, giveWorkers: []int{4, 4, 4}},
		{name: "stages=3/workers=mixed", giveItems: 1000, giveWorkers: []int{3, 1, 4}},
		{name: "buffer=1/batch=7", giveItems: 1000, giveWorkers: []int{2, 3, 2}, giveOpts: pipeline.Options{Buffer: 1, Batch: 7}},
		{name: "items=1", giveItems: 1, giveWorkers: []int{4, 4}},
		{name: "items=0", giveItems: 0, giveWorkers: []int{4, 4}},
	}
	for _, tt := range tests {
		sub(t, tt.name, func(t *testing.T) {
			src := seq(tt.giveItems)
			calls := make([]atomic.Int64, len(tt.giveWorkers))
			got, err := impl.Run(context.Background(), src, addStages(tt.giveWorkers, calls, true), tt.giveOpts)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if !slices.Equal(src, seq(tt.giveItems)) {
				t.Fatal("Run modified src")
			}
			add := 0
			for i := range tt.giveWorkers {
				add += stageOffset(i)
				if c := calls[i].Load(); c != int64(tt.giveItems) {
					t.Errorf("stage %d called %d times for %d items", i, c, tt.giveItems)
				}
			}
			want := make([]int, tt.giveItems)
			for i := range want {
				want[i] = i + add
			}
			if impl.AlwaysOrdered && !slices.Equal(got, want) {
				t.Fatalf("declared AlwaysOrdered, but results are not in input order: %v; drop the declaration", head(got))
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("sorted results differ from the items through every stage once:\ngot  %v\nwant %v", head(got), head(want))
			}
		})
	}
}

func head(s []int) []int { return s[:min(len(s), 12)] }

// pipeOrdered runs items through stages whose workers finish out of order
// and wants them back in input order, or ErrUnordered with no stage run
// from an implementation that declares it cannot keep order.
func pipeOrdered(t *testing.T, impl pipeline.Impl[int]) {
	const items = 2000
	workers := []int{4, 3, 4}
	calls := make([]atomic.Int64, len(workers))
	got, err := impl.Run(context.Background(), seq(items), addStages(workers, calls, true), pipeline.Options{Ordered: true})
	if impl.Unordered {
		if !errors.Is(err, pipeline.ErrUnordered) || got != nil {
			t.Fatalf("declared Unordered: Run with Ordered = %v, %v; want nil, ErrUnordered", head(got), err)
		}
		if c := calls[0].Load(); c != 0 {
			t.Fatalf("declared Unordered: Run with Ordered called the first stage %d times, want 0", c)
		}
		return
	}
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	want := make([]int, items)
	for i := range want {
		want[i] = i + stageOffset(0) + stageOffset(1) + stageOffset(2)
	}
	if !slices.Equal(got, want) {
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("results[%d] = %d, want %d (results out of input order)%s", i, got[i], want[i],
					ways(way("the implementation cannot keep input order (Run with Ordered then returns ErrUnordered at once)", "Impl.Unordered")))
			}
		}
		t.Fatalf("got %d results, want %d", len(got), items)
	}
}

// pipeParallelism checks that stage i runs at most Workers calls at once,
// and that it does reach Workers when it has the items: the stages sleep, on
// the fake clock, and each stage has fewer workers than the one before, so
// items queue up in front of every stage and all its workers are busy at once.
func pipeParallelism(t *testing.T, impl pipeline.Impl[int]) {
	const items = 200
	workers := []int{3, 2, 1}
	inBubble(t, func(t *testing.T) {
		var running, peak [3]atomic.Int64
		stages := make([]pipeline.Stage[int], len(workers))
		for i, w := range workers {
			stages[i] = pipeline.Stage[int]{Name: fmt.Sprint("sleep", i), Workers: w,
				Fn: func(_ context.Context, v int) (int, error) {
					n := running[i].Add(1)
					for p := peak[i].Load(); n > p && !peak[i].CompareAndSwap(p, n); p = peak[i].Load() {
					}
					time.Sleep(time.Millisecond)
					running[i].Add(-1)
					return v, nil
				}}
		}
		// Batch 4 gives the batched implementation enough batches to
		// keep three workers busy.
		if _, err := impl.Run(context.Background(), seq(items), stages, pipeline.Options{Batch: 4}); err != nil {
			t.Fatalf("Run: %v", err)
		}
		for i, w := range workers {
			if p := peak[i].Load(); p != int64(w) {
				t.Errorf("stage %d with %d workers ran %d calls at once at most, want %d", i, w, p, w)
			}
		}
	})
}

// ignoresCancel is the way out for a pipeline that does not stop.
var ignoresCancel = way("the pipeline is a demonstration that does not stop on an error or ctx's end (with Demo set)", "Impl.IgnoresCancel")

var (
	pipeErrFirst = errors.New("first error")
	pipeErrLater = errors.New("error returned after the pipeline was stopped")
)

// pipeFirstError runs 10000 items through three stages. One of them, with
// 16 workers, fails at its 10th item and otherwise blocks until ctx is done, then
// returns pipeErrLater: only the stop that pipeErrFirst triggers lets Run return,
// and it must return pipeErrFirst, having started no further Fn calls, with no
// goroutine left.
func pipeFirstError(t *testing.T, impl pipeline.Impl[int]) {
	tests := []struct {
		name        string
		giveFailing int // index of the failing stage
		giveWorkers int // of the other stages
	}{
		{name: "failing=0/workers=1", giveFailing: 0, giveWorkers: 1},
		{name: "failing=1/workers=4", giveFailing: 1, giveWorkers: 4},
		{name: "failing=2/workers=1", giveFailing: 2, giveWorkers: 1},
		{name: "failing=2/workers=4", giveFailing: 2, giveWorkers: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			neverCloses := way("the pipeline is a demonstration whose stages never close their outputs (with Demo set)", "Impl.NeverCloses")
			inBubbleWays(t, []string{neverCloses}, func(t *testing.T) { pipeFirstErrorCase(t, impl, tt.giveFailing, tt.giveWorkers) })
		})
	}
}

// pipeFirstError's runs: items through three stages, the failing one with
// blockers workers, its failAt-th call failing.
const (
	firstErrorItems    = 10000
	firstErrorFailAt   = 10
	firstErrorBlockers = 16
)

// pipeFirstErrorCase is one run of pipeFirstError, in a bubble: stage
// failing of the three fails, the others have workers each.
func pipeFirstErrorCase(t *testing.T, impl pipeline.Impl[int], failing, workers int) {
	calls := make([]atomic.Int64, 3)
	stages := addStages([]int{workers, workers, workers}, calls, false)
	stop := stopAfterAnHour(t)
	stages[failing] = failingStage(&calls[failing], stop)
	ignore := goleak.IgnoreCurrent()
	ctx := context.Background()
	if impl.NeverCloses {
		// Without a deadline the Run would wait for ever:
		// what the demonstration declares.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Second)
		defer cancel()
	}
	start := time.Now()
	// Batch 1: the batched implementation calls Fn on a
	// batch's items one after the other, and item 0 blocks.
	got, err := impl.Run(ctx, seq(firstErrorItems), stages, pipeline.Options{Batch: 1})
	// Before goleak, whose retries advance the fake clock.
	elapsed := time.Since(start)
	stop.check(t, "the first error")
	if !errors.Is(err, pipeErrFirst) {
		t.Fatalf("Run = %v, want the first error, %v", err, pipeErrFirst)
	}
	if got != nil {
		t.Errorf("Run returned %d results with its error, want nil", len(got))
	}
	goleak.VerifyNone(t, ignore)
	if impl.NeverCloses && elapsed != time.Second {
		t.Errorf("declared NeverCloses: Run returned after %v of fake time, want the caller's deadline, 1s", elapsed)
	}
	if impl.IgnoresCancel {
		if c := calls[failing].Load(); c != firstErrorItems {
			t.Errorf("declared IgnoresCancel, but the failing stage was called for %d of %d items", c, firstErrorItems)
		}
		return
	}
	for i := range calls {
		if c := calls[i].Load(); c >= firstErrorItems {
			t.Errorf("stage %d was called for %d of %d items: the error did not stop it%s", i, c, firstErrorItems, ways(ignoresCancel))
		}
	}
}

// failingStage is pipeFirstError's failing stage, counting its calls in
// calls: the firstErrorFailAt-th returns pipeErrFirst, every other one
// blocks until ctx is done (or stop releases it) and returns pipeErrLater.
func failingStage(calls *atomic.Int64, stop stopper) pipeline.Stage[int] {
	return pipeline.Stage[int]{Name: "failing", Workers: firstErrorBlockers,
		Fn: func(ctx context.Context, v int) (int, error) {
			// The failAt-th call fails: earlier stages may
			// reorder items, so item failAt may come late.
			if calls.Add(1) == firstErrorFailAt {
				return 0, pipeErrFirst
			}
			stop.wait(ctx)
			return 0, pipeErrLater
		}}
}

// pipeCancel cancels, or times out, the ctx of a Run whose three stages
// sleep a millisecond per item on the fake clock, and wants ctx's error soon
// after: once the stop is seen no Fn call starts, so Run returns when the
// sleeps in progress end, long before every item could have been processed.
func pipeCancel(t *testing.T, impl pipeline.Impl[int]) {
	const items = 1000
	const stopAt = 10 * time.Millisecond
	tests := []struct {
		name        string
		giveWorkers int
		giveStop    func(context.Context) (context.Context, context.CancelFunc) // starts the clock to the stop
		wantErr     error
	}{
		{name: "cancel/workers=1", giveWorkers: 1, giveStop: cancelAfter(stopAt), wantErr: context.Canceled},
		{name: "cancel/workers=4", giveWorkers: 4, giveStop: cancelAfter(stopAt), wantErr: context.Canceled},
		{name: "deadline/workers=4", giveWorkers: 4, wantErr: context.DeadlineExceeded,
			giveStop: func(ctx context.Context) (context.Context, context.CancelFunc) {
				return context.WithTimeout(ctx, stopAt)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inBubble(t, func(t *testing.T) {
				var calls atomic.Int64
				sleep := pipeline.Stage[int]{Name: "sleep", Workers: tt.giveWorkers,
					Fn: func(_ context.Context, v int) (int, error) {
						calls.Add(1)
						time.Sleep(time.Millisecond)
						return v, nil
					}}
				ctx, cancel := tt.giveStop(context.Background())
				defer cancel()
				ignore := goleak.IgnoreCurrent()
				start := time.Now()
				_, err := impl.Run(ctx, seq(items), []pipeline.Stage[int]{sleep, sleep, sleep}, pipeline.Options{Batch: 4})
				elapsed := time.Since(start)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Run = %v, want %v", err, tt.wantErr)
				}
				goleak.VerifyNone(t, ignore)
				if impl.IgnoresCancel {
					if c := calls.Load(); c != 3*items || elapsed <= stopAt+time.Millisecond {
						t.Errorf("declared IgnoresCancel, but Run stopped after %d of %d Fn calls, %v after start", c, 3*items, elapsed)
					}
					return
				}
				// Calls in progress at the stop end within a millisecond.
				if limit := stopAt + time.Millisecond; elapsed > limit {
					t.Errorf("Run returned %v after start, want at most %v (stop at %v)%s", elapsed, limit, stopAt, ways(ignoresCancel))
				}
				if c := calls.Load(); c >= 3*items {
					t.Errorf("%d Fn calls of %d: the stop did not stop them%s", c, 3*items, ways(ignoresCancel))
				}
			})
		})
	}
}

var pipeErrCause = errors.New("the caller's cause")

// pipeCancelCause cancels the caller's ctx with a cause mid-run and wants the
// cause back: a Run that derives its own context from ctx and returns that
// context's Err (context.Canceled) instead of context.Cause loses it.
func pipeCancelCause(t *testing.T, impl pipeline.Impl[int]) {
	const items = 1000
	const stopAt = 10 * time.Millisecond
	for _, workers := range []int{1, 4} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			inBubble(t, func(t *testing.T) {
				sleep := pipeline.Stage[int]{Name: "sleep", Workers: workers,
					Fn: func(_ context.Context, v int) (int, error) {
						time.Sleep(time.Millisecond)
						return v, nil
					}}
				ctx, cancel := context.WithCancelCause(context.Background())
				defer cancel(nil)
				time.AfterFunc(stopAt, func() { cancel(pipeErrCause) })
				ignore := goleak.IgnoreCurrent()
				start := time.Now()
				got, err := impl.Run(ctx, seq(items), []pipeline.Stage[int]{sleep, sleep, sleep}, pipeline.Options{Batch: 4})
				elapsed := time.Since(start)
				if !errors.Is(err, pipeErrCause) || got != nil {
					t.Fatalf("Run = %d results, %v; want nil and an error matching the cause %q", len(got), err, pipeErrCause)
				}
				goleak.VerifyNone(t, ignore)
				switch limit := stopAt + time.Millisecond; {
				case impl.IgnoresCancel && elapsed <= limit:
					t.Errorf("declared IgnoresCancel, but Run returned %v after start, by the %v a prompt stop takes", elapsed, limit)
				case !impl.IgnoresCancel && elapsed > limit:
					t.Errorf("Run returned %v after start, want at most %v (cancel at %v)%s", elapsed, limit, stopAt, ways(ignoresCancel))
				}
			})
		})
	}
}

func cancelAfter(d time.Duration) func(context.Context) (context.Context, context.CancelFunc) {
	return func(ctx context.Context) (context.Context, context.CancelFunc) {
		ctx, cancel := context.WithCancel(ctx)
		time.AfterFunc(d, cancel)
		return ctx, cancel
	}
}

// pipeCancelledBeforeRun wants ctx's error and not a single Fn call.
func pipeCancelledBeforeRun(t *testing.T, impl pipeline.Impl[int]) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := make([]atomic.Int64, 2)
	_, err := impl.Run(ctx, seq(100), addStages([]int{1, 4}, calls, false), pipeline.Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
	switch c := calls[0].Load() + calls[1].Load(); {
	case impl.IgnoresCancel && c != 200:
		t.Errorf("declared IgnoresCancel, but %d Fn calls with a ctx cancelled before Run, want all 200", c)
	case !impl.IgnoresCancel && c != 0:
		t.Errorf("%d Fn calls with a ctx cancelled before Run, want 0%s", c, ways(ignoresCancel))
	}
}

func pipeInvalid(t *testing.T, impl pipeline.Impl[int]) {
	fn := func(_ context.Context, v int) (int, error) { return v, nil }
	tests := []struct {
		name       string
		giveStages []pipeline.Stage[int]
		giveOpts   pipeline.Options
	}{
		{name: "no-stages"},
		{name: "zero-workers", giveStages: []pipeline.Stage[int]{{Workers: 0, Fn: fn}}},
		{name: "nil-fn", giveStages: []pipeline.Stage[int]{{Workers: 1}}},
		{name: "negative-buffer", giveStages: []pipeline.Stage[int]{{Workers: 1, Fn: fn}}, giveOpts: pipeline.Options{Buffer: -1}},
		{name: "negative-batch", giveStages: []pipeline.Stage[int]{{Workers: 1, Fn: fn}}, giveOpts: pipeline.Options{Batch: -1}},
	}
	for _, tt := range tests {
		if _, err := impl.Run(context.Background(), seq(3), tt.giveStages, tt.giveOpts); !errors.Is(err, pipeline.ErrInvalid) {
			t.Errorf("%s: Run = %v, want ErrInvalid", tt.name, err)
		}
	}
}
