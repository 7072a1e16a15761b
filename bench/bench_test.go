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

func BenchmarkFanout(b *testing.B) { benchsuite.FanOut(b, fanout.Impls[int, int]()...) }

func BenchmarkPipeline(b *testing.B) { benchsuite.Pipeline(b, pipeline.Impls[int]()...) }

func BenchmarkWorkerPool(b *testing.B) { benchsuite.WorkerPool(b, workerpool.Impls()...) }

// BenchmarkWorkerPoolCapacity compares the pools at equal capacity (tasks
// held at once, running and queued); BenchmarkWorkerPool runs each at its
// own default. It comes last so that the files of earlier runs keep their
// layout.
func BenchmarkWorkerPoolCapacity(b *testing.B) {
	benchsuite.WorkerPoolCapacity(b, workerpool.Impls()...)
}

// BenchmarkClock is the cost of a clock read, beside the breakers that make
// them (after the four families, so that their lines keep their places).
func BenchmarkClock(b *testing.B) { benchsuite.Clock(b) }

// BenchmarkAdapter runs each third-party library bare beside concbench's
// adapter of it, pools first, then breakers and pipelines (-col /way): what
// the contract costs on top of the library (see the two functions' docs).
func BenchmarkAdapter(b *testing.B) {
	benchPoolAdapters(b)
	benchBreakerAndPipelineAdapters(b)
}
