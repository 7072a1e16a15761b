package mybench

import (
	"context"

	"github.com/concbench/concbench/impl/fanout"
)

// FanOutImpl is the registry entry of the pond v1 fan-out. It keeps the
// whole contract, so it declares nothing. Its Doc begins with the
// library's module path: runbench records pond's version beside its
// results.
func FanOutImpl() fanout.Impl[int, int] {
	return fanout.Impl[int, int]{
		Name: "pondgroup",
		Doc:  "github.com/alitto/pond v1 pool of N per call, TaskGroup Submit/Wait; adapter cancels ctx' on the first error (example.com/mybench)",
		Map:  PondMap[int, int],
	}
}

// PondMap is a fanout.MapFunc over github.com/alitto/pond v1: a pool of
// workers goroutines per call (newPool: no queue, so Submit blocks while
// every worker is busy), a TaskGroup to wait for the calls of fn, and
// StopAndWait, which returns once every goroutine of the pool (its workers
// and its idle-worker purger) has exited. fanout.CheckArgs checks the
// arguments, and fanout.FirstError keeps the first error and cancels ctx',
// after which neither the loop nor a task starts a call of fn.
//
// Not pond's GroupContext: its TaskGroupWithContext.Wait waits for the
// tasks on a goroutine of its own that sends on an unbuffered channel, and
// when Wait returns through the context (the first error, the parent's
// end) nobody receives, so that goroutine leaks, one per call; and Wait
// then returns while calls of fn still run, which the contract forbids.
//
// A panic in fn (outside the contract) stops the call and panics again in
// Map's caller, with the value, once every call has returned.
func PondMap[In, Out any](ctx context.Context, inputs []In, workers int, fn func(context.Context, In) (Out, error)) ([]Out, error) {
	if err := fanout.CheckArgs(ctx, workers); err != nil {
		return nil, err
	}
	f := fanout.NewFirstError(ctx)
	defer f.Cancel()
	tp := &taskPanic{stop: f.Cancel}
	pool := newPool(workers, 0, tp)
	group := pool.Group()
	results := make([]Out, len(inputs))
	for i, in := range inputs {
		if f.Ctx().Err() != nil {
			break
		}
		group.Submit(func() {
			if f.Ctx().Err() != nil {
				return
			}
			out, err := fn(f.Ctx(), in)
			if err != nil {
				f.Fail(err)
				return
			}
			results[i] = out
		})
	}
	group.Wait()
	pool.StopAndWait()
	tp.repanic()
	if err := f.Result(); err != nil {
		return nil, err
	}
	return results, nil
}
