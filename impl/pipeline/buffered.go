package pipeline

import (
	"context"
	"sync"
)

// runBuffered is runChannels with channels buffered to opts.Buffer
// (DefaultBuffer, 64) and a non-blocking fast path before every select:
// a send into a channel with room, or a receive from one with items, is one
// lock-free-checked channel operation, and only an empty or full channel falls
// back to the two-way select with ctx.Done(). Before each Fn call a worker
// checks ctx.Err() (an atomic load), so a cancelled Run starts no new call
// even while its channels still hold items.
//
// Blocking: a stage runs up to Buffer items ahead of the next one; a parked
// consumer, once woken, drains many items without parking again.
//
// Closing and shutdown: as runChannels (closer, caller-side collector,
// context cancelled with the first error as its cause).
//
// Cost: 0.95x the floor impl=rawchan (the same buffered channels without
// ctx or selects) per item through 3 stages of 1 worker, so at the floor
// within noise (1.5x with 4 workers a stage), 20 allocs per Run and none per
// item
// (medians of results/reference/bench/results.txt, BenchmarkPipeline/work=none;
// the floor runs one goroutine per stage, so every ratio is to its 1-worker run).
func runBuffered[T any](ctx context.Context, src []T, stages []Stage[T], opts Options) ([]T, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	buf := bufferOf(opts)
	var wg sync.WaitGroup
	first := make(chan T, buf) // closed by the source goroutine
	wg.Go(func() {
		defer close(first)
		done := ctx.Done()
		for _, v := range src {
			if !send(first, v, done) {
				return
			}
		}
	})
	in := first
	for i, s := range stages {
		in = startBufferedStage(ctx, cancel, &wg, i, s, in, buf)
	}
	results := make([]T, 0, len(src))
	for v := range in {
		results = append(results, v)
	}
	wg.Wait()
	return outcome(ctx, results)
}

func startBufferedStage[T any](ctx context.Context, cancel context.CancelCauseFunc, wg *sync.WaitGroup,
	i int, s Stage[T], in <-chan T, buf int) chan T {
	out := make(chan T, buf)
	c := newCloser(s.Workers, out)
	for range s.Workers {
		wg.Go(func() {
			defer c.done()
			done := ctx.Done()
			for {
				v, ok := recv(in, done)
				if !ok || ctx.Err() != nil {
					return
				}
				r, err := s.Fn(ctx, v)
				if err != nil {
					cancel(StageError(i, s, err))
					return
				}
				if !send(out, r, done) {
					return
				}
			}
		})
	}
	return out
}

// send sends v on ch, trying without blocking first; false if done closed
// first.
func send[E any](ch chan<- E, v E, done <-chan struct{}) bool {
	select {
	case ch <- v:
		return true
	default:
	}
	select {
	case ch <- v:
		return true
	case <-done:
		return false
	}
}

// recv receives from ch, trying without blocking first; false if ch is
// closed and empty or done closed first.
func recv[E any](ch <-chan E, done <-chan struct{}) (E, bool) {
	select {
	case v, ok := <-ch:
		return v, ok
	default:
	}
	select {
	case v, ok := <-ch:
		return v, ok
	case <-done:
		var zero E
		return zero, false
	}
}
