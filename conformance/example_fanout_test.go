package conformance_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/concbench/concbench/impl/fanout"
)

// mapClaim is a fan-out as a module outside concbench would write it:
// workers claim the next input with an atomic counter and write results[i]
// directly. TestConformance in this package's tests passes it to
// conformance.FanOut, instantiated as the suite asks:
//
//	func TestConformance(t *testing.T) {
//		conformance.FanOut(t, fanout.Impl[int, int]{Name: "claim", Doc: "...", Map: mapClaim[int, int]})
//	}
func mapClaim[In, Out any](ctx context.Context, inputs []In, workers int, fn func(context.Context, In) (Out, error)) ([]Out, error) {
	if workers < 1 {
		panic("mapClaim: workers must be at least 1")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	inner, cancel := context.WithCancel(ctx) // ctx' of the contract
	defer cancel()
	var (
		first     error
		firstOnce sync.Once
		next      atomic.Int64
		wg        sync.WaitGroup
	)
	results := make([]Out, len(inputs))
	for range min(workers, len(inputs)) {
		wg.Go(func() {
			for inner.Err() == nil { // no call starts once ctx' has ended
				i := int(next.Add(1) - 1)
				if i >= len(inputs) {
					return
				}
				out, err := fn(inner, inputs[i])
				if err != nil {
					if inner.Err() == nil { // not a consequence of an earlier stop
						firstOnce.Do(func() { first = err })
						cancel()
					}
					return
				}
				results[i] = out
			}
		})
	}
	wg.Wait()
	switch {
	case first != nil:
		return nil, first
	case ctx.Err() != nil:
		return nil, ctx.Err()
	}
	return results, nil
}

// A module's own fan-out, adapted to the contract, is checked by
// conformance.FanOut in a test, and then used like any built-in one.
func ExampleFanOut() {
	impl := fanout.Impl[int, int]{Name: "claim", Doc: "workers claim inputs by an atomic counter", Map: mapClaim[int, int]}
	got, err := impl.Map(context.Background(), []int{1, 2, 3}, 2, func(_ context.Context, in int) (int, error) {
		return in * in, nil
	})
	fmt.Println(impl.Name, got, err)
	// Output:
	// claim [1 4 9] <nil>
}
