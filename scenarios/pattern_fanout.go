package scenarios

import (
	"context"
	"fmt"

	"concbench/impl/fanout"
)

// fanoutPattern: one operation is one Map over items inputs on workers
// goroutines; every input runs the scenario's work (and its faults).
func fanoutPattern() Pattern {
	impls := fanout.Impls[int, int]()
	infos := make([]ImplInfo, len(impls))
	for i, impl := range impls {
		infos[i] = ImplInfo{impl.Name, impl.Doc}
	}
	return Pattern{
		Name:   "fanout",
		Doc:    "Map(ctx, inputs, workers, fn): every result, or the first error with the rest cancelled",
		Impls:  infos,
		Faults: true,
		Params: []Param{
			{Name: "workers", Default: "4", Doc: "goroutines calling fn at once", Check: positiveInt},
			{Name: "items", Default: "64", Doc: "inputs per Map call", Check: positiveInt},
		},
		New: func(name string, params map[string]string, op Op) (*Target, error) {
			for _, impl := range impls {
				if impl.Name != name {
					continue
				}
				workers, items := atoi(params, "workers"), atoi(params, "items")
				inputs := make([]int, items)
				fn := func(ctx context.Context, in int) (int, error) { return in, op(ctx) }
				return &Target{
					Call: func(ctx context.Context) error {
						_, err := impl.Map(ctx, inputs, workers, fn)
						return err
					},
					Close: func() error { return nil },
				}, nil
			}
			return nil, fmt.Errorf("fanout has no implementation %q", name)
		},
	}
}
