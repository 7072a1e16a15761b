// Package runbench holds the runbench command line as a library: [Main]
// and [Run], with one file per subcommand (list, run, bench, report,
// compare, version; trial, the child side of trial isolation; and
// bench-child, the child side of bench, with benchsuites.go, the suites
// both sides run). A
// user's module builds its own runbench, with its own implementations and
// functions registered beside the built-in ones, in a main of a few lines:
//
//	func main() {
//		runbench.Main(runbench.Config{
//			WorkerPools: []workerpool.Impl{{Name: "mypool", Doc: "…", New: newMyPool}},
//			Funcs:       []runbench.Func{{Name: "lookup", Call: lookup}},
//		})
//	}
//
// That binary has every subcommand, and its trials and benchmarks run
// their code: each trial process, and bench's benchmark process,
// re-executes the same binary, so `mybench bench` benchmarks mypool beside
// the built-in pools, from any folder, without the Go toolchain.
// cmd/runbench is Main(Config{}).
//
// In the layers it sits above every other package (harness, report,
// trial, scenarios, targets and what they import), which it may import,
// and below cmd, which it must not import.
package runbench
