package targets

import (
	"context"
	"fmt"
	"time"

	"github.com/concbench/concbench/loadgen"
	"github.com/concbench/concbench/record"

	"github.com/concbench/concbench/impl/pipeline"
)

// pipelinePattern: one operation is one Run of items items through stages
// stages of workers goroutines each. Only the middle stage does the
// scenario's work (and its faults): an unbalanced pipeline whose other
// stages are pure handoff, so what differs between implementations is how
// they move items around the slow stage. With a deadline shorter than a
// Run, every Run is cancelled mid-stream and its latency past the deadline
// is how long the implementation takes to stop.
func pipelinePattern(impls []pipeline.Impl[int]) Pattern {
	infos, find := registry("pipeline", impls, func(i pipeline.Impl[int]) ImplInfo {
		info := ImplInfo{Name: i.Name, Doc: i.Doc, Origin: i.Run, Demo: i.Demo}
		if i.NeverCloses { // without a deadline its collector waits for ever
			info.DemoEnds = append(info.DemoEnds, record.StatusHung)
		}
		return info
	})
	return Pattern{
		Name:   "pipeline",
		Doc:    "Run(ctx, src, stages, opts): K stages with their own parallelism; first error cancels all",
		Impls:  infos,
		Faults: true,
		Unsupported: func(name, param, value string) string {
			if impl, err := find(name); err == nil && param == "ordered" && value == "true" && impl.Unordered {
				return "it cannot preserve order"
			}
			return ""
		},
		Params: []Param{
			newParam("stages", "3", "stages; the middle one does the work", intRange(1, maxStages)),
			newParam("workers", "2", "goroutines per stage", intRange(1, maxStageWorkers)),
			newParam("items", "64", "items per Run", intRange(1, maxItems)),
			newParam("ordered", "false", "ask for input order (implementations that cannot are refused)", boolValue()),
			newParam("deadline", "none", "a context deadline on every Run, to cancel it mid-stream (none: no deadline)", orNone(durationRange(time.Nanosecond, maxParamDuration))),
		},
		New: func(name string, params map[string]string, op Op) (*Target, error) {
			impl, err := find(name)
			if err != nil {
				return nil, err
			}
			return newPipelineTarget(name, impl, params, op)
		},
	}
}

// newPipelineTarget builds the target of one pipeline trial: each call
// Runs the items through the stages, under the deadline if params set one.
func newPipelineTarget(name string, impl pipeline.Impl[int], params map[string]string, op Op) (*Target, error) {
	opts := pipeline.Options{Ordered: params["ordered"] == "true"}
	if opts.Ordered && impl.Unordered {
		return nil, fmt.Errorf("pipeline %s cannot preserve order; drop it from a scenario with ordered: [true]", name)
	}
	n, workers := atoi(params, "stages"), atoi(params, "workers")
	stages := make([]pipeline.Stage[int], n)
	pass := func(_ context.Context, v int) (int, error) { return v + 1, nil }
	for i := range stages {
		stages[i] = pipeline.Stage[int]{Name: fmt.Sprint("stage", i), Workers: workers, Fn: pass}
	}
	stages[n/2].Fn = func(ctx context.Context, v int) (int, error) { return v + 1, op(ctx) }
	src := make([]int, atoi(params, "items"))
	for i := range src {
		src[i] = i
	}
	call := func(ctx context.Context) error {
		_, err := impl.Run(ctx, src, stages, opts)
		return err
	}
	if d := params["deadline"]; d != "none" {
		deadline := duration(params, "deadline")
		run := call
		call = func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(ctx, deadline)
			defer cancel()
			return run(ctx)
		}
	}
	return &Target{
		Target: loadgen.Target{Call: call},
		Close:  func() error { return nil },
	}, nil
}
