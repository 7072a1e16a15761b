package targets

import (
	"context"

	"github.com/concbench/concbench/loadgen"
)

// harnessPattern measures the driver itself: noop does nothing, so what
// its trial records is the harness's own cost per operation; echo is the
// floor's target ([Floor]), which needs the netpoller and a timer, so
// that a scenario can ask how a sleeper or a client count treats a target
// that uses the runtime.
func harnessPattern() Pattern {
	return Pattern{
		Name: "harness",
		Doc:  "the driver itself, against a target that does nothing or next to nothing",
		Impls: []ImplInfo{
			{Name: "noop", Doc: "returns at once: the harness's own cost per operation"},
			{Name: "echo", Doc: FloorDoc + " (the harness floor's target)"},
		},
		New: func(name string, _ map[string]string, _ Op) (*Target, error) {
			if name == "echo" {
				return Floor(), nil
			}
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
