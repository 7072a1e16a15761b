package mybench_test

import (
	"testing"

	"example.com/mybench"
	"github.com/concbench/concbench/benchsuite"
	"github.com/concbench/concbench/conformance"
	"github.com/concbench/concbench/impl/workerpool"
)

// TestConformance runs concbench's whole worker-pool suite on the tokens
// pool (go test -run TestConformance runs every family's).
func TestConformance(t *testing.T) {
	conformance.WorkerPool(t, mybench.Impl())
}

// BenchmarkWorkerPool measures the pool beside every built-in one and the
// raw-channel floor, under the names the reference results use, so that
// `mybench compare -col /impl` puts them in one table.
func BenchmarkWorkerPool(b *testing.B) {
	benchsuite.WorkerPool(b, append(workerpool.Impls(), mybench.Impl())...)
}
