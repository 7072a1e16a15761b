package fanout

import (
	"context"
	"sync"
)

// mapDeadlock is a demonstration of the guide's pitfall "Deadlocks: be
// careful with channel operations": workers range over an unbuffered
// channel of inputs and send each outcome on an unbuffered channel, and
// the caller sends every input before it reads a single outcome.
//
// The deadlock: with more inputs than workers, every worker ends up
// blocked sending an outcome that nobody receives (the caller is still
// sending inputs), and the caller blocked sending an input that no worker
// receives. Nothing watches ctx, so Map never returns: not on an error, not
// on ctx's end. With at most workers inputs it works, which is how such a
// bug passes a small test.
//
// The cure is to feed and collect at once (channels selects on both), or a
// buffer as large as the inputs.
func mapDeadlock[In, Out any](ctx context.Context, inputs []In, workers int, fn func(context.Context, In) (Out, error)) ([]Out, error) {
	if err := CheckArgs(ctx, workers); err != nil {
		return nil, err
	}
	results := make([]Out, len(inputs))
	if len(inputs) == 0 {
		return results, nil
	}
	f := NewFirstError(ctx)
	defer f.cancel()
	in := make(chan indexed[In])
	out := make(chan outcome[Out])
	var wg sync.WaitGroup
	for range min(workers, len(inputs)) {
		wg.Go(func() {
			for item := range in {
				var o outcome[Out]
				if f.ctx.Err() == nil {
					o.v, o.err = fn(f.ctx, item.v)
				}
				o.i = item.i
				out <- o
			}
		})
	}
	for i, v := range inputs { // the deadlock: no outcome is read until every input is sent
		in <- indexed[In]{i, v}
	}
	close(in)
	for range inputs {
		o := <-out
		if o.err != nil {
			f.Fail(o.err)
			continue
		}
		results[o.i] = o.v
	}
	wg.Wait()
	if err := f.Result(); err != nil {
		return nil, err
	}
	return results, nil
}
