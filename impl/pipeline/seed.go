package pipeline

import (
	"context"
	"sync"
	"sync/atomic"
)

// runSeed keeps the pipeline of the guide the project grew from: a Pipeline
// of Stages, each with Workers goroutines that all read the stage's shared
// input channel; items travel as interface{} through channels buffered to 100
// (so each non-pointer item is boxed, an allocation per item per stage
// unless the value is small enough for the runtime's static cache); a Quit
// channel stops the workers and a WaitGroup waits for them. opts.Buffer is
// ignored: the guide's 100 is its design.
//
// Changed from the guide, and why:
//   - The crash: every worker of a stage closed the stage's output channel
//     when its input ended, so with Workers > 1 the second close panicked.
//     Here the last worker of the stage to return closes it, once (closer).
//   - Its Start added 1 to the WaitGroup per stage but every worker called
//     Done, so Workers > 1 also panicked with a negative counter; here it adds
//     1 per worker.
//   - Its worker received an item, then called Process(ctx, input) on the
//     whole input channel and dropped the item it had received; Process here
//     takes that one item (the contract's Stage.Fn, boxed), so none is lost.
//     The end of input is read as a closed channel (v, ok), not a nil item,
//     so a nil item is not mistaken for it.
//   - Stopping: Quit is the Done channel of Run's context, which is cancelled
//     by the first Process error (the guide's Process had no error) or when
//     the caller's ctx ends, instead of a chan bool closed by Stop. Workers
//     check ctx before each Process call, and their send to the output
//     selects on Quit too: the guide's blocking send would leak the worker
//     once nobody reads. The feeding goroutine, the guide's caller, selects
//     on Quit too.
//
// Cost: 2.8x the floor impl=rawchan per item through 3 stages of 1 worker
// (2.9x with 4), 3 allocs per item (a boxing per stage)
// (medians of results/reference/bench/results.txt, BenchmarkPipeline/work=none;
// the floor runs one goroutine per stage, so every ratio is to its 1-worker run).
func runSeed[T any](ctx context.Context, src []T, stages []Stage[T], _ Options) ([]T, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	seedStages := make([]seedStage, len(stages))
	for i, s := range stages {
		seedStages[i] = seedStage{
			Name:    s.Name,
			Workers: s.Workers,
			Process: func(ctx context.Context, data interface{}) (interface{}, error) {
				r, err := s.Fn(ctx, data.(T))
				if err != nil {
					return nil, StageError(i, s, err)
				}
				return r, nil
			},
		}
	}
	p := newSeedPipeline(seedStages, ctx.Done(), cancel)
	p.Start(ctx)
	p.WG.Add(1)
	go func() { // the guide's caller, feeding Input
		defer p.WG.Done()
		defer close(p.Input)
		for _, v := range src {
			select {
			case p.Input <- v:
			case <-p.Quit:
				return
			}
		}
	}()
	results := make([]T, 0, len(src))
	for r := range p.Output {
		results = append(results, r.(T))
	}
	p.Stop()
	return outcome(ctx, results)
}

// seedBuffer is the guide's channel capacity.
const seedBuffer = 100

type seedStage struct {
	Name    string
	Process func(ctx context.Context, data interface{}) (interface{}, error)
	Workers int
}

type seedPipeline struct {
	Stages []seedStage
	Input  chan interface{}
	Output chan interface{}
	Quit   <-chan struct{}
	WG     *sync.WaitGroup
	fail   context.CancelCauseFunc
}

func newSeedPipeline(stages []seedStage, quit <-chan struct{}, fail context.CancelCauseFunc) *seedPipeline {
	return &seedPipeline{
		Stages: stages,
		Input:  make(chan interface{}, seedBuffer),
		Quit:   quit,
		WG:     &sync.WaitGroup{},
		fail:   fail,
	}
}

func (p *seedPipeline) Start(ctx context.Context) {
	currentInput := p.Input
	for _, stage := range p.Stages {
		output := make(chan interface{}, seedBuffer)
		p.WG.Add(stage.Workers) // fixed: the guide added len(p.Stages) once
		left := new(atomic.Int64)
		left.Store(int64(stage.Workers))
		for j := 0; j < stage.Workers; j++ {
			go func(stage seedStage, input <-chan interface{}, output chan<- interface{}) {
				defer p.WG.Done()
				defer func() { // fixed: the last worker closes output, once
					if left.Add(-1) == 0 {
						close(output)
					}
				}()
				for {
					select {
					case data, ok := <-input:
						if !ok || ctx.Err() != nil {
							return
						}
						result, err := stage.Process(ctx, data)
						if err != nil {
							p.fail(err)
							return
						}
						select {
						case output <- result:
						case <-p.Quit:
							return
						}
					case <-p.Quit:
						return
					}
				}
			}(stage, currentInput, output)
		}
		currentInput = output
	}
	p.Output = currentInput
}

// Stop waits for every worker; Quit is closed by Run's context, not here.
func (p *seedPipeline) Stop() {
	p.WG.Wait()
}
