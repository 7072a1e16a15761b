package benchsuite_test

import (
	"testing"

	"github.com/concbench/concbench/benchsuite"
	"github.com/concbench/concbench/conformance"
	"github.com/concbench/concbench/impl/fanout"
)

// TestOneFanOutType: one fan-out adapter serves the conformance suite,
// the benchmarks and runbench.Config.FanOuts (whose leaves runbench bench
// gets from FanOutBenches), which took fanout.Impl[int, string],
// [int, uint64] and [int, int] before.
func TestOneFanOutType(t *testing.T) {
	mine := fanout.Impl[int, int]{Name: "mine", Doc: "an adapter", Map: fanout.Impls[int, int]()[0].Map}
	var suite func(*testing.T, fanout.Impl[int, int]) = conformance.FanOut
	_ = suite
	benches, err := benchsuite.FanOutBenches(mine)
	if err != nil || len(benches) == 0 {
		t.Fatalf("FanOutBenches(mine) = %d leaves, %v", len(benches), err)
	}
}
