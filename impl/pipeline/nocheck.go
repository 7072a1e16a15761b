package pipeline

import (
	"context"
	"sync"
)

// runNoCheck is a demonstration of the guide's pitfall "Context
// cancellation: always check ctx.Done()": channels' design, unbuffered
// channels and a goroutine per worker, with every select on ctx.Done()
// removed. Sends, receives and ranges are plain, and each stage closes its
// output when its input is drained, so nothing blocks and every goroutine
// exits.
//
// What it costs: the end of ctx (a deadline, the caller's cancel, or the
// first stage error, which cancels the context Fn gets) stops nothing.
// Every item still goes through every stage; a call that fails drops its
// item. Run notices only at the end, and returns ctx's cause, or the first
// stage error, once the whole of src has gone through: a cancelled Run
// takes as long as a complete one.
func runNoCheck[T any](ctx context.Context, src []T, stages []Stage[T], _ Options) ([]T, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	first := make(chan T)
	wg.Go(func() {
		defer close(first)
		for _, v := range src {
			first <- v // no select on ctx.Done(): the demonstration
		}
	})
	in := first
	for i, s := range stages {
		in = startNoCheckStage(ctx, cancel, &wg, i, s, in)
	}
	results := make([]T, 0, len(src))
	for v := range in {
		results = append(results, v)
	}
	wg.Wait()
	return outcome(ctx, results)
}

// startNoCheckStage starts the stage's workers, which never look at ctx:
// they pass it to Fn, and a failing call cancels it and drops its item.
func startNoCheckStage[T any](ctx context.Context, cancel context.CancelCauseFunc, wg *sync.WaitGroup,
	i int, s Stage[T], in <-chan T) chan T {
	out := make(chan T)
	c := newCloser(s.Workers, out)
	for range s.Workers {
		wg.Go(func() {
			defer c.done()
			for v := range in {
				r, err := s.Fn(ctx, v)
				if err != nil {
					cancel(StageError(i, s, err)) // the first cause stays
					continue
				}
				out <- r
			}
		})
	}
	return out
}
