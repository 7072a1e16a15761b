package fanout_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/concbench/concbench/conformance"
	"github.com/concbench/concbench/impl/fanout"
)

// conformance imports every family's registry, so ants is initialised here
// too and starts the two goroutines of its default pool; IgnoreCurrent, taken
// before any test runs, ignores exactly those and nothing a test starts.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m, goleak.IgnoreCurrent()) }

// TestConformance runs the conformance suite on every registry entry and
// checks that no two entries share a name.
func TestConformance(t *testing.T) {
	impls := fanout.Impls[int, int]()
	if len(impls) == 0 {
		t.Fatal("Impls() is empty")
	}
	seen := map[string]bool{}
	for _, impl := range impls {
		if seen[impl.Name] {
			t.Errorf("name %q is used twice", impl.Name)
		}
		seen[impl.Name] = true
		t.Run(impl.Name, func(t *testing.T) { conformance.FanOut(t, impl) })
	}
}
