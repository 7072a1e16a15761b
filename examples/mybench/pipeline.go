package mybench

import (
	"context"

	"github.com/alitto/pond"

	"github.com/concbench/concbench/impl/pipeline"
)

// PipelineImpl is the registry entry of the pond v1 pipeline. Every item
// carries its index to the last stage, which writes results[index], so
// results come in input order whether or not Options.Ordered asks:
// AlwaysOrdered, a promise beyond the contract that the conformance suite
// checks too. Its Doc begins with the library's module path: runbench
// records pond's version beside its results.
func PipelineImpl() pipeline.Impl[int] {
	return pipeline.Impl[int]{
		Name:          "pondstages",
		Doc:           "github.com/alitto/pond v1 pool per stage (Workers, queue of opts.Buffer); a stage's task submits to the next (example.com/mybench)",
		Run:           PondRun[int],
		AlwaysOrdered: true,
	}
}

// PondRun is a pipeline Run over github.com/alitto/pond v1: stage i is a
// pool (newPool) of stages[i].Workers goroutines with a queue of opts.Buffer
// (pipeline.DefaultBuffer when 0) tasks, and a TaskGroup. The caller
// submits each item to stage 0; a stage's task calls its Fn and submits
// the result to the next stage, blocking while that stage's queue is full
// (the back-pressure); the last stage writes results[index].
//
// pipeline.CheckArgs checks the arguments before any pool starts. The
// first error of a Fn cancels the Run's context with
// pipeline.StageError(i, stage, err) as its cause; from then on no task
// calls a Fn (each looks at ctx first, so a queue drains at once) and the
// caller submits no more items. The stage that feeds a queue is the one
// that ends it: the caller waits for stage i's group, then stops its pool
// (StopAndWait: every goroutine of it has exited), then stage i+1's, in
// order, since stage i's tasks are the only ones that submit to stage
// i+1. Run returns context.Cause: the stage error, or the caller's ctx's
// cause.
//
// A panic in a Fn (outside the contract) stops the Run and panics again
// in Run's caller, with the value, once every pool has stopped.
func PondRun[T any](ctx context.Context, src []T, stages []pipeline.Stage[T], opts pipeline.Options) ([]T, error) {
	if err := pipeline.CheckArgs(stages, opts, false); err != nil {
		return nil, err
	}
	queue := opts.Buffer
	if queue == 0 {
		queue = pipeline.DefaultBuffer
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	r := &pondRun[T]{ctx: ctx, cancel: cancel, stages: stages, results: make([]T, len(src)),
		tp: &taskPanic{stop: func() { cancel(context.Canceled) }}}
	r.pools = make([]*pond.WorkerPool, len(stages))
	r.groups = make([]*pond.TaskGroup, len(stages))
	for i, s := range stages {
		r.pools[i] = newPool(s.Workers, queue, r.tp)
		r.groups[i] = r.pools[i].Group()
	}
	for i, v := range src {
		if ctx.Err() != nil {
			break
		}
		r.submit(0, i, v)
	}
	for i := range stages {
		r.groups[i].Wait()
		r.pools[i].StopAndWait()
	}
	r.tp.repanic()
	if ctx.Err() != nil {
		return nil, context.Cause(ctx)
	}
	return r.results, nil
}

// pondRun is one Run: its context, stages, pools and results.
type pondRun[T any] struct {
	ctx     context.Context
	cancel  context.CancelCauseFunc
	stages  []pipeline.Stage[T]
	pools   []*pond.WorkerPool
	groups  []*pond.TaskGroup
	results []T // results[i] from src[i], written by the last stage
	tp      *taskPanic
}

// submit hands item index, v, to stage i's pool.
func (r *pondRun[T]) submit(i, index int, v T) {
	r.groups[i].Submit(func() {
		if r.ctx.Err() != nil {
			return
		}
		out, err := r.stages[i].Fn(r.ctx, v)
		switch {
		case err != nil:
			r.cancel(pipeline.StageError(i, r.stages[i], err))
		case i+1 == len(r.stages):
			r.results[index] = out
		default:
			r.submit(i+1, index, out)
		}
	})
}
