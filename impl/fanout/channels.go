package fanout

import (
	"context"
	"sync"
)

// indexed is an input with its position, so results can be put back in order.
type indexed[T any] struct {
	i int
	v T
}

// outcome is what a worker sends for one input (channels sends successes only).
type outcome[T any] struct {
	i   int
	v   T
	err error
}

// mapChannels keeps the guide's FanOut/FanIn design with typed channels:
// min(workers, len(inputs)) workers range over one unbuffered channel of
// indexed inputs, each sends outcomes on its own unbuffered output channel,
// and fanIn merges those into one with a goroutine per output plus one that
// closes the merged channel. Map's goroutine both feeds the input channel and
// collects the merged outcomes in one select, placing each by its index.
//
// Who closes what: Map closes the input channel (after the last input, or at
// once when ctx' ends); each worker closes its output when the input channel
// is drained; fanIn closes the merged channel when every output is drained.
// Map reads the merged channel until it is closed, so when Map returns every
// worker has stopped. Unlike the guide, workers and mergers never give up on
// a send when ctx' ends: the reader is always there, so nothing can block,
// and a merger that returned early could leave its worker still inside fn
// after Map returned.
//
// Stopping: the worker whose fn fails cancels ctx' (through firstError) and
// exits; Map then stops feeding and closes the input channel; the other
// workers check ctx' before each call and drain the input channel. Routing
// the error through the channels to Map instead, as seed does, lets a worker
// start another call in the meantime.
//
// Cost: three channel handoffs per input, 2·workers+1 goroutines per call;
// 240x to 270x the floor impl=serial per input with an fn that does nothing,
// 11 allocs per call plus four per worker; with a 1 µs fn (work=cpu1us) 1.7x
// to 2x serial: it roughly doubles the cost of a 1 µs fn
// (medians of results/reference/bench/results.txt, BenchmarkFanout; the floor
// runs beside it at the same worker count).
func mapChannels[In, Out any](ctx context.Context, inputs []In, workers int, fn func(context.Context, In) (Out, error)) ([]Out, error) {
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
	merged := fanIn(fanOut(f.ctx, in, min(workers, len(inputs)), fn, f.Fail))

	send, next, done := in, 0, f.ctx.Done()
	stopFeeding := func() {
		if send != nil {
			close(in)
			send = nil
		}
	}
	for {
		var item indexed[In]
		if send != nil {
			item = indexed[In]{next, inputs[next]}
		}
		select {
		case send <- item:
			next++
			if next == len(inputs) {
				stopFeeding()
			}
		case <-done: // first error or the parent's end: feed no more
			stopFeeding()
			done = nil
		case o, ok := <-merged:
			if !ok {
				if err := f.Result(); err != nil {
					return nil, err
				}
				return results, nil
			}
			results[o.i] = o.v
		}
	}
}

// fanOut starts n workers reading in and returns their output channels.
// Each worker closes its output once in is closed and drained, or after fn
// failed. A worker hands fn's error to fail itself rather than sending it
// down the channels: ctx' is cancelled at once, so no worker starts another
// call while the error would be on its way to Map.
func fanOut[In, Out any](ctx context.Context, in <-chan indexed[In], n int, fn func(context.Context, In) (Out, error), fail func(error)) []<-chan outcome[Out] {
	outs := make([]<-chan outcome[Out], n)
	for w := range outs {
		out := make(chan outcome[Out])
		outs[w] = out
		go func() {
			defer close(out)
			for item := range in {
				if ctx.Err() != nil {
					continue // drain: Map closes in as soon as ctx ends
				}
				v, err := fn(ctx, item.v)
				if err != nil {
					fail(err)
					return
				}
				out <- outcome[Out]{i: item.i, v: v}
			}
		}()
	}
	return outs
}

// fanIn forwards every outcome of outs to the channel it returns, which it
// closes once every one of outs is closed and drained. The caller must read
// it to the end.
func fanIn[T any](outs []<-chan outcome[T]) <-chan outcome[T] {
	merged := make(chan outcome[T])
	var wg sync.WaitGroup
	for _, out := range outs {
		wg.Go(func() {
			for o := range out {
				merged <- o
			}
		})
	}
	go func() {
		wg.Wait()
		close(merged)
	}()
	return merged
}
