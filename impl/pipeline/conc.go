package pipeline

import (
	"context"

	"github.com/sourcegraph/conc/stream"
)

// runConc builds each stage as a github.com/sourcegraph/conc stream.Stream
// WithMaxGoroutines(Workers). Submitting an item to stage i starts a task that
// calls Fn; the task's callback, which the stream runs on its one callbacker
// goroutine in submission order, submits the result to stage i+1, or (last
// stage) appends it to the results. So results are in input order whatever
// opts.Ordered says. There are no channels of ours to close.
//
// Blocking: Stream.Go blocks while the stage's pool is saturated and cannot
// watch ctx; so the source loop (on the caller's goroutine) and each stage's
// callbacker wait for the next stage's capacity.
//
// Shutdown: the first Fn error cancels Run's context with the error as its
// cause; the source stops submitting and every task not yet started returns
// an empty callback without calling Fn. Run then Waits for each stream in
// stage order: when stream i's Wait returns, its callbacks have submitted
// everything to stream i+1, so the next Wait sees every task.
//
// Each task costs the stream a closure, a callback channel from a sync.Pool
// and a pool goroutine handoff (its doc says about 500 ns a task).
//
// The caller's cause survives: Run's context derives from ctx, so its cause
// is ctx's (the suite's CancelCause check). Against conc's streams chained
// the same way bare (BenchmarkAdapter/lib=conc: no ctx checks, no
// cancellation), the adapter costs 37-40% more per item with 1 worker a
// stage and is within the noise with 4 (-count 6 -benchtime 100ms -cpu 1,2
// on the loaded 2-core VM, 2026-11-27).
//
// Cost: 9x to 10x the floor impl=rawchan per item through 3 stages, with 1 or
// 4 workers a stage, ordered or not, 9 allocs and about 500 B per item (3
// allocs per stage)
// (medians of results/reference/bench/results.txt, BenchmarkPipeline/work=none;
// the floor runs one goroutine per stage, so every ratio is to its 1-worker run).
func runConc[T any](ctx context.Context, src []T, stages []Stage[T], _ Options) ([]T, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	streams := make([]*stream.Stream, len(stages))
	for i, s := range stages {
		streams[i] = stream.New().WithMaxGoroutines(s.Workers)
	}
	results := make([]T, 0, len(src)) // appended to by the last callbacker only
	var submit func(i int, v T)
	submit = func(i int, v T) {
		if i == len(stages) {
			results = append(results, v)
			return
		}
		s := stages[i]
		streams[i].Go(func() stream.Callback {
			if ctx.Err() != nil {
				return noCallback
			}
			r, err := s.Fn(ctx, v)
			if err != nil {
				cancel(StageError(i, s, err))
				return noCallback
			}
			return func() { submit(i+1, r) }
		})
	}
	for _, v := range src {
		if ctx.Err() != nil {
			break
		}
		submit(0, v)
	}
	for _, s := range streams {
		s.Wait()
	}
	return outcome(ctx, results)
}

func noCallback() {}
