package conformance

import (
	"errors"
	"testing"
	"time"

	"github.com/concbench/concbench/impl/breaker"
	"github.com/concbench/concbench/internal/nilness"
)

// Breaker runs the circuit-breaker conformance suite on impl, one subtest
// per check. Its breakers open after 3 failures, stay open 1s and admit 1
// probe (2 or 3 where a check says so); CallTimeout, which only the
// variants that run fn on a goroutine of their own read, is an hour. A
// field the entry declares fixed (Deviations.FixedConfig: the library
// cannot be given it) takes the library's value instead, in every check:
// "3 failures" below is then its own number. Every check but Name,
// Declaration, Close and InvalidConfigPanics runs on a testing/synctest
// fake clock.
//
//   - Name: impl.Name is [a-z0-9]+ (it becomes the impl= part of benchmark
//     names) and impl.Doc is one non-empty line.
//   - Declaration: the entry's Deviations agree: no negative Bulkhead or
//     RegistryGoroutines, a FixedConfig that fixes a field and none
//     negative, not both SingleProbe and NoProbeLimit, nor both ways of
//     counting a canceled call.
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
//   - HalfOpenWithTwoProbes: with 2 probes (or the library's fixed number;
//     skipped where that is 1), one success closes and one failure reopens.
//   - ProbeLimit: of 32 concurrent callers at a half-open breaker with 3
//     probes (or the library's fixed p, and p+29 callers if more),
//     3 run fn at once and 29 are rejected; then it closes.
//   - Generations: the failure of a call that started while closed and ended
//     after the breaker had opened and closed again does not count.
//   - FnRunsOnCallersGoroutine: fn runs on Execute's caller's goroutine, and
//     Execute returns only after fn has.
//   - NoGoroutineLeftBehind: no goroutine of the breaker's runs after New or
//     after any kind of call; none at all after Close.
//   - Close: Close returns nil, twice; Execute then works as before.
//   - InvalidConfigPanics: New panics when FailuresToOpen, OpenTimeout or
//     HalfOpenProbes is zero (but one the entry declares fixed, which New
//     never reads: skipped).
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
// ReopensOnlyWhenAllProbesFail (the checks of the counts they name; every
// check that closes or reopens a half-open breaker runs HalfOpenProbes
// probes),
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
// A failure names the declarations that would describe what the breaker
// did, each with its condition ("if the library counts a call whose caller
// canceled its ctx as a failure (gobreaker v1 does), declare
// Deviations.CanceledCountsAsFailure").
//
// Every subtest also fails if a goroutine it started outlives it, and
// fails alone, whatever the breaker does; see the package doc.
func Breaker(t *testing.T, impl breaker.Impl) {
	if impl.New == nil {
		t.Errorf("breaker.Impl %q: New is nil: nothing to check", impl.Name)
		return
	}
	checks := []struct {
		name  string
		check func(*testing.T, breaker.Impl)
	}{
		{"Name", func(t *testing.T, impl breaker.Impl) { checkName(t, impl.Name, impl.Doc) }},
		{"Declaration", breakerDeclaration},
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
			runWays(t, c.name, breakerWedged, func(t *testing.T) { c.check(t, impl) })
			continue
		}
		runWithRegistry(t, c.name, impl, c.check)
	}
}

// The suite's own Config, where the entry declares no FixedConfig.
const (
	failuresToOpen = 3
	openTimeout    = time.Second
)

var errBoom = errors.New("boom")

// breakerWedged are the ways out of a breaker check that the watchdog
// stops: a caller waiting for a sync.Mutex is not durably blocked, so a
// bubble whose callers wait on a lock held across fn stands still.
var breakerWedged = []string{way("Execute holds a lock across fn, so that other callers (and State) wait for it", "Deviations.SerialisesCalls")}

// breakerConfig is the Config the suite builds a breaker of impl with:
// its own (probes probes; CallTimeout, which seed and the timeout variants
// read, long enough never to fire unless a check means it to), with the
// fields the entry declares fixed in their place.
func breakerConfig(impl breaker.Impl, probes int) breaker.Config {
	return impl.EffectiveConfig(breaker.Config{FailuresToOpen: failuresToOpen, OpenTimeout: openTimeout,
		HalfOpenProbes: probes, CallTimeout: time.Hour})
}

// breakerDeclaration fails an entry whose Deviations contradict each other
// or hold a value no breaker could have.
func breakerDeclaration(t *testing.T, impl breaker.Impl) {
	dev := impl.Deviations
	if impl.Demo != "" && dev == (breaker.Deviations{}) {
		t.Error("a demonstration (Demo set) declares no deviation: declare the failure it demonstrates, for the suite to check")
	}
	if dev.Bulkhead < 0 || dev.RegistryGoroutines < 0 {
		t.Errorf("Bulkhead %d, RegistryGoroutines %d: want 0 (none) or more", dev.Bulkhead, dev.RegistryGoroutines)
	}
	if f := dev.FixedConfig; f != nil {
		if *f == (breaker.Config{}) {
			t.Error("FixedConfig declares no field: leave it nil if New honours every field of its Config")
		}
		if f.FailuresToOpen < 0 || f.OpenTimeout < 0 || f.HalfOpenProbes < 0 || f.CallTimeout < 0 {
			t.Errorf("FixedConfig %+v: a fixed field is positive; 0 means New honours it", *f)
		}
	}
	if dev.SingleProbe && dev.NoProbeLimit {
		t.Error("declares both SingleProbe and NoProbeLimit; pick the one that describes half-open")
	}
	if dev.CanceledCountsAsFailure && dev.CanceledCountsAsSuccess {
		t.Error("declares both CanceledCountsAsFailure and CanceledCountsAsSuccess; pick the one that describes a canceled call")
	}
}

// newBreaker returns impl's breaker, made with cfg, closed when the test
// ends (a cleanup registered at once). Call it in a synctest bubble: for a
// declared StartsTimerGoroutine the cleanup waits out a timer goroutine the
// breaker may have left, in fake time.
func newBreaker(t *testing.T, impl breaker.Impl, cfg breaker.Config) breaker.Breaker {
	t.Helper()
	b := mustNew(t, impl, cfg)
	release(t, func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if impl.Deviations.StartsTimerGoroutine {
			time.Sleep(impl.EffectiveConfig(cfg).OpenTimeout)
		}
	})
	return b
}

// mustNew returns impl.New(cfg), ending the check if it is nil.
func mustNew(t *testing.T, impl breaker.Impl, cfg breaker.Config) breaker.Breaker {
	t.Helper()
	b := impl.New(cfg)
	if nilness.Is(b) {
		t.Fatalf("breaker.Impl %q: New(%+v) returned nil", impl.Name, cfg)
	}
	return b
}

// breakerBubble runs f in a synctest bubble with a new breaker of impl made
// with cfg, closed when the check ends. A breaker that declares
// RegistryGoroutines is made before the bubble, so that the goroutines its
// library keeps for the life of the process are not the bubble's (a bubble
// ends only when all of its goroutines have); the others are made in it, so
// that whatever they start runs on the fake clock.
func breakerBubble(t *testing.T, impl breaker.Impl, cfg breaker.Config, f func(t *testing.T, b *subject)) {
	t.Helper()
	if impl.Deviations.RegistryGoroutines == 0 {
		bubble(t, func(t *testing.T) { f(t, watch(t, impl, newBreaker(t, impl, cfg), cfg, nil)) })
		return
	}
	b, registry := newRegistryBreaker(t, impl, cfg)
	bubble(t, func(t *testing.T) { f(t, watch(t, impl, b, cfg, registry)) })
}
