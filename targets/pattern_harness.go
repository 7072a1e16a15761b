package targets

import (
	"context"

	"github.com/concbench/concbench/loadgen"
)

// harnessPattern measures the driver itself: its one implementation does
// nothing, so what a trial records is the harness's own cost per operation.
func harnessPattern() Pattern {
	return Pattern{
		Name:  "harness",
		Doc:   "the driver itself, against a target that does nothing",
		Impls: []ImplInfo{{Name: "noop", Doc: "returns at once: the harness's own cost per operation"}},
		New: func(string, map[string]string, Op) (*Target, error) {
			return Noop(), nil
		},
	}
}

// Noop returns a target that does nothing: the harness pattern's.
func Noop() *Target {
	return &Target{
		Target: loadgen.Target{Call: func(context.Context) error { return nil }},
		Close:  func() error { return nil },
	}
}
