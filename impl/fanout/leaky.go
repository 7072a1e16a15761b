package fanout

import "context"

// mapLeaky is a demonstration of the guide's pitfall "Goroutine leaks:
// always ensure goroutines can exit", on the fan-in side: the guide's
// FanOut/FanIn shape with one unbuffered channel of inputs and one of
// outcomes, whose consumer returns at the first error it reads.
//
// The leak: once Map has returned, nobody reads the outcomes channel, so
// every worker blocks forever on its next send, and the feeding goroutine
// blocks forever on its next input; none of those sends watches ctx. A
// failing call leaves up to min(workers, len(inputs))+1 goroutines behind,
// for the life of the process. Without an error every goroutine exits.
//
// The cure is what channels does: the consumer reads the merged channel to
// its end (or every send also selects on a context that Map cancels).
func mapLeaky[In, Out any](ctx context.Context, inputs []In, workers int, fn func(context.Context, In) (Out, error)) ([]Out, error) {
	if err := CheckArgs(ctx, workers); err != nil {
		return nil, err
	}
	results := make([]Out, len(inputs))
	if len(inputs) == 0 {
		return results, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	in := make(chan indexed[In])
	out := make(chan outcome[Out])
	// Deliberately unowned goroutines: after the first error nothing waits
	// for them, and they never exit. That is the demonstration.
	go func() {
		defer close(in)
		for i, v := range inputs {
			in <- indexed[In]{i, v}
		}
	}()
	for range min(workers, len(inputs)) {
		go func() {
			for item := range in {
				v, err := fn(ctx, item.v)
				out <- outcome[Out]{i: item.i, v: v, err: err}
			}
		}()
	}
	for range inputs {
		o := <-out
		if o.err != nil {
			return nil, o.err // the leak: the rest of out is never read
		}
		results[o.i] = o.v
	}
	return results, nil
}
