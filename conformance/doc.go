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
// runs one; each function's doc lists its checks. The contract each checks
// is the package doc of github.com/concbench/concbench/impl/workerpool,
// impl/pipeline, impl/fanout and impl/breaker. FanOut takes
// fanout.Impl[int, int], the instantiation benchsuite.FanOut and
// runbench.Config.FanOuts take too, so one adapter serves all three.
//
// # Deviations
//
// An implementation that cannot keep a point of its contract declares it
// in its Impl entry, and the suite then checks the declared behaviour
// instead of the contract's:
//
//   - workerpool.Deviations: Unbounded, UnboundedQueue,
//     IgnoresCtxWhileBlocked, CloseDoesNotWait (a demonstration's); and
//     Impl.Queue, the tasks it holds beyond the running ones.
//   - breaker.Deviations: how it counts (CanceledCountsAsFailure or
//     CanceledCountsAsSuccess, FailuresNotConsecutive, OpensOnErrorRate,
//     PanicNotFailure, NoGenerations, AsyncCounts), how half-open admits
//     (NoProbeLimit, SingleProbe, RacyProbeAdmission,
//     ClosesOnlyWhenAllProbesSucceed, ReopensOnlyWhenAllProbesFail), where
//     fn runs and what it leaves (SerialisesCalls, LeaksGoroutineOnTimeout,
//     StartsTimerGoroutine, OwnerGoroutine, RegistryGoroutines, Bulkhead),
//     StateLagsTimeout, and FixedConfig: the library's own threshold, open
//     timeout or probe limit where it cannot be given them, which the
//     checks then use in place of theirs (a check that needs a value the
//     library cannot take, two probes where it has one, is skipped, saying
//     so).
//   - pipeline.Impl: Unordered (and AlwaysOrdered, a promise beyond the
//     contract, checked too); a demonstration's IgnoresCancel, NeverCloses.
//   - fanout.Impl: RunsEveryInput, StopsLate; a demonstration's Leaks,
//     Deadlocks, Racy.
//
// A failure that a declaration would turn off or change names it: "Submit
// still blocked after its ctx ended; if the pool cannot honour ctx while
// Submit is blocked, declare Deviations.IgnoresCtxWhileBlocked". Declare it
// only if it describes the implementation: the suite then holds it to the
// declared behaviour.
//
// # A check fails alone
//
// Whatever an implementation does, a check that fails fails alone, naming
// itself, and every check after it runs and reports:
//
//   - Each check releases what it holds (opens the gates its fns and tasks
//     wait on, closes its pool or breaker, releases fns waiting on a ctx
//     that was never cancelled) in cleanups registered before it can fail,
//     so that a failing check's synctest bubble still ends.
//   - A bubble that deadlocks all the same (synctest.Test panics with
//     "deadlock: all goroutines in bubble are blocked", or "main bubble
//     goroutine has exited but blocked goroutines remain", which would end
//     the test binary) fails the check with the stacks of the goroutines
//     left in it, which stay blocked and are not counted as later checks'
//     leaks.
//   - A panic on a check's goroutine fails the check, with its value and
//     stack. (A panic on a goroutine of the implementation's own ends the
//     binary: nothing can catch it.)
//   - A nil New, Run or Map field fails the test, naming the entry, and the
//     suite returns; a nil pool or breaker from New (or WithQueue) fails
//     the check that got it.
//   - Each check runs on a goroutine of its own, under a watchdog: past
//     [DefaultCheckTimeout] of real time (a minute; the environment
//     variable [CheckTimeoutEnv] sets another), it fails the check, with
//     its name and every goroutine's stack, and leaves its goroutine
//     behind, spinning or blocked where a bubble cannot tell (on a mutex,
//     on a channel made outside the bubble), while the checks after it go
//     on. A check left behind keeps a CPU busy if it spins; its cleanups
//     do not run.
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
// The checks of each family's contract and what they need: how a check
// runs and fails alone, and the ways out its failures name (check.go); the
// worker pool's suite by concept (workerpool.go: the suite, its
// declaration and capacity checks; workerpool_close.go: the checks of
// Close; workerpool_limit.go: the worker limit over a long fake time);
// pipeline.go and fanout.go; the breaker's suite by concept (breaker.go:
// the suite, its config, declaration and fixtures; breaker_calls.go: the
// calls a check makes and the ways out of its failures; breaker_states.go:
// the state-machine checks; breaker_concurrent.go: the checks with calls
// side by side; breaker_goroutines.go: goroutine and registry accounting,
// and the breaker under check); the demonstrations' child process
// (demo.go), and the questions the checks ask of the process's goroutines
// (goroutines.go). It does not own the contracts, which are the impl
// packages' docs, nor the goroutine dump format, which is internal/stacks'.
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
)

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
