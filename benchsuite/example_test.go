package benchsuite_test

import (
	"fmt"
	"maps"
	"slices"
	"sync"
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
//
// Here the module's pool alone runs once per sub-benchmark (as under
// -benchtime 1x), and the example prints the worker counts WorkerPool built
// it with: 1, 2 and 16, for each kind of work.
func ExampleWorkerPool() {
	mine := workerpool.Impls()[0] // stands for the module's own entry
	mine.Name = "mypool"
	var mu sync.Mutex
	built := map[int]int{} // pools built, by worker count
	newPool := mine.New
	mine.New = func(workers int) workerpool.Pool {
		mu.Lock()
		built[workers]++
		mu.Unlock()
		return newPool(workers)
	}

	defer oncePerBenchmark()()
	testing.Benchmark(func(b *testing.B) { benchsuite.WorkerPool(b, mine) })
	for _, workers := range slices.Sorted(maps.Keys(built)) {
		fmt.Printf("mypool, workers=%d: %d pools\n", workers, built[workers])
	}
	// Output:
	// mypool, workers=1: 3 pools
	// mypool, workers=2: 3 pools
	// mypool, workers=16: 3 pools
}
