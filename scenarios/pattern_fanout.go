package scenarios

import (
	"context"

	"github.com/concbench/concbench/impl/fanout"
)

// fanoutPattern: one operation is one Map over items inputs on workers
// goroutines; every input runs the scenario's work (and its faults).
func fanoutPattern(impls []fanout.Impl[int, int]) Pattern {
	infos, find := registry("fanout", impls, func(i fanout.Impl[int, int]) ImplInfo { return ImplInfo{Name: i.Name, Doc: i.Doc, Demo: i.Demo} })
	return Pattern{
		Name:   "fanout",
		Doc:    "Map(ctx, inputs, workers, fn): every result, or the first error with the rest cancelled",
		Impls:  infos,
		Faults: true,
		Params: []Param{
			newParam("workers", "4", "goroutines calling fn at once", intRange(1, maxWorkers)),
			newParam("items", "64", "inputs per Map call", intRange(1, maxItems)),
		},
		New: func(name string, params map[string]string, op Op) (*Target, error) {
			impl, err := find(name)
			if err != nil {
				return nil, err
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
		},
	}
}
