package fanout

import (
	"context"
	"sync"
)

// mapSeed keeps the guide's Fan-In/Fan-Out code as it is: FanOut starts
// workerCount workers on one unbuffered input channel of interface{} items,
// each worker returns its own unbuffered output channel, and FanIn merges
// them with a goroutine per channel plus one that closes the merged channel;
// the guide's main feeds the input from a goroutine of its own and ranges
// over the merged channel. Its costs stay visible: every input and every
// result is boxed in an interface{} (an allocation each), three unbuffered
// handoffs per input, workers+2 goroutines per call even for fewer inputs.
//
// Adapted to the contract: an item is an indexed input and a result carries
// its index and fn's error, so Map can place results and stop on the first
// error (which cancels ctx').
//
// Fixed, because it would hang or leak:
//   - The guide's feeder sends with a bare `input <- data`. Once ctx ends its
//     workers stop reading, so the feeder blocks forever. Here it selects on
//     ctx.Done() too and checks ctx before each send.
//   - When ctx ends, FanIn's goroutines return without draining their inputs
//     and FanIn closes its output, while a worker may still be inside fn: Map
//     would return with that goroutine (and fn) still running. Here Map, once
//     the merged channel is closed, also drains every worker's output channel
//     until the worker closes it on exit. (The suite cannot force this race:
//     it needs a FanIn goroutine blocked on its send just as ctx ends, while
//     Map is busy with another result.)
//
// Kept, and declared (StopsLate): fn's error travels as a result through the
// worker's channel and FanIn to Map, which only then cancels ctx', and the
// guide's worker looks at ctx only when it sends a result, never before it
// processes an input. So after a failure (or ctx's end) workers may still
// pass inputs to fn, with ctx' cancelled or not yet: typically one more each. A worker's send
// and FanIn's forward also race ctx.Done() in a select, so a result finished
// just before a cancel may be dropped; that only happens when Map is
// returning an error anyway.
//
// Cost: 280x to 320x the floor impl=serial and 2 allocs per input (the two
// boxes) plus four per worker, with an fn that does nothing; with a 1 µs fn
// (work=cpu1us) 1.6x to 2x serial: it roughly doubles the cost of a 1 µs fn
// (medians of results/reference/bench/results.txt, BenchmarkFanout; the floor
// runs beside it at the same worker count).
func mapSeed[In, Out any](ctx context.Context, inputs []In, workers int, fn func(context.Context, In) (Out, error)) ([]Out, error) {
	if err := CheckArgs(ctx, workers); err != nil {
		return nil, err
	}
	f := NewFirstError(ctx)
	defer f.cancel()
	ctx = f.ctx

	input := make(chan interface{})
	outputs := seedFanOut(ctx, input, workers, seedWorker(fn))
	result := seedFanIn(ctx, outputs...)

	var feeder sync.WaitGroup
	feeder.Go(func() {
		defer close(input)
		for i, v := range inputs {
			if ctx.Err() != nil { // fix: the guide's feeder never looks at ctx
				return
			}
			select {
			case input <- indexed[In]{i, v}:
			case <-ctx.Done():
				return
			}
		}
	})

	results := make([]Out, len(inputs))
	for data := range result {
		r := data.(outcome[Out])
		if r.err != nil {
			f.Fail(r.err)
			continue
		}
		results[r.i] = r.v
	}
	for _, out := range outputs { // fix: wait until every worker has exited
		for range out {
		}
	}
	feeder.Wait()
	if err := f.Result(); err != nil {
		return nil, err
	}
	return results, nil
}

// seedWorker returns the guide's worker with fn as its "Process data" step.
func seedWorker[In, Out any](fn func(context.Context, In) (Out, error)) func(context.Context, <-chan interface{}) <-chan interface{} {
	return func(ctx context.Context, input <-chan interface{}) <-chan interface{} {
		output := make(chan interface{})

		go func() {
			defer close(output)
			for data := range input {
				// Process data
				item := data.(indexed[In])
				v, err := fn(ctx, item.v)
				var result interface{} = outcome[Out]{item.i, v, err}

				select {
				case output <- result:
				case <-ctx.Done():
					return
				}
			}
		}()

		return output
	}
}

// seedFanOut distributes work across multiple workers
//
// (The guide's FanOut, unchanged but for its name: unexported, so that the
// package's API stays the contract.)
func seedFanOut(ctx context.Context, input <-chan interface{}, workerCount int, worker func(context.Context, <-chan interface{}) <-chan interface{}) []<-chan interface{} {
	outputs := make([]<-chan interface{}, workerCount)

	for i := 0; i < workerCount; i++ {
		outputs[i] = worker(ctx, input)
	}

	return outputs
}

// seedFanIn combines multiple channels into one
//
// (The guide's FanIn, unchanged but for its name. When ctx ends it stops
// forwarding and closes its output while the producers of inputs may still
// run: its caller must drain inputs itself to know they have stopped.)
func seedFanIn(ctx context.Context, inputs ...<-chan interface{}) <-chan interface{} {
	output := make(chan interface{})
	var wg sync.WaitGroup

	// Start a goroutine for each input channel
	for _, input := range inputs {
		wg.Add(1)
		go func(input <-chan interface{}) {
			defer wg.Done()
			for data := range input {
				select {
				case output <- data:
				case <-ctx.Done():
					return
				}
			}
		}(input)
	}

	// Close output when all inputs are done
	go func() {
		wg.Wait()
		close(output)
	}()

	return output
}
