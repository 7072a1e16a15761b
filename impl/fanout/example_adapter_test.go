package fanout_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/concbench/concbench/conformance"
	"github.com/concbench/concbench/impl/fanout"
)

// libGroup stands for a library's bounded group, as an adapter finds it:
// it runs every function it is given, at most n at once, and neither
// keeps an error nor cancels anything.
type libGroup struct {
	sem chan struct{}
	wg  sync.WaitGroup
}

func (g *libGroup) Go(f func()) {
	g.sem <- struct{}{}
	g.wg.Go(func() {
		defer func() { <-g.sem }()
		f()
	})
}

func (g *libGroup) Wait() { g.wg.Wait() }

// mapLib is a fanout.MapFunc over libGroup: CheckArgs checks the
// arguments, FirstError keeps the first error and cancels the calls'
// context, and no call starts once it is cancelled.
func mapLib[In, Out any](ctx context.Context, inputs []In, workers int, fn func(context.Context, In) (Out, error)) ([]Out, error) {
	if err := fanout.CheckArgs(ctx, workers); err != nil {
		return nil, err
	}
	f := fanout.NewFirstError(ctx)
	defer f.Cancel()
	g := &libGroup{sem: make(chan struct{}, workers)}
	results := make([]Out, len(inputs))
	for i, in := range inputs {
		if f.Ctx().Err() != nil {
			break
		}
		g.Go(func() {
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
	g.Wait()
	if err := f.Result(); err != nil {
		return nil, err
	}
	return results, nil
}

// An adapter of a library's group uses the helpers the built-in variants
// use. (Register it as a fanout.Impl and pass it to conformance.FanOut to
// check it.)
func Example_adapter() {
	var m fanout.MapFunc[int, int] = mapLib[int, int]
	double := func(_ context.Context, v int) (int, error) { return 2 * v, nil }
	fmt.Println(m(context.Background(), []int{1, 2, 3}, 2, double))
	bad := errors.New("bad input")
	fail := func(_ context.Context, v int) (int, error) {
		if v == 2 {
			return 0, bad
		}
		return v, nil
	}
	fmt.Println(m(context.Background(), []int{1, 2, 3}, 1, fail))
	// Output:
	// [2 4 6] <nil>
	// [] bad input
}

// TestExampleAdapter: the example's adapter meets the contract.
func TestExampleAdapter(t *testing.T) {
	conformance.FanOut(t, fanout.Impl[int, int]{Name: "lib", Doc: "the package example's adapter", Map: mapLib[int, int]})
}
