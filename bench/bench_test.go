package bench

import (
	"testing"

	"github.com/concbench/concbench/benchsuite"
	"github.com/concbench/concbench/impl/breaker"
	"github.com/concbench/concbench/impl/fanout"
	"github.com/concbench/concbench/impl/pipeline"
	"github.com/concbench/concbench/impl/workerpool"
)

// The order is the one the four files these replaced ran in (breaker,
// fanout, pipeline, workerpool), so result files keep their layout.

func BenchmarkBreaker(b *testing.B) { benchsuite.Breaker(b, breaker.Impls()...) }

func BenchmarkFanout(b *testing.B) { benchsuite.FanOut(b, fanout.Impls[int, uint64]()...) }

func BenchmarkPipeline(b *testing.B) { benchsuite.Pipeline(b, pipeline.Impls[int]()...) }

func BenchmarkWorkerPool(b *testing.B) { benchsuite.WorkerPool(b, workerpool.Impls()...) }

// BenchmarkClock is the cost of a clock read, beside the breakers that make
// them (after the four families, so that their lines keep their places).
func BenchmarkClock(b *testing.B) { benchsuite.Clock(b) }
