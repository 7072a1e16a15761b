package mybench_test

import (
	"testing"

	"example.com/mybench"
	"github.com/concbench/concbench/benchsuite"
	"github.com/concbench/concbench/conformance"
	"github.com/concbench/concbench/impl/breaker"
)

// TestConformanceBreaker runs concbench's whole breaker suite on the
// gobreaker v1 adapter, holding it to its two declared deviations.
func TestConformanceBreaker(t *testing.T) {
	conformance.Breaker(t, mybench.BreakerImpl())
}

// BenchmarkBreaker measures the adapter beside every built-in breaker
// (gobreaker v2 among them) and the floor impl=none.
func BenchmarkBreaker(b *testing.B) {
	benchsuite.Breaker(b, append(breaker.Impls(), mybench.BreakerImpl())...)
}
