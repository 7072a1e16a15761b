package pipeline

import (
	"context"
	"errors"
	"sync"
)

// runNoClose is a demonstration of the guide's advice "Always close
// channels when done", ignored: channels' design (unbuffered channels, a
// goroutine per worker, every send and receive a select with the Run's
// context) in which no stage closes its output.
//
// What it costs: with no close to end its range, the collector counts:
// it waits for len(src) results, watching only the caller's ctx. When a
// stage fails, its item never arrives and the other workers stop; a close
// would have told the collector that the stream had ended early, but
// nothing does, so it waits until the caller's ctx ends: until the
// caller's deadline, or for ever if it has none. The workers never see a
// close either; only the cancel of the Run's context when the collector
// is done stops them, and Run waits for them.
//
// (Watching the Run's own context in the collector would rescue it: that
// is the signal the close gives for free in channels.)
func runNoClose[T any](ctx context.Context, src []T, stages []Stage[T], _ Options) ([]T, error) {
	parent := ctx
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	first := make(chan T) // never closed: the demonstration
	wg.Go(func() {
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
		in = startNoCloseStage(ctx, cancel, &wg, i, s, in)
	}
	results := make([]T, 0, len(src))
collect:
	for len(results) < len(src) {
		select {
		case v := <-in:
			results = append(results, v)
		case <-parent.Done(): // the only end it can see
			break collect
		}
	}
	// A stage's error, or the caller's end; a context of the caller's own
	// type reaches ctx through a goroutine, so ctx may not have seen that
	// end yet: ask the caller's context too.
	var cause error
	switch {
	case ctx.Err() != nil:
		cause = context.Cause(ctx)
	case parent.Err() != nil:
		cause = context.Cause(parent)
	}
	cancel(errCollected) // the only way to stop workers that never see a close
	wg.Wait()
	if cause != nil {
		return nil, cause
	}
	return results, nil
}

// errCollected stops runNoClose's goroutines once its collector is done.
var errCollected = errors.New("pipeline: every result collected")

// startNoCloseStage creates the stage's output channel, which nobody
// closes, and starts its workers.
func startNoCloseStage[T any](ctx context.Context, cancel context.CancelCauseFunc, wg *sync.WaitGroup,
	i int, s Stage[T], in <-chan T) chan T {
	out := make(chan T)
	for range s.Workers {
		wg.Go(func() {
			for {
				var v T
				select {
				case v = <-in:
				case <-ctx.Done():
					return
				}
				if ctx.Err() != nil {
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
