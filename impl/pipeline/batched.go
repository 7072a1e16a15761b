package pipeline

import (
	"context"
	"sync"
)

// runBatched moves items between stages in batches of opts.Batch
// (DefaultBatch, 64). Run copies src once into a working slice; the batches
// are consecutive windows of it, each owned by one goroutine at a time (the
// channel handoff passes ownership), and every worker overwrites its batch's
// items with their results in place. So a batch costs one channel handoff per
// stage however many items it holds, a Run allocates nothing per item, and
// the working slice ends up holding the results in input order whatever
// opts.Ordered says.
//
// Blocking: channels of batches hold one batch, so a stage can run one batch
// ahead of the next (a handoff is already rare: one per Batch items); sends
// and receives are selects with ctx.Done(). Parallelism within a stage is per
// batch, so a stage with W workers needs W batches in flight to use them all:
// with fewer than Batch×W items, some workers idle.
//
// Closing and shutdown: as runChannels (closer, caller-side collector,
// context cancelled with the first error as its cause); a worker checks
// ctx.Err() before every item, so a stop is not delayed by a whole batch.
//
// Cost: 0.17x the floor impl=rawchan per item through 3 stages of 1 worker
// (0.24x with 4): one handoff per batch beats the floor's one per item; 24
// allocs per Run and none per item
// (medians of results/reference/bench/results.txt, BenchmarkPipeline/work=none;
// the floor runs one goroutine per stage, so every ratio is to its 1-worker run).
func runBatched[T any](ctx context.Context, src []T, stages []Stage[T], opts Options) ([]T, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	size := opts.Batch
	if size == 0 {
		size = DefaultBatch
	}
	work := make([]T, len(src))
	copy(work, src)
	var wg sync.WaitGroup
	first := make(chan []T, 1) // closed by the source goroutine
	wg.Go(func() {
		defer close(first)
		for lo := 0; lo < len(work); lo += size {
			hi := min(lo+size, len(work))
			select {
			case first <- work[lo:hi:hi]:
			case <-ctx.Done():
				return
			}
		}
	})
	in := first
	for i, s := range stages {
		in = startBatchedStage(ctx, cancel, &wg, i, s, in)
	}
	for range in { // the batches are windows of work: only wait for them
	}
	wg.Wait()
	return outcome(ctx, work)
}

func startBatchedStage[T any](ctx context.Context, cancel context.CancelCauseFunc, wg *sync.WaitGroup,
	i int, s Stage[T], in <-chan []T) chan []T {
	out := make(chan []T, 1)
	c := newCloser(s.Workers, out)
	for range s.Workers {
		wg.Go(func() {
			defer c.done()
			for {
				var batch []T
				var ok bool
				select {
				case batch, ok = <-in:
				case <-ctx.Done():
					return
				}
				if !ok {
					return
				}
				for j, v := range batch {
					if ctx.Err() != nil {
						return
					}
					r, err := s.Fn(ctx, v)
					if err != nil {
						cancel(StageError(i, s, err))
						return
					}
					batch[j] = r
				}
				select {
				case out <- batch:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	return out
}
