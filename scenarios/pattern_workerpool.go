package scenarios

import (
	"context"
	"fmt"

	"concbench/impl/workerpool"
)

func workerpoolPattern() Pattern {
	impls := workerpool.Impls()
	infos := make([]ImplInfo, len(impls))
	for i, impl := range impls {
		infos[i] = ImplInfo{impl.Name, impl.Doc}
	}
	return Pattern{
		Name:  "workerpool",
		Doc:   "Submit(ctx, task) with back-pressure; Close drains and waits",
		Impls: infos,
		Params: []Param{
			{Name: "workers", Default: "4", Doc: "goroutines that run tasks", Check: positiveInt},
		},
		New: func(name string, params map[string]string, op Op) (*Target, error) {
			for _, impl := range impls {
				if impl.Name != name {
					continue
				}
				p := impl.New(atoi(params, "workers"))
				return &Target{
					Submit: func(ctx context.Context, task func()) error { return p.Submit(ctx, task) },
					Close:  p.Close,
				}, nil
			}
			return nil, fmt.Errorf("workerpool has no implementation %q", name)
		},
	}
}
