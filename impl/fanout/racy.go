package fanout

import (
	"context"
	"sync"
	"sync/atomic"
)

// mapRacy is a demonstration of the guide's pitfall "Race conditions: use
// proper synchronization": workers claim indices as atomic does, but
// collect (index, result) pairs by appending to one shared slice without a
// lock; the caller then puts each pair in its place.
//
// The race: two workers that append at once both read the same length and
// write the same slot, so one result is lost and its place in the results
// stays the zero value. The race detector flags it at once; without it the
// loss is silent and only a check of the outputs against the inputs shows
// it (the scenarios count it as wrong-results). The slice is made with its
// final capacity, so the racing appends never reallocate: a torn update
// loses a result but cannot write outside the slice.
//
// The cure is the sync.Mutex around the append that this variant leaves
// out, or writing results[i] directly, as mutex and atomic do.
func mapRacy[In, Out any](ctx context.Context, inputs []In, workers int, fn func(context.Context, In) (Out, error)) ([]Out, error) {
	if err := CheckArgs(ctx, workers); err != nil {
		return nil, err
	}
	results := make([]Out, len(inputs))
	if len(inputs) == 0 {
		return results, nil
	}
	f := NewFirstError(ctx)
	defer f.cancel()
	var next atomic.Int64
	collected := make([]outcome[Out], 0, len(inputs)) // appended to by every worker, unguarded: the race
	var wg sync.WaitGroup
	for range min(workers, len(inputs)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(inputs) || f.ctx.Err() != nil {
					return
				}
				out, err := fn(f.ctx, inputs[i])
				if err != nil {
					f.Fail(err)
					return
				}
				collected = append(collected, outcome[Out]{i: i, v: out})
			}
		})
	}
	wg.Wait()
	if err := f.Result(); err != nil {
		return nil, err
	}
	for _, o := range collected {
		results[o.i] = o.v
	}
	return results, nil
}
