package mybench_test

import (
	"testing"

	"example.com/mybench"
	"github.com/concbench/concbench/benchsuite"
	"github.com/concbench/concbench/conformance"
	"github.com/concbench/concbench/impl/fanout"
)

// TestConformanceFanOut runs concbench's whole fan-out suite on the pond
// v1 adapter.
func TestConformanceFanOut(t *testing.T) {
	conformance.FanOut(t, mybench.FanOutImpl())
}

// BenchmarkFanout measures the adapter beside every built-in fan-out and
// the floor impl=serial (bench/'s name for it: BenchmarkFanout).
func BenchmarkFanout(b *testing.B) {
	benchsuite.FanOut(b, append(fanout.Impls[int, int](), mybench.FanOutImpl())...)
}
