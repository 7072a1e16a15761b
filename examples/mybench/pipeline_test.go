package mybench_test

import (
	"testing"

	"example.com/mybench"
	"github.com/concbench/concbench/benchsuite"
	"github.com/concbench/concbench/conformance"
	"github.com/concbench/concbench/impl/pipeline"
)

// TestConformancePipeline runs concbench's whole pipeline suite on the
// pond v1 adapter, its AlwaysOrdered promise included.
func TestConformancePipeline(t *testing.T) {
	conformance.Pipeline(t, mybench.PipelineImpl())
}

// BenchmarkPipeline measures the adapter beside every built-in pipeline
// and the floor impl=rawchan.
func BenchmarkPipeline(b *testing.B) {
	benchsuite.Pipeline(b, append(pipeline.Impls[int](), mybench.PipelineImpl())...)
}
