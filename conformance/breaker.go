package conformance

import (
	"context"
	"errors"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concbench/concbench/impl/breaker"
	"github.com/concbench/concbench/internal/stacks"
)

// Breaker runs the circuit-breaker conformance suite on impl, one subtest
// per check. Its breakers open after 3 failures, stay open 1s and admit 1
// probe (2 or 3 where a check says so); CallTimeout, which only the
// variants that run fn on a goroutine of their own read, is an hour. Every check but Name, Close and
// InvalidConfigPanics runs on a testing/synctest fake clock.
//
//   - Name: impl.Name is [a-z0-9]+ (it becomes the impl= part of benchmark
//     names) and impl.Doc is one non-empty line.
//   - StateMachine: State is Closed when new; 3 consecutive failures open
//     it; while open, Execute returns an error matching
//     [breaker.ErrRejected] without calling fn, until 1s has passed; State
//     then reports HalfOpen without a call; a probe success closes, a probe
//     failure reopens. Execute returns fn's error unchanged (==).
//   - FailuresMustBeConsecutive: a success resets the count of failures.
//   - DeadlineExceededIsFailure: 3 calls whose fn returns ctx's
//     context.DeadlineExceeded open the breaker.
//   - CanceledCountsAsNeither: a call whose caller cancels ctx while fn
//     runs, and whose fn returns context.Canceled, neither adds to nor resets
//     the count of failures; as a half-open probe it gives its slot back.
//   - HalfOpenWithTwoProbes: with 2 probes, one success closes and one
//     failure reopens.
//   - ProbeLimit: of 32 concurrent callers at a half-open breaker with 3
//     probes, 3 run fn at once and 29 are rejected; then it closes.
//   - Generations: the failure of a call that started while closed and ended
//     after the breaker had opened and closed again does not count.
//   - FnRunsOnCallersGoroutine: fn runs on Execute's caller's goroutine, and
//     Execute returns only after fn has.
//   - NoGoroutineLeftBehind: no goroutine of the breaker's runs after New or
//     after any kind of call; none at all after Close.
//   - Close: Close returns nil, twice; Execute then works as before.
//   - InvalidConfigPanics: New panics when FailuresToOpen, OpenTimeout or
//     HalfOpenProbes is zero.
//   - PanicInFnReachesCaller: a panic in fn reaches Execute's caller, who
//     can recover it (so on the caller's goroutine) with the value fn
//     panicked with, and the breaker still admits calls.
//   - PanicIsFailure: 3 calls whose fn panics each panic in the caller with
//     fn's value, and then the breaker is open; after the timeout a
//     panicking probe reopens it.
//   - Bulkhead: only for an impl that declares one (below).
//
// Declared [breaker.Deviations] change the checks, each as its doc comment
// says: SerialisesCalls (ProbeLimit wants 1 fn at a time and no rejection;
// Generations wants a second call to wait for the first),
// LeaksGoroutineOnTimeout (FnRunsOnCallersGoroutine wants Execute to return
// a non-nil error on a 1s CallTimeout while fn runs on, on another
// goroutine), CanceledCountsAsFailure and CanceledCountsAsSuccess
// (CanceledCountsAsNeither), NoProbeLimit (ProbeLimit wants all 32 to run
// fn), NoGenerations (Generations wants the late failure counted),
// FailuresNotConsecutive, ClosesOnlyWhenAllProbesSucceed and
// ReopensOnlyWhenAllProbesFail (the checks of the counts they name),
// StartsTimerGoroutine (one goroutine allowed while open; each check's
// cleanup waits OpenTimeout of fake time for it), OwnerGoroutine (one
// goroutine allowed from New to Close; after Close, Execute must reject and
// State report Closed), StateLagsTimeout (State reports Open until a call
// after the timeout), PanicNotFailure (PanicIsFailure wants the breaker still
// closed after the panics), RacyProbeAdmission (ProbeLimit starts its callers
// one at a time, each in fn or rejected before the next comes),
// SingleProbe (ProbeLimit wants 1 fn running and the rest rejected; a
// canceled probe leaves the next one waiting a timeout).
//
// OpensOnErrorRate replaces the counting checks' expectations by the
// declared rate: open once at least 3 calls have finished since the breaker
// last closed, at least half of them failures, the probe that closed it
// being the first call (StateMachine skips its opening success; the
// cancellation, the reset by a success and the late failure of Generations
// are checked against the rate). AsyncCounts: after each call and before
// each State the suite waits until the bubble's goroutines are durably
// blocked and the library's goroutines outside it wait for work (in a
// channel receive or select), without moving the fake clock. Bulkhead: the
// Bulkhead check fills it with calls blocked in fn and wants the next call
// rejected while closed, and calls to pass once those have returned.
// RegistryGoroutines: the breaker is made outside the bubble (its
// goroutines would keep the bubble from ending, and run on the real clock;
// the fake clock still drives every call), and instead of the goleak check
// each subtest wants exactly RegistryGoroutines goroutines per New left
// behind, idle: any other goroutine left is a leak. A test binary that runs
// such a breaker must let its TestMain ignore those goroutines.
//
// Every subtest also fails if a goroutine it started outlives it; see the
// package doc.
func Breaker(t *testing.T, impl breaker.Impl) {
	if impl.New == nil {
		t.Fatalf("breaker.Impl %q: New is nil", impl.Name)
	}
	checks := []struct {
		name  string
		check func(*testing.T, breaker.Impl)
	}{
		{"Name", func(t *testing.T, impl breaker.Impl) { checkName(t, impl.Name, impl.Doc) }},
		{"StateMachine", breakerStateMachine},
		{"FailuresMustBeConsecutive", breakerFailuresMustBeConsecutive},
		{"DeadlineExceededIsFailure", breakerDeadlineExceededIsFailure},
		{"CanceledCountsAsNeither", breakerCanceledCountsAsNeither},
		{"HalfOpenWithTwoProbes", breakerHalfOpenWithTwoProbes},
		{"ProbeLimit", breakerProbeLimit},
		{"Generations", breakerGenerations},
		{"FnRunsOnCallersGoroutine", breakerFnRunsOnCallersGoroutine},
		{"NoGoroutineLeftBehind", breakerNoGoroutineLeftBehind},
		{"Close", breakerClose},
		{"InvalidConfigPanics", breakerInvalidConfigPanics},
		{"PanicInFnReachesCaller", breakerPanicInFnReachesCaller},
		{"PanicIsFailure", breakerPanicIsFailure},
		{"Bulkhead", breakerBulkhead},
	}
	for _, c := range checks {
		if impl.Deviations.RegistryGoroutines == 0 {
			run(t, c.name, func(t *testing.T) { c.check(t, impl) })
			continue
		}
		runWithRegistry(t, c.name, impl, c.check)
	}
}

const (
	failuresToOpen = 3
	openTimeout    = time.Second
)

var errBoom = errors.New("boom")

// breakerConfig is the suite's default: CallTimeout (seed only) is long
// enough never to fire unless a check means it to.
func breakerConfig(probes int) breaker.Config {
	return breaker.Config{FailuresToOpen: failuresToOpen, OpenTimeout: openTimeout, HalfOpenProbes: probes, CallTimeout: time.Hour}
}

// newBreaker returns impl's breaker, closed when the test ends. Call it in a
// synctest bubble: for a declared StartsTimerGoroutine the cleanup waits out
// a timer goroutine the breaker may have left, in fake time.
func newBreaker(t *testing.T, impl breaker.Impl, cfg breaker.Config) breaker.Breaker {
	t.Helper()
	b := impl.New(cfg)
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if impl.Deviations.StartsTimerGoroutine {
			time.Sleep(cfg.OpenTimeout)
		}
	})
	return b
}

// breakerBubble runs f in a synctest bubble with a new breaker of impl made
// with cfg, closed when the check ends. A breaker that declares
// RegistryGoroutines is made before the bubble, so that the goroutines its
// library keeps for the life of the process are not the bubble's (a bubble
// ends only when all of its goroutines have); the others are made in it, so
// that whatever they start runs on the fake clock.
func breakerBubble(t *testing.T, impl breaker.Impl, cfg breaker.Config, f func(t *testing.T, b breaker.Breaker)) {
	t.Helper()
	if impl.Deviations.RegistryGoroutines == 0 {
		synctest.Test(t, func(t *testing.T) { f(t, watch(t, impl, newBreaker(t, impl, cfg), nil)) })
		return
	}
	b, registry := newRegistryBreaker(t, impl, cfg)
	synctest.Test(t, func(t *testing.T) { f(t, watch(t, impl, b, registry)) })
}

// newRegistryBreaker makes, outside any bubble, a breaker of an impl that
// declares RegistryGoroutines, closed when the test ends, and returns it with
// the ids of the goroutines New started: exactly the declared number.
func newRegistryBreaker(t *testing.T, impl breaker.Impl, cfg breaker.Config) (breaker.Breaker, map[uint64]bool) {
	t.Helper()
	before := ids(others())
	b := impl.New(cfg)
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	registry := map[uint64]bool{}
	for _, g := range others() {
		if !before[g.ID] {
			registry[g.ID] = true
		}
	}
	if len(registry) != impl.Deviations.RegistryGoroutines {
		t.Fatalf("declared RegistryGoroutines %d, but New started %d goroutines", impl.Deviations.RegistryGoroutines, len(registry))
	}
	return b, registry
}

// watch returns b as the checks use it: for an impl that declares
// AsyncCounts, wrapped so that the helpers (mustPass, mustReject, wantState,
// ...) can wait for the library's goroutines to catch up. Call it in the
// bubble; registry holds the ids of the goroutines New started outside it.
func watch(t *testing.T, impl breaker.Impl, b breaker.Breaker, registry map[uint64]bool) breaker.Breaker {
	if !impl.Deviations.AsyncCounts {
		return b
	}
	known := map[uint64]bool{}
	for _, g := range others() {
		if !g.Bubbled {
			known[g.ID] = true
		}
	}
	return &asyncBreaker{Breaker: b, t: t, registry: registry, known: known}
}

// asyncBreaker is a breaker whose results reach its counts on goroutines of
// its library's (declared AsyncCounts). settle waits until they have.
type asyncBreaker struct {
	breaker.Breaker
	t        *testing.T
	registry map[uint64]bool // the goroutines New started, outside the bubble
	known    map[uint64]bool // every goroutine outside the bubble when it began
}

// settle waits until every goroutine of the bubble but the caller's is
// durably blocked (synctest.Wait), every registry goroutine waits for work
// in a channel receive or select, and no other goroutine outside the bubble
// has started since it began (a registry goroutine's helper). The fake clock
// does not move meanwhile. Only the bubble's test goroutine may call it.
func (a *asyncBreaker) settle() {
	a.t.Helper()
	for range 1_000_000 {
		synctest.Wait()
		if a.idle() {
			return
		}
		runtime.Gosched()
	}
	a.t.Fatalf("declared AsyncCounts: the library's goroutines did not go idle:\n%s", raw(stacks.All()))
}

func (a *asyncBreaker) idle() bool {
	for _, g := range others() {
		switch {
		case g.Bubbled:
		case a.registry[g.ID]:
			if !g.Idle() {
				return false
			}
		case !a.known[g.ID]:
			return false
		}
	}
	return true
}

// settle waits for b's library to catch up, if it declares AsyncCounts.
func settle(b breaker.Breaker) {
	if a, ok := b.(*asyncBreaker); ok {
		a.settle()
	}
}

// breakerCall runs one Execute whose fn returns result, and reports whether
// fn ran.
func breakerCall(b breaker.Breaker, result error) (err error, ran bool) {
	err = b.Execute(context.Background(), func(context.Context) error {
		ran = true
		return result
	})
	settle(b)
	return err, ran
}

func wantState(t *testing.T, b breaker.Breaker, want breaker.State, when string) {
	t.Helper()
	settle(b)
	if got := b.State(); got != want {
		t.Fatalf("%s: State() = %v, want %v", when, got, want)
	}
}

// mustPass runs a call that the breaker must admit, and checks that fn's
// error comes back unchanged.
func mustPass(t *testing.T, b breaker.Breaker, result error, when string) {
	t.Helper()
	err, ran := breakerCall(b, result)
	if !ran {
		t.Fatalf("%s: fn did not run (Execute = %v)", when, err)
	}
	if err != result {
		t.Fatalf("%s: Execute = %v, want fn's error %v", when, err, result)
	}
}

// mustReject runs a call that the breaker must reject without calling fn.
func mustReject(t *testing.T, b breaker.Breaker, when string) {
	t.Helper()
	err, ran := breakerCall(b, nil)
	if ran {
		t.Fatalf("%s: fn ran, want the call rejected", when)
	}
	if !errors.Is(err, breaker.ErrRejected) {
		t.Fatalf("%s: Execute = %v, want an error matching ErrRejected", when, err)
	}
}

// openBreaker makes a closed breaker open with failures: failuresToOpen of
// them, or fewer for a declared OpensOnErrorRate whose count already holds
// a success (the probe that closed it).
func openBreaker(t *testing.T, b breaker.Breaker) {
	t.Helper()
	for i := 0; ; i++ {
		settle(b)
		if b.State() == breaker.Open {
			return
		}
		if i == failuresToOpen {
			t.Fatalf("opening: still %v after %d failures", b.State(), i)
		}
		mustPass(t, b, errBoom, "opening")
	}
}

// halfOpen opens a closed breaker and waits out the timeout.
func halfOpen(t *testing.T, b breaker.Breaker) {
	t.Helper()
	openBreaker(t, b)
	time.Sleep(openTimeout + time.Millisecond)
}

// rateState is the state a breaker that declares OpensOnErrorRate is in
// after calls results since it last closed, fails of them failures.
func rateState(calls, fails int) breaker.State {
	if calls >= failuresToOpen && 2*fails >= calls {
		return breaker.Open
	}
	return breaker.Closed
}

// stateAfterTimeout is what State reports once the open timeout has passed.
func stateAfterTimeout(impl breaker.Impl) breaker.State {
	if impl.Deviations.StateLagsTimeout {
		return breaker.Open
	}
	return breaker.HalfOpen
}

func breakerStateMachine(t *testing.T, impl breaker.Impl) {
	breakerBubble(t, impl, breakerConfig(1), func(t *testing.T, b breaker.Breaker) {
		wantState(t, b, breaker.Closed, "new")
		if !impl.Deviations.OpensOnErrorRate { // which 2 failures of 3 calls would open
			mustPass(t, b, nil, "closed, success")
		}
		for i := range failuresToOpen - 1 {
			mustPass(t, b, errBoom, "closed, failure")
			wantState(t, b, breaker.Closed, "after "+strconv.Itoa(i+1)+" failures")
		}
		mustPass(t, b, errBoom, "closed, last failure")
		wantState(t, b, breaker.Open, "after "+strconv.Itoa(failuresToOpen)+" failures")
		mustReject(t, b, "just opened")

		time.Sleep(openTimeout - time.Millisecond)
		wantState(t, b, breaker.Open, "just before the timeout")
		mustReject(t, b, "just before the timeout")

		time.Sleep(2 * time.Millisecond)
		wantState(t, b, stateAfterTimeout(impl), "after the timeout")
		mustPass(t, b, nil, "half-open, probe success")
		wantState(t, b, breaker.Closed, "after a probe success")

		halfOpen(t, b)
		mustPass(t, b, errBoom, "half-open, probe failure")
		wantState(t, b, breaker.Open, "after a probe failure")
		mustReject(t, b, "reopened")

		time.Sleep(openTimeout + time.Millisecond)
		mustPass(t, b, nil, "half-open again, probe success")
		wantState(t, b, breaker.Closed, "after the second probe success")
	})
}

func breakerFailuresMustBeConsecutive(t *testing.T, impl breaker.Impl) {
	breakerBubble(t, impl, breakerConfig(1), func(t *testing.T, b breaker.Breaker) { failuresMustBeConsecutive(t, impl, b) })
}

func failuresMustBeConsecutive(t *testing.T, impl breaker.Impl, b breaker.Breaker) {
	for range failuresToOpen - 1 {
		mustPass(t, b, errBoom, "failure")
	}
	mustPass(t, b, nil, "success")
	if impl.Deviations.OpensOnErrorRate {
		calls, fails := failuresToOpen, failuresToOpen-1
		wantState(t, b, rateState(calls, fails), "declared OpensOnErrorRate: "+strconv.Itoa(fails)+" failures of "+strconv.Itoa(calls)+" calls")
		return
	}
	mustPass(t, b, errBoom, "failure after the success")
	if impl.Deviations.FailuresNotConsecutive {
		wantState(t, b, breaker.Open, "declared FailuresNotConsecutive: the success did not reset the count")
		return
	}
	wantState(t, b, breaker.Closed, "a success reset the count")
	for range failuresToOpen - 1 {
		mustPass(t, b, errBoom, "failure")
	}
	wantState(t, b, breaker.Open, "after "+strconv.Itoa(failuresToOpen)+" consecutive failures")
}

func breakerDeadlineExceededIsFailure(t *testing.T, impl breaker.Impl) {
	breakerBubble(t, impl, breakerConfig(1), func(t *testing.T, b breaker.Breaker) {
		for range failuresToOpen {
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			err := b.Execute(ctx, func(ctx context.Context) error {
				<-ctx.Done()
				return ctx.Err()
			})
			cancel()
			settle(b)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Execute = %v, want context.DeadlineExceeded", err)
			}
		}
		wantState(t, b, breaker.Open, "after "+strconv.Itoa(failuresToOpen)+" DeadlineExceeded")
	})
}

// canceledCall runs a call whose caller cancels its ctx while fn runs; fn
// returns the ctx's error.
func canceledCall(t *testing.T, b breaker.Breaker) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ran := false
	err := b.Execute(ctx, func(ctx context.Context) error {
		ran = true
		cancel()
		return ctx.Err()
	})
	settle(b)
	if !ran || !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled call: fn ran %v, Execute = %v; want fn run and context.Canceled", ran, err)
	}
}

func breakerCanceledCountsAsNeither(t *testing.T, impl breaker.Impl) {
	breakerBubble(t, impl, breakerConfig(1), func(t *testing.T, b breaker.Breaker) {

		// Closed: between failuresToOpen-1 failures and one more.
		for range failuresToOpen - 1 {
			mustPass(t, b, errBoom, "failure")
		}
		canceledCall(t, b)
		switch {
		case impl.Deviations.OpensOnErrorRate:
			calls, fails := failuresToOpen-1, failuresToOpen-1
			switch {
			case impl.Deviations.CanceledCountsAsFailure:
				calls, fails = calls+1, fails+1
			case impl.Deviations.CanceledCountsAsSuccess:
				calls++
			}
			wantState(t, b, rateState(calls, fails), "declared OpensOnErrorRate: "+strconv.Itoa(fails)+" failures of "+strconv.Itoa(calls)+" calls")
		case impl.Deviations.CanceledCountsAsFailure:
			wantState(t, b, breaker.Open, "declared CanceledCountsAsFailure: the cancellation was the last failure")
		default:
			wantState(t, b, breaker.Closed, "after the canceled call")
			mustPass(t, b, errBoom, "failure after the canceled call")
			want := breaker.Open // the count went on through the cancellation
			if impl.Deviations.CanceledCountsAsSuccess && !impl.Deviations.FailuresNotConsecutive {
				want = breaker.Closed // the "success" reset the count
			}
			wantState(t, b, want, "one failure after the canceled call")
		}
		for i := 0; b.State() != breaker.Open; i++ {
			if i == failuresToOpen {
				t.Fatalf("still %v after %d more failures", b.State(), i)
			}
			mustPass(t, b, errBoom, "failure")
		}

		// Half-open, one probe: a canceled probe.
		time.Sleep(openTimeout + time.Millisecond)
		canceledCall(t, b)
		switch {
		case impl.Deviations.CanceledCountsAsFailure:
			wantState(t, b, breaker.Open, "declared CanceledCountsAsFailure: the canceled probe reopened")
		case impl.Deviations.CanceledCountsAsSuccess:
			wantState(t, b, breaker.Closed, "declared CanceledCountsAsSuccess: the canceled probe closed")
		default:
			wantState(t, b, stateAfterTimeout(impl), "after a canceled probe")
			if impl.Deviations.SingleProbe { // the canceled probe had the window
				time.Sleep(openTimeout + time.Millisecond)
			}
			// The canceled probe gave its slot back.
			mustPass(t, b, nil, "the next probe")
			wantState(t, b, breaker.Closed, "after the next probe succeeded")
		}
	})
}

func breakerHalfOpenWithTwoProbes(t *testing.T, impl breaker.Impl) {
	breakerBubble(t, impl, breakerConfig(2), func(t *testing.T, b breaker.Breaker) {

		halfOpen(t, b)
		mustPass(t, b, nil, "first probe, success")
		if impl.Deviations.ClosesOnlyWhenAllProbesSucceed {
			wantState(t, b, breaker.HalfOpen, "declared ClosesOnlyWhenAllProbesSucceed: one success of two")
			mustPass(t, b, nil, "second probe, success")
		}
		wantState(t, b, breaker.Closed, "after the probes succeeded")

		halfOpen(t, b)
		mustPass(t, b, errBoom, "first probe, failure")
		if impl.Deviations.ReopensOnlyWhenAllProbesFail {
			wantState(t, b, breaker.HalfOpen, "declared ReopensOnlyWhenAllProbesFail: one failure of two")
			mustPass(t, b, errBoom, "second probe, failure")
		}
		wantState(t, b, breaker.Open, "after the probes failed")
		mustReject(t, b, "reopened")
	})
}

// breakerProbeLimit sends many concurrent callers at a half-open breaker whose
// fns block until released, and checks how many run fn at once.
func breakerProbeLimit(t *testing.T, impl breaker.Impl) {
	const probes, callers = 3, 32
	breakerBubble(t, impl, breakerConfig(probes), func(t *testing.T, b breaker.Breaker) {
		halfOpen(t, b)

		gate := make(chan struct{})
		var running, maxRunning, calls, rejected, returned atomic.Int64
		fn := func(context.Context) error {
			calls.Add(1)
			storeMax(&maxRunning, running.Add(1))
			<-gate
			running.Add(-1)
			return nil
		}
		var wg sync.WaitGroup
		for range callers {
			wg.Go(func() {
				err := probeCaller(b, fn)
				switch {
				case errors.Is(err, breaker.ErrRejected):
					rejected.Add(1)
				case err != nil:
					t.Errorf("Execute = %v, want nil or ErrRejected", err)
				}
				returned.Add(1)
			})
			if impl.Deviations.RacyProbeAdmission {
				synctest.Wait() // one at a time: in fn or rejected before the next one comes
			}
		}
		settleCallers(t, impl, callers, &returned, &running)
		settle(b) // the rejections are counted before a probe can close it

		wantRunning, wantRejected := int64(probes), int64(callers-probes)
		switch {
		case impl.Deviations.SerialisesCalls:
			wantRunning, wantRejected = 1, 0 // the others wait their turn
		case impl.Deviations.NoProbeLimit:
			wantRunning, wantRejected = callers, 0
		case impl.Deviations.SingleProbe:
			wantRunning, wantRejected = 1, callers-1
		}
		if got := running.Load(); got != wantRunning {
			t.Errorf("%d callers in half-open with %d probes: %d ran fn at once, want %d", callers, probes, got, wantRunning)
		}
		if got := rejected.Load(); got != wantRejected {
			t.Errorf("%d callers in half-open with %d probes: %d rejected, want %d", callers, probes, got, wantRejected)
		}
		close(gate)
		wg.Wait()
		if got := maxRunning.Load(); got > wantRunning {
			t.Errorf("at most %d fns ran at once, want at most %d", got, wantRunning)
		}
		if impl.Deviations.NoProbeLimit && calls.Load() != callers {
			t.Errorf("declared NoProbeLimit: %d of %d callers ran fn", calls.Load(), callers)
		}
		wantState(t, b, breaker.Closed, "after the probes succeeded")
	})
}

// probeCaller calls Execute; settleCallers finds the callers still inside it
// by this function's name in their stacks.
//
//go:noinline
func probeCaller(b breaker.Breaker, fn func(context.Context) error) error {
	return b.Execute(context.Background(), fn)
}

// settleCallers waits until each of n probeCallers has returned or is
// blocked, and at least one fn is running. synctest.Wait cannot do it when
// calls are serialised: a goroutine waiting for a sync.Mutex is not durably
// blocked, so Wait would never return. Then settleCallers polls the goroutine
// stacks instead, yielding between polls; it never sleeps.
func settleCallers(t *testing.T, impl breaker.Impl, n int64, returned, running *atomic.Int64) {
	t.Helper()
	if !impl.Deviations.SerialisesCalls {
		synctest.Wait()
		return
	}
	for range 100_000 {
		if running.Load() > 0 && returned.Load()+int64(blockedIn(probeCaller)) == n {
			return
		}
		runtime.Gosched()
	}
	t.Fatalf("callers did not settle: %d returned, %d blocked in Execute, %d fns running", returned.Load(), blockedIn(probeCaller), running.Load())
}

// blockedIn counts goroutines blocked with fn in their stacks.
func blockedIn(fn func(breaker.Breaker, func(context.Context) error) error) int {
	name := runtime.FuncForPC(reflect.ValueOf(fn).Pointer()).Name()
	n := 0
	for _, g := range stacks.All() {
		if g.Blocked() && g.Has(name) {
			n++
		}
	}
	return n
}

// others returns every goroutine but the caller's, which runtime.Stack
// lists first.
func others() []stacks.Goroutine {
	all := stacks.All()
	if len(all) == 0 {
		return nil
	}
	return all[1:]
}

// ids returns the ids of gs, as a set.
func ids(gs []stacks.Goroutine) map[uint64]bool {
	set := make(map[uint64]bool, len(gs))
	for _, g := range gs {
		set[g.ID] = true
	}
	return set
}

// raw returns the dump of gs, one record after another.
func raw(gs []stacks.Goroutine) string {
	records := make([]string, len(gs))
	for i, g := range gs {
		records[i] = g.Raw
	}
	return strings.Join(records, "\n\n")
}

// runWithRegistry runs check as the subtest name of t for an impl that
// declares RegistryGoroutines, in place of run's goleak check: every
// goroutine that the subtest leaves behind must be one of the declared
// RegistryGoroutines of a New it made, idle; any other is a leak.
func runWithRegistry(t *testing.T, name string, impl breaker.Impl, check func(*testing.T, breaker.Impl)) {
	t.Run(name, func(t *testing.T) {
		before := ids(others())
		var news atomic.Int64
		counted := impl
		counted.New = func(cfg breaker.Config) breaker.Breaker {
			b := impl.New(cfg)
			news.Add(1)
			return b
		}
		// Registered first, so it runs after every cleanup check registers.
		t.Cleanup(func() {
			want := int(news.Load()) * impl.Deviations.RegistryGoroutines
			var left []stacks.Goroutine
			for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
				left = left[:0]
				busy := false
				for _, g := range others() {
					if !before[g.ID] {
						left = append(left, g)
						busy = busy || !g.Idle()
					}
				}
				if len(left) == want && !busy {
					return
				}
				if time.Now().After(deadline) {
					break
				}
			}
			t.Errorf("declared RegistryGoroutines %d: %d calls of New left %d goroutines, want %d, idle:\n%s",
				impl.Deviations.RegistryGoroutines, news.Load(), len(left), want, raw(left))
		})
		check(t, counted)
	})
}

// bubbleGoroutines counts the goroutines in the caller's synctest bubble,
// the caller's among them.
func bubbleGoroutines() int {
	all := stacks.All()
	n := 0
	for _, g := range all {
		if g.Bubbled && g.Bubble == all[0].Bubble {
			n++
		}
	}
	return n
}

// breakerGenerations checks that a slow call which started while closed, and
// fails after the breaker has opened and closed again, does not count.
func breakerGenerations(t *testing.T, impl breaker.Impl) {
	breakerBubble(t, impl, breakerConfig(1), func(t *testing.T, b breaker.Breaker) {
		if impl.Deviations.SerialisesCalls {
			slowCallBlocksOthers(t, impl, b)
			return
		}
		release, slowDone := make(chan struct{}), make(chan error)
		go func() {
			slowDone <- b.Execute(context.Background(), func(context.Context) error {
				<-release
				return errBoom
			})
		}()
		synctest.Wait() // the slow call is inside fn

		halfOpen(t, b)
		mustPass(t, b, nil, "probe success")
		wantState(t, b, breaker.Closed, "after the probe")

		close(release)
		if err := <-slowDone; err != errBoom {
			t.Fatalf("slow call: Execute = %v, want %v", err, errBoom)
		}
		if impl.Deviations.OpensOnErrorRate {
			// The probe's success opened the new count; one more failure.
			mustPass(t, b, errBoom, "failure")
			calls, fails := 2, 1
			if impl.Deviations.NoGenerations {
				calls, fails = 3, 2 // and the slow call's failure
			}
			wantState(t, b, rateState(calls, fails), "declared OpensOnErrorRate: "+strconv.Itoa(fails)+" failures of "+strconv.Itoa(calls)+" calls")
			return
		}
		for range failuresToOpen - 1 {
			mustPass(t, b, errBoom, "failure")
		}
		if impl.Deviations.NoGenerations {
			wantState(t, b, breaker.Open, "declared NoGenerations: the slow failure counted")
			return
		}
		wantState(t, b, breaker.Closed, "the slow call's failure is from an older generation")
		mustPass(t, b, errBoom, "failure")
		wantState(t, b, breaker.Open, "after "+strconv.Itoa(failuresToOpen)+" current failures")
	})
}

// slowCallBlocksOthers checks the declared SerialisesCalls: while one call
// runs, another waits, so no call can span a state change.
func slowCallBlocksOthers(t *testing.T, impl breaker.Impl, b breaker.Breaker) {
	release := make(chan struct{})
	var seq, slowEnd, otherStart, running, returned atomic.Int64
	var wg sync.WaitGroup
	wg.Go(func() {
		probeCaller(b, func(context.Context) error {
			running.Add(1)
			<-release
			slowEnd.Store(seq.Add(1))
			return errBoom
		})
		returned.Add(1)
	})
	wg.Go(func() {
		for running.Load() == 0 { // start second
			runtime.Gosched()
		}
		probeCaller(b, func(context.Context) error {
			otherStart.Store(seq.Add(1))
			return nil
		})
		returned.Add(1)
	})
	settleCallers(t, impl, 2, &returned, &running)
	if otherStart.Load() != 0 {
		t.Fatal("declared SerialisesCalls, but a second fn ran while the first was running")
	}
	close(release)
	wg.Wait()
	if otherStart.Load() < slowEnd.Load() {
		t.Fatalf("declared SerialisesCalls, but the second fn started (%d) before the first ended (%d)", otherStart.Load(), slowEnd.Load())
	}
}

// breakerFnRunsOnCallersGoroutine checks where fn runs and that Execute does
// not return before fn does (or, declared LeaksGoroutineOnTimeout, that it
// returns on CallTimeout and fn's goroutine lives on until fn returns).
func breakerFnRunsOnCallersGoroutine(t *testing.T, impl breaker.Impl) {
	cfg := breakerConfig(1)
	cfg.CallTimeout = time.Second
	breakerBubble(t, impl, cfg, func(t *testing.T, b breaker.Breaker) {
		release := make(chan struct{})
		var fnReturned atomic.Bool
		var callerID, fnID uint64
		done := make(chan error, 1)
		go func() {
			callerID = stacks.Current()
			done <- b.Execute(context.Background(), func(context.Context) error {
				fnID = stacks.Current()
				<-release
				fnReturned.Store(true)
				return nil
			})
		}()
		time.Sleep(10 * cfg.CallTimeout)
		synctest.Wait()
		if impl.Deviations.LeaksGoroutineOnTimeout {
			select {
			case err := <-done:
				if err == nil {
					t.Fatal("declared LeaksGoroutineOnTimeout: Execute returned nil before fn returned")
				}
			default:
				t.Fatal("declared LeaksGoroutineOnTimeout, but Execute did not return on CallTimeout")
			}
			if fnReturned.Load() {
				t.Fatal("fn returned though it was blocked")
			}
			if callerID == fnID {
				t.Fatal("declared LeaksGoroutineOnTimeout, but fn ran on the caller's goroutine")
			}
			close(release) // the leaked goroutine still runs fn: free it
			synctest.Wait()
			if !fnReturned.Load() {
				t.Fatal("fn's goroutine did not finish once released")
			}
			return
		}
		select {
		case err := <-done:
			t.Fatalf("Execute returned %v while fn was still running", err)
		default:
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatalf("Execute = %v, want nil", err)
		}
		if callerID != fnID {
			t.Fatalf("fn ran on goroutine %d, the caller is %d", fnID, callerID)
		}
	})
}

// breakerNoGoroutineLeftBehind counts the goroutines of the test's bubble after
// each kind of call.
func breakerNoGoroutineLeftBehind(t *testing.T, impl breaker.Impl) {
	var outside breaker.Breaker // made before the bubble: declared RegistryGoroutines
	var registry map[uint64]bool
	if impl.Deviations.RegistryGoroutines > 0 {
		outside, registry = newRegistryBreaker(t, impl, breakerConfig(1))
	}
	synctest.Test(t, func(t *testing.T) {
		base := bubbleGoroutines()
		b := outside
		if b == nil {
			b = impl.New(breakerConfig(1))
		}
		b = watch(t, impl, b, registry)
		owner := 0
		if impl.Deviations.OwnerGoroutine {
			owner = 1
		}
		check := func(when string, want int) {
			t.Helper()
			synctest.Wait()
			if got := bubbleGoroutines() - base; got != want {
				t.Fatalf("%s: %d goroutines besides the test's, want %d", when, got, want)
			}
		}
		check("after New", owner)
		mustPass(t, b, nil, "success")
		check("after a success", owner)
		openBreaker(t, b)
		timer := 0
		if impl.Deviations.StartsTimerGoroutine {
			timer = 1
		}
		check("after opening", owner+timer)
		mustReject(t, b, "open")
		check("after a rejection", owner+timer)
		time.Sleep(openTimeout + time.Millisecond)
		check("after the open timeout", owner)
		mustPass(t, b, nil, "probe")
		check("after the probe", owner)
		if err := b.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		check("after Close", 0)
	})
}

func breakerClose(t *testing.T, impl breaker.Impl) {
	b := impl.New(breakerConfig(1))
	for i := range 2 {
		if err := b.Close(); err != nil {
			t.Fatalf("Close #%d: %v", i+1, err)
		}
	}
	if impl.Deviations.OwnerGoroutine {
		mustReject(t, b, "after Close")
		wantState(t, b, breaker.Closed, "after Close")
		return
	}
	mustPass(t, b, nil, "after Close (a breaker without goroutines ignores Close)")
}

func breakerInvalidConfigPanics(t *testing.T, impl breaker.Impl) {
	tests := []struct {
		name string
		give breaker.Config
	}{
		{"no failures", breaker.Config{FailuresToOpen: 0, OpenTimeout: time.Second, HalfOpenProbes: 1}},
		{"no timeout", breaker.Config{FailuresToOpen: 1, OpenTimeout: 0, HalfOpenProbes: 1}},
		{"no probes", breaker.Config{FailuresToOpen: 1, OpenTimeout: time.Second, HalfOpenProbes: 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("New(%+v) did not panic", tt.give)
				}
			}()
			impl.New(tt.give).Close()
		})
	}
}

// storeMax raises m to v if v is larger.
func storeMax(m *atomic.Int64, v int64) {
	for {
		old := m.Load()
		if v <= old || m.CompareAndSwap(old, v) {
			return
		}
	}
}

// A panic in fn must reach Execute's caller, who can recover it, and leave
// the breaker usable: no variant may turn it into a crash of the process
// (the guide's seed ran fn on a bare goroutine, where it would have).
func breakerPanicInFnReachesCaller(t *testing.T, impl breaker.Impl) {
	breakerBubble(t, impl, breakerConfig(1), func(t *testing.T, b breaker.Breaker) {
		mustPanic(t, b, "closed")
		mustPass(t, b, nil, "after a panicking call")
	})
}

// breakerBulkhead checks a declared Bulkhead: with that many calls blocked in
// fn while closed, one more is rejected, and once they have returned calls
// pass again. Without the declaration there is nothing to check here (the
// other checks run closed calls side by side).
func breakerBulkhead(t *testing.T, impl breaker.Impl) {
	n := impl.Deviations.Bulkhead
	if n == 0 {
		return
	}
	breakerBubble(t, impl, breakerConfig(1), func(t *testing.T, b breaker.Breaker) {
		gate := make(chan struct{})
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				if err := b.Execute(context.Background(), func(context.Context) error { <-gate; return nil }); err != nil {
					t.Errorf("one of %d calls of the bulkhead: Execute = %v, want nil", n, err)
				}
			})
		}
		synctest.Wait()
		err, ran := breakerCall(b, nil)
		if ran || !errors.Is(err, breaker.ErrRejected) {
			t.Errorf("declared Bulkhead %d: with %d calls in fn, one more ran %v and returned %v; want it rejected", n, n, ran, err)
		}
		wantState(t, b, breaker.Closed, "after a rejection by the bulkhead")
		close(gate)
		wg.Wait()
		mustPass(t, b, nil, "after the bulkhead's calls returned")
	})
}

// panicValue is what fn panics with: a pointer, so that the caller's
// recovered value can only be equal to it if it is the same value.
type panicValue struct{ when string }

// mustPanic runs a call whose fn panics and wants the panic to reach the
// caller (recover only sees a panic on its own goroutine) with fn's value.
func mustPanic(t *testing.T, b breaker.Breaker, when string) {
	t.Helper()
	want := &panicValue{when}
	got := func() (v any) {
		defer func() { v = recover() }()
		_ = b.Execute(context.Background(), func(context.Context) error { panic(want) })
		return nil
	}()
	settle(b)
	if got != want {
		t.Fatalf("%s: the caller recovered %v, want the value fn panicked with, %v", when, got, want)
	}
}

// breakerPanicIsFailure wants each of failuresToOpen panicking calls to
// reach the caller, and the breaker then open; after the timeout a panicking
// probe reopens it.
func breakerPanicIsFailure(t *testing.T, impl breaker.Impl) {
	breakerBubble(t, impl, breakerConfig(1), func(t *testing.T, b breaker.Breaker) {
		for i := range failuresToOpen {
			mustPanic(t, b, "closed, panic "+strconv.Itoa(i+1))
		}
		if impl.Deviations.PanicNotFailure {
			wantState(t, b, breaker.Closed, "declared PanicNotFailure: after "+strconv.Itoa(failuresToOpen)+" panics")
			mustPass(t, b, nil, "declared PanicNotFailure: after the panics")
			return
		}
		wantState(t, b, breaker.Open, "after "+strconv.Itoa(failuresToOpen)+" panics")
		mustReject(t, b, "opened by panics")
		time.Sleep(openTimeout + time.Millisecond)
		mustPanic(t, b, "half-open, probe")
		wantState(t, b, breaker.Open, "after a panicking probe")
		mustReject(t, b, "reopened by a panicking probe")
	})
}
