package scenarios

import (
	"context"

	"github.com/concbench/concbench/impl/workerpool"
)

func workerpoolPattern(impls []workerpool.Impl) Pattern {
	infos, find := registry("workerpool", impls, func(i workerpool.Impl) ImplInfo { return ImplInfo{i.Name, i.Doc} })
	return Pattern{
		Name:  "workerpool",
		Doc:   "Submit(ctx, task) with back-pressure; Close drains and waits",
		Impls: infos,
		Params: []Param{
			newParam("workers", "4", "goroutines that run tasks", intRange(1, maxWorkers)),
		},
		New: func(name string, params map[string]string, op Op) (*Target, error) {
			impl, err := find(name)
			if err != nil {
				return nil, err
			}
			p := impl.New(atoi(params, "workers"))
			return &Target{
				Submit: func(ctx context.Context, task func()) error { return p.Submit(ctx, task) },
				Close:  p.Close,
			}, nil
		},
	}
}
