// Package benchsuite is concbench's go test benchmarks as a library: the
// sub-benchmarks that github.com/concbench/concbench/bench runs over the built-in
// implementations, for a module's own. A user's benchmark is one line:
//
//	func BenchmarkWorkerPool(b *testing.B) {
//		benchsuite.WorkerPool(b, workerpool.Impl{Name: "mypool", Doc: "my pool", New: mypool.NewPool})
//	}
//
// Each function runs the same key=value sub-benchmarks, with the same names,
// as concbench's reference results (results/reference/bench/results.txt),
// and always runs the family's floor beside the implementations given
// (impl=rawchan for pools and pipelines, impl=serial for fan-out, impl=none
// for breakers), so a run on another machine carries its own floor. Name the
// benchmark function as concbench does (BenchmarkWorkerPool,
// BenchmarkWorkerPoolCapacity, BenchmarkPipeline, BenchmarkFanout,
// BenchmarkBreaker) and the lines line
// up with the reference ones under benchstat, which splits tables by the
// pkg: line, so compare across modules with
//
//	go tool benchstat -ignore pkg reference.txt mine.txt
//
// Each function also gives its leaves as a list ([WorkerPoolBenches],
// [WorkerPoolCapacityBenches], [PipelineBenches], [FanOutBenches],
// [BreakerBenches], [ClockBenches]): [Bench] values, each a name and a
// function, that the benchmark function runs with b.Run in that order. A
// runner that is not go test runs the same leaves under the same names:
// `runbench bench` (and a module's own runbench, built with runbench.Main)
// runs each with testing.Benchmark, in a process of its own.
//
// Pass concbench's own registry too (workerpool.Impls()...) to rank a new
// implementation against the built-in ones in one run, as bench/ does.
//
// An Impl's Name must be usable in a benchmark name (no '/', '=' or white
// space; concbench's own, and conformance's Name check, use [a-z0-9]+),
// unique, and not the floor's; the benchmark fails otherwise (and the
// ...Benches function returns an error). Past that, each leaf fails
// alone: an implementation whose New (Map, Run) is nil or returns nil, or
// whose call panics on the benchmark's goroutine, fails its own leaves,
// saying so, and every other leaf still runs and reports (a panic on a
// goroutine of the implementation's own ends the process, which nothing
// can catch). Run the conformance suite
// (github.com/concbench/concbench/conformance) first: a benchmark measures, it does not check
// behaviour.
package benchsuite

import (
	"fmt"
	"slices"

	"github.com/concbench/concbench/internal/benchname"
)

// checkNames returns an error unless every name can be the impl= value of
// a benchmark name, is used once and is not floor.
func checkNames(floor string, names []string) error {
	for i, name := range names {
		switch {
		case !benchname.Valid(name):
			return fmt.Errorf("benchsuite: implementation name %q cannot be part of a benchmark name (want [a-z0-9]+)", name)
		case name == floor:
			return fmt.Errorf("benchsuite: implementation name %q is the floor's", name)
		case slices.Contains(names[:i], name):
			return fmt.Errorf("benchsuite: implementation name %q is used twice", name)
		}
	}
	return nil
}
