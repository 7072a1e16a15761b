package mybench_test

import (
	"testing"

	"go.uber.org/goleak"

	"example.com/mybench"
	"github.com/concbench/concbench/benchsuite"
	"github.com/concbench/concbench/conformance"
	"github.com/concbench/concbench/impl/workerpool"
)

// Importing conformance imports ants, whose package init starts two
// goroutines: IgnoreCurrent ignores exactly those.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m, goleak.IgnoreCurrent()) }

// TestConformance runs concbench's whole worker-pool suite on the pool.
func TestConformance(t *testing.T) {
	conformance.WorkerPool(t, mybench.Impl())
}

// BenchmarkWorkerPool measures the pool beside every built-in one and the
// raw-channel floor, under the names the reference results use, so that
// `benchstat -col /impl` puts them in one table.
func BenchmarkWorkerPool(b *testing.B) {
	benchsuite.WorkerPool(b, append(workerpool.Impls(), mybench.Impl())...)
}
