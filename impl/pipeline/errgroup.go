package pipeline

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// runErrgroup writes the pipeline the way x/sync/errgroup's documentation
// does: one errgroup.WithContext for the whole run (the source goroutine and
// one goroutine per stage), and inside each stage's goroutine a second
// errgroup.WithContext for its workers. Channels are buffered to opts.Buffer
// (DefaultBuffer, 64); every send and receive is a plain select with
// ctx.Done(), without runBuffered's fast paths.
//
// Closing: each stage's goroutine creates its output channel and closes it
// after its workers' group has returned, so each channel has exactly one
// closer by construction; the cost is one extra goroutine and two context
// allocations per stage per Run.
//
// Shutdown: a worker's Fn error cancels its stage's group, whose workers stop;
// the stage goroutine returns the error to the outer group, which cancels
// every other stage. Run returns the outer group's first error, which is the
// stage error, or ctx's cause if ctx ended first. A goroutine that sees its
// group's ctx done returns context.Cause(ctx), not ctx.Err(): both groups'
// contexts derive from the caller's, so their cause is the caller's cause
// (or the first stage error), where Err would be a bare context.Canceled
// that loses it.
//
// Cost: 2.7x the floor impl=rawchan per item through 3 stages of 1 worker
// (2.5x with 4), 37 allocs per Run and none per item: the plain selects, not
// the errgroups, make most of the gap to buffered's 0.95x
// (medians of results/reference/bench/results.txt, BenchmarkPipeline/work=none;
// the floor runs one goroutine per stage, so every ratio is to its 1-worker run).
func runErrgroup[T any](ctx context.Context, src []T, stages []Stage[T], opts Options) ([]T, error) {
	g, ctx := errgroup.WithContext(ctx)
	buf := bufferOf(opts)
	first := make(chan T, buf) // closed by the source goroutine
	g.Go(func() error {
		defer close(first)
		for _, v := range src {
			select {
			case first <- v:
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		}
		return nil
	})
	in := first
	for i, s := range stages {
		in = errgroupStage(ctx, g, i, s, in, buf)
	}
	results := make([]T, 0, len(src))
	for v := range in {
		results = append(results, v)
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return results, nil
}

// errgroupStage starts stage i in g and returns its output channel.
func errgroupStage[T any](ctx context.Context, g *errgroup.Group, i int, s Stage[T], in <-chan T, buf int) chan T {
	out := make(chan T, buf)
	g.Go(func() error {
		defer close(out)
		workers, ctx := errgroup.WithContext(ctx)
		for range s.Workers {
			workers.Go(func() error {
				for {
					var v T
					var ok bool
					select {
					case v, ok = <-in:
					case <-ctx.Done():
						return context.Cause(ctx)
					}
					if !ok {
						return nil
					}
					if ctx.Err() != nil {
						return context.Cause(ctx)
					}
					r, err := s.Fn(ctx, v)
					if err != nil {
						return StageError(i, s, err)
					}
					select {
					case out <- r:
					case <-ctx.Done():
						return context.Cause(ctx)
					}
				}
			})
		}
		return workers.Wait()
	})
	return out
}
