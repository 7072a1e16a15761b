// Package conformance is concbench's conformance suites as a library: the
// checks every built-in implementation passes, for a module's own
// implementation of the same contract. A user's test is ten lines:
//
//	package mypool_test
//
//	import (
//		"testing"
//
//		"github.com/concbench/concbench/conformance"
//		"github.com/concbench/concbench/impl/workerpool"
//		"example.com/mypool"
//	)
//
//	func TestConformance(t *testing.T) {
//		conformance.WorkerPool(t, workerpool.Impl{Name: "mypool", Doc: "my pool", New: mypool.NewPool})
//	}
//
// [WorkerPool], [Pipeline], [FanOut] and [Breaker] each run one named
// subtest per check, so `go test -run 'TestConformance/SubmitAfterClose'`
// runs one. The contract each checks is the package doc of
// github.com/concbench/concbench/impl/workerpool, impl/pipeline, impl/fanout and impl/breaker;
// an implementation that cannot keep a point declares it in its Impl entry
// (workerpool's and breaker's Deviations field; pipeline's Unordered,
// fanout's RunsEveryInput and StopsLate), and the suite then checks the
// declared behaviour instead of the contract's. Pipeline's AlwaysOrdered
// is a promise beyond the contract, which the suite checks too.
//
// Leaks: every subtest fails if a goroutine started during it is still
// running when it ends (after its cleanups), whatever the caller's TestMain
// does. Goroutines that existed before the subtest began, such as a
// library's package-level workers, are ignored. So do not call these
// functions from a test that runs in parallel (t.Parallel) with tests that
// start goroutines: theirs would count as leaks. Importing this package
// imports every family's registry, ants among them, whose package
// initialisation starts two goroutines: a TestMain that calls
// goleak.VerifyTestMain must pass it goleak.IgnoreCurrent().
//
// Fake time: most checks run in a testing/synctest bubble, so their timeouts
// and sleeps cost no wall time. A channel, timer or goroutine that an
// implementation keeps at package level and shares between calls must then
// not be used across the bubble's edge (see [Pipeline] for sync.Pools).
//
// # What it owns
//
// The checks of each family's contract and what they need: one file per
// family (workerpool.go, pipeline.go, fanout.go), the breaker's suite by
// concept (breaker.go: the suite, its config and fixtures;
// breaker_calls.go: the calls a check makes; breaker_states.go: the
// state-machine checks; breaker_concurrent.go: the checks with calls side
// by side; breaker_goroutines.go: goroutine and registry accounting), the
// demonstrations' child process (demo.go), and the questions the checks ask
// of the process's goroutines (goroutines.go). It does not own the
// contracts, which are the impl packages' docs, nor the goroutine dump
// format, which is internal/stacks'.
//
// # Imports
//
// Besides the standard library, testing/synctest and goleak, conformance
// imports the families (impl/*: each contract's types, Impl and registry)
// and leaf packages of internal/ (internal/stacks), which import nothing of
// concbench. It must never import loadgen, scenarios, targets, trial,
// harness, report, runbench or benchsuite: a module that runs the suites
// would get the measuring machinery and its dependencies (HDR histograms,
// the YAML scenario format, plotting) in its test binary, and the suites
// would depend on what they are meant to sit beneath. TestImports keeps to
// this.
package conformance

import (
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// run runs f as the subtest name of t and fails the subtest if a goroutine
// started during it outlives it. The check is registered first, so it runs
// after every cleanup that f registers (such as a breaker's Close).
func run(t *testing.T, name string, f func(t *testing.T)) {
	t.Run(name, func(t *testing.T) {
		ignore := goleak.IgnoreCurrent()
		t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
		f(t)
	})
}

// checkName checks an Impl's Name and Doc, the same for every family.
func checkName(t *testing.T, name, doc string) {
	t.Helper()
	if name == "" || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789") != "" {
		t.Errorf("name %q is not [a-z0-9]+", name)
	}
	if doc == "" || strings.Contains(doc, "\n") {
		t.Errorf("Doc %q is not one line", doc)
	}
}

// checkDemo checks an Impl's Demo against its declared failures: a
// demonstration says in one line what it demonstrates and declares the
// failure the suite then checks; an implementation that is not one
// declares none.
func checkDemo(t *testing.T, demo string, declared bool) {
	t.Helper()
	switch {
	case strings.Contains(demo, "\n"):
		t.Errorf("Demo %q is not one line", demo)
	case demo != "" && !declared:
		t.Errorf("Demo is set (%q) but no failure is declared for the suite to check", demo)
	case demo == "" && declared:
		t.Error("a demonstration's failure is declared but Demo is empty: only a demonstration may fail on purpose")
	}
}
