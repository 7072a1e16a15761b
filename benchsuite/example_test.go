package benchsuite_test

import (
	"testing"

	"github.com/concbench/concbench/benchsuite"
	"github.com/concbench/concbench/impl/workerpool"
)

// A module benchmarks its own pool beside concbench's, with the floor, under
// the names of concbench's reference results. In its _test.go file:
//
//	func BenchmarkWorkerPool(b *testing.B) {
//		mine := workerpool.Impl{Name: "mypool", Doc: "my pool", New: mypool.NewPool}
//		benchsuite.WorkerPool(b, append(workerpool.Impls(), mine)...)
//	}
//
// then `go test -run '^$' -bench WorkerPool -count 6 > mine.txt` and
// `go tool benchstat -col /impl mine.txt` (go tool finds benchstat once the
// module's go.mod declares it: `go get -tool golang.org/x/perf/cmd/benchstat`;
// `runbench compare -col /impl mine.txt` reads the file as it is).
func ExampleWorkerPool() {
	mine := workerpool.Impls()[0] // stands for the module's own entry
	mine.Name = "mypool"
	bench := func(b *testing.B) { benchsuite.WorkerPool(b, append(workerpool.Impls(), mine)...) }
	_ = bench
}
