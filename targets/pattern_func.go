package targets

import (
	"context"
	"fmt"

	"github.com/concbench/concbench/internal/benchname"
	"github.com/concbench/concbench/loadgen"
)

// Func is a plain function under load: a user's code measured like every
// built-in implementation, open or closed loop, latency from the intended
// start, goroutines and leaks. A scenario runs it with `pattern: func` and
// `impls: [<Name>]`.
type Func struct {
	// Name is the impl= part of result names: lower-case letters, digits
	// and dashes.
	Name string
	// Doc is one line for `runbench list`.
	Doc string
	// Call is one operation. It is called from every client at once, so it
	// must be safe for concurrent use; an error counts the operation as
	// failed.
	Call func(ctx context.Context) error
	// Setup, if set, runs once in the trial process before the load
	// starts; an error fails the trial. Teardown, if set, runs once after
	// the load, before the leak check: goroutines Setup started must be
	// gone when it returns, or the trial is reported leaked.
	Setup    func() error
	Teardown func() error
}

// funcPattern makes pattern func of a user's functions. The scenario's work
// (work.kind and its faults) runs before each call, so a scenario can add
// synthetic cost around the function; with kind none it costs nothing but
// a context check.
func funcPattern(funcs []Func) (Pattern, error) {
	infos := make([]ImplInfo, len(funcs))
	for i, f := range funcs {
		if !benchname.Word(f.Name) {
			return Pattern{}, fmt.Errorf("scenarios: func %q: a name of lower-case letters, digits and dashes", f.Name)
		}
		if f.Call == nil {
			return Pattern{}, fmt.Errorf("scenarios: func %s has no Call", f.Name)
		}
		infos[i] = ImplInfo{Name: f.Name, Doc: f.Doc, Origin: f.Call}
	}
	return Pattern{
		Name:   "func",
		Doc:    "a user's function under load: Call(ctx) error, called from every client",
		Impls:  infos,
		Faults: true,
		New: func(name string, _ map[string]string, op Op) (*Target, error) {
			i := -1
			for j := range funcs {
				if funcs[j].Name == name {
					i = j
				}
			}
			if i < 0 {
				return nil, fmt.Errorf("func has no implementation %q", name)
			}
			f := funcs[i]
			if f.Setup != nil {
				if err := f.Setup(); err != nil {
					return nil, fmt.Errorf("func %s: Setup: %w", name, err)
				}
			}
			closeFn := func() error { return nil }
			if f.Teardown != nil {
				closeFn = f.Teardown
			}
			return &Target{
				Target: loadgen.Target{Call: func(ctx context.Context) error {
					if err := op(ctx); err != nil {
						return err
					}
					return f.Call(ctx)
				}},
				Close: closeFn,
			}, nil
		},
	}, nil
}
