package pipeline

import (
	"context"

	"github.com/destel/rill"
)

// runRill builds the pipeline from github.com/destel/rill v0.8.1 the way its
// README recommends for context awareness: rill.Generate feeds src and stops
// when ctx ends; each stage is rill.Map (rill.OrderedMap when opts.Ordered)
// with Workers goroutines over streams of rill.Try[T]; the consumer ranges
// over the last stream. rill is context-agnostic, so each stage's function
// checks ctx before calling Fn and, on an error, cancels Run's context with it
// as the cause (rill alone would only pass the error down the stream, and
// the first error to reach the end need not be the first to happen).
//
// Channels: rill creates and closes all of them (each Map closes its output
// after its goroutines finish); they are unbuffered.
//
// Shutdown: on the first error the consumer keeps draining the last stream
// to its end on the caller's goroutine (rill.Drain), instead of rill's
// ToSlice/Discard, which would leave a background goroutine draining after
// Run returns. Items still in flight pass through stages that no longer call
// Fn, so the drain is short.
//
// OrderedMap with Workers > 1 adds a goroutine per stage and two sync.Pool'd
// channels per item to keep order.
//
// The caller's cause survives: Run's context derives from ctx, so its cause
// is ctx's (the suite's CancelCause check). Against rill's README pipeline
// bare (BenchmarkAdapter/lib=rill: FromSlice, Map, ToSlice; no ctx, no first
// error), the adapter costs 9-12% more per item with 4 workers a stage and
// is within the noise with 1 (-count 6 -benchtime 100ms -cpu 1,2 on the
// loaded 2-core VM, 2026-11-27).
//
// Cost: about 3.5x the floor impl=rawchan per item through 3 stages of 1
// worker, unordered or ordered, and with 4 workers unordered; 8.4x with 4
// workers ordered; 23 to 47 allocs per Run, none per item
// (medians of results/reference/bench/results.txt, BenchmarkPipeline/work=none;
// the floor runs one goroutine per stage, so every ratio is to its 1-worker run).
func runRill[T any](ctx context.Context, src []T, stages []Stage[T], opts Options) ([]T, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	items := rill.Generate(func(send func(T), _ func(error)) {
		for _, v := range src {
			if ctx.Err() != nil {
				return
			}
			send(v)
		}
	})
	for i, s := range stages {
		f := func(v T) (T, error) {
			if err := ctx.Err(); err != nil {
				return v, err
			}
			r, err := s.Fn(ctx, v)
			if err != nil {
				err = StageError(i, s, err)
				cancel(err)
			}
			return r, err
		}
		if opts.Ordered {
			items = rill.OrderedMap(items, s.Workers, f)
		} else {
			items = rill.Map(items, s.Workers, f)
		}
	}
	results := make([]T, 0, len(src))
	for it := range items {
		if it.Error != nil {
			cancel(it.Error) // a no-op if a stage already cancelled
			rill.Drain(items)
			break
		}
		results = append(results, it.Value)
	}
	return outcome(ctx, results)
}
