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
// stage error, or ctx's error if ctx ended first.
//
// Cost: see the bench (go test -bench 'Pipeline/impl=errgroup' ./bench).
func runErrgroup[T any](ctx context.Context, src []T, stages []Stage[T], opts Options) ([]T, error) {
	g, ctx := errgroup.WithContext(ctx)
	buf := bufferOf(opts)
	in := make(chan T, buf)
	g.Go(func() error {
		defer close(in)
		for _, v := range src {
			select {
			case in <- v:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
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
						return ctx.Err()
					}
					if !ok {
						return nil
					}
					if err := ctx.Err(); err != nil {
						return err
					}
					r, err := s.Fn(ctx, v)
					if err != nil {
						return stageError(i, s, err)
					}
					select {
					case out <- r:
					case <-ctx.Done():
						return ctx.Err()
					}
				}
			})
		}
		return workers.Wait()
	})
	return out
}
