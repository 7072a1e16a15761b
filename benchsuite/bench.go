package benchsuite

import (
	"runtime/debug"
	"testing"

	"github.com/concbench/concbench/internal/cputime"
)

// Bench is one leaf of a suite: a sub-benchmark that runs no
// sub-benchmarks of its own. Name is its name under the suite's benchmark
// function, key=value parts joined by '/' (impl=channels/workers=1/work=none
// under BenchmarkWorkerPool), and F measures it. F may be called any
// number of times, at any GOMAXPROCS, as go test and testing.Benchmark
// call a benchmark function; it builds what it measures itself, so that
// making the list costs nothing (no pool, no calibration).
//
// Each suite has a function that returns its leaves, in the order its
// benchmark function runs them (WorkerPoolBenches for WorkerPool, …): a
// runner that is not go test (runbench bench runs each leaf with
// testing.Benchmark) runs the same leaves under the same names.
type Bench struct {
	Name string
	F    func(*testing.B)
}

// runBenches runs benches as sub-benchmarks of b, or fails b with err
// before it runs any.
func runBenches(b *testing.B, benches []Bench, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
	for _, x := range benches {
		b.Run(x.Name, withCPU(x.F))
	}
}

// withCPU returns f reporting cpu-ns/op beside ns/op: the whole process's
// CPU time (user and system, every thread) over f's run per iteration,
// setup included. Where a design's goroutines spin, or its Submit wakes
// several goroutines, it is more than the wall time per operation;
// where they wait off the CPU, less.
func withCPU(f func(*testing.B)) func(*testing.B) {
	return func(b *testing.B) {
		start := cputime.Process()
		f(b)
		if b.N > 0 && !b.Failed() && !b.Skipped() {
			b.ReportMetric(float64(cputime.Process()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// alone returns f as a leaf that fails alone: a panic of the benchmark's
// goroutine fails the leaf, saying impl, its value and stack, instead of
// ending the benchmark binary and every leaf after it. (A panic on a
// goroutine of the implementation's own still ends it: nothing can catch
// that one.)
func alone(impl string, f func(*testing.B)) func(*testing.B) {
	return func(b *testing.B) {
		defer failOnPanic(b, impl)
		f(b)
	}
}

// failOnPanic, deferred, turns a panic of the goroutine that defers it (a
// leaf's, or one of b.RunParallel's) into a failure of b.
func failOnPanic(b *testing.B, impl string) {
	if v := recover(); v != nil {
		b.Errorf("impl=%s: panic: %v\n%s", impl, v, debug.Stack())
	}
}

// implNames returns each entry's name, got by name.
func implNames[T any](impls []T, name func(T) string) []string {
	names := make([]string, len(impls))
	for i, impl := range impls {
		names[i] = name(impl)
	}
	return names
}
