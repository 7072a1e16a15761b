package pipeline

import (
	"context"
	"sync"
)

// runChannels is the textbook pipeline: a goroutine per worker, unbuffered
// channels between stages (opts.Buffer is ignored), and every send and
// receive a select with ctx.Done().
//
// Blocking: every handoff is a rendezvous, so each item costs the sender and
// the receiver a park or a wake-up whenever they are not both already waiting.
//
// Closing: the source goroutine closes the first channel; each stage's output
// channel is closed by the last of its workers to return (a counter, see
// closer). Run ranges over the last channel on the caller's goroutine, then
// waits for every goroutine.
//
// Shutdown: the first Fn error cancels Run's context with the error as its
// cause; every worker returns at its next select (or before its next Fn call),
// its stage's channel closes, and the collector's range ends.
//
// Cost: 6x the floor impl=rawchan per item through 3 stages of 1 worker (10x
// with 4 workers a stage: more goroutines to park and wake), 20 allocs per
// Run and none per item
// (medians of results/reference/bench/results.txt, BenchmarkPipeline/work=none;
// the floor runs one goroutine per stage, so every ratio is to its 1-worker run).
func runChannels[T any](ctx context.Context, src []T, stages []Stage[T], _ Options) ([]T, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	first := make(chan T) // closed by the source goroutine
	wg.Go(func() {
		defer close(first)
		for _, v := range src {
			select {
			case first <- v:
			case <-ctx.Done():
				return
			}
		}
	})
	in := first
	for i, s := range stages {
		in = startChannelsStage(ctx, cancel, &wg, i, s, in)
	}
	results := make([]T, 0, len(src))
	for v := range in {
		results = append(results, v)
	}
	wg.Wait()
	return outcome(ctx, results)
}

// startChannelsStage creates the stage's output channel and starts its
// workers, the last of which closes it.
func startChannelsStage[T any](ctx context.Context, cancel context.CancelCauseFunc, wg *sync.WaitGroup,
	i int, s Stage[T], in <-chan T) chan T {
	out := make(chan T)
	c := newCloser(s.Workers, out)
	for range s.Workers {
		wg.Go(func() {
			defer c.done()
			for {
				var v T
				var ok bool
				select {
				case v, ok = <-in:
				case <-ctx.Done():
					return
				}
				if !ok || ctx.Err() != nil {
					return
				}
				r, err := s.Fn(ctx, v)
				if err != nil {
					cancel(StageError(i, s, err))
					return
				}
				select {
				case out <- r:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	return out
}
