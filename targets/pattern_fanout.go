package targets

import (
	"context"
	"sync/atomic"

	"github.com/concbench/concbench/loadgen"
	"github.com/concbench/concbench/record"

	"github.com/concbench/concbench/impl/fanout"
)

// fanoutPattern: one operation is one Map over items inputs on workers
// goroutines; every input runs the scenario's work (and its faults). fn
// returns its input, so every Map that returns no error is checked against
// its inputs: the results it lost or got wrong (a racing demonstration's)
// are counted as wrong-results.
func fanoutPattern(impls []fanout.Impl[int, int]) Pattern {
	infos, find := registry("fanout", impls, func(i fanout.Impl[int, int]) ImplInfo {
		info := ImplInfo{Name: i.Name, Doc: i.Doc, Origin: i.Map, Demo: i.Demo}
		if i.Leaks {
			info.DemoEnds = append(info.DemoEnds, record.StatusLeaked)
		}
		if i.Deadlocks {
			info.DemoEnds = append(info.DemoEnds, record.StatusHung)
		}
		if i.Racy { // a data race is undefined behaviour: a crash demonstrates it too
			info.DemoEnds = append(info.DemoEnds, record.StatusCrashed)
		}
		return info
	})
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
			for i := range inputs {
				inputs[i] = i + 1 // never the zero value: a lost result shows
			}
			fn := func(ctx context.Context, in int) (int, error) { return in, op(ctx) }
			var wrong atomic.Int64
			return &Target{
				Target: loadgen.Target{Call: func(ctx context.Context) error {
					out, err := impl.Map(ctx, inputs, workers, fn)
					if err == nil {
						if n := wrongResults(inputs, out); n > 0 {
							wrong.Add(n)
						}
					}
					return err
				}},
				Close:    func() error { return nil },
				Counters: func() map[string]int64 { return map[string]int64{"wrong-results": wrong.Load()} },
			}, nil
		},
	}
}

// wrongResults counts the results of a successful Map that are not fn of
// their input (fn is the identity): lost ones are the zero value, which no
// input is. A result slice of the wrong length counts every missing or
// extra place too.
func wrongResults(inputs, out []int) int64 {
	n := int64(max(len(inputs), len(out)) - min(len(inputs), len(out)))
	for i := range min(len(inputs), len(out)) {
		if out[i] != inputs[i] {
			n++
		}
	}
	return n
}
