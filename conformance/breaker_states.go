package conformance

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/concbench/concbench/impl/breaker"
	"github.com/concbench/concbench/internal/nilness"
)

func breakerStateMachine(t *testing.T, impl breaker.Impl) {
	breakerBubble(t, impl, breakerConfig(impl, 1), func(t *testing.T, b *subject) {
		n, timeout := b.cfg.FailuresToOpen, b.cfg.OpenTimeout
		wantState(t, b, breaker.Closed, "new")
		if !impl.Deviations.OpensOnErrorRate { // which 2 failures of 3 calls would open
			mustPass(t, b, nil, "closed, success")
		}
		for i := range n - 1 {
			mustPass(t, b, errBoom, "closed, failure")
			wantState(t, b, breaker.Closed, "after "+strconv.Itoa(i+1)+" failures", hint{breaker.Open, fixedFailures(b)},
				hint{breaker.Open, way("it opens on a failure rate", "Deviations.OpensOnErrorRate")})
		}
		mustPass(t, b, errBoom, "closed, last failure")
		wantState(t, b, breaker.Open, "after "+strconv.Itoa(n)+" failures", lateOpen(b)...)
		mustReject(t, b, "just opened")

		time.Sleep(timeout - time.Millisecond)
		wantState(t, b, breaker.Open, "just before the timeout", hint{breaker.HalfOpen, fixedTimeout(b)}, hint{breaker.Closed, fixedTimeout(b)})
		mustReject(t, b, "just before the timeout", fixedTimeout(b))

		time.Sleep(2 * time.Millisecond)
		wantState(t, b, stateAfterTimeout(impl), "after the timeout",
			hint{breaker.Open, way("State reports Open until a call comes after the timeout", "Deviations.StateLagsTimeout")},
			hint{breaker.Open, fixedTimeout(b)},
			hint{breaker.HalfOpen, "the entry declares StateLagsTimeout, but State reported half-open: drop it"})
		probesSucceed(t, b, "half-open, probe success", fixedTimeout(b))
		wantState(t, b, breaker.Closed, "after a probe success", closesLate(b)...)

		halfOpen(t, b)
		probesFail(t, b, "half-open, probe failure")
		wantState(t, b, breaker.Open, "after a probe failure", reopensLate(b)...)
		mustReject(t, b, "reopened")

		time.Sleep(timeout + time.Millisecond)
		probesSucceed(t, b, "half-open again, probe success")
		wantState(t, b, breaker.Closed, "after the second probe success", closesLate(b)...)
	})
}

// probesSucceed runs the successful probes that close a half-open
// breaker: one, or HalfOpenProbes for a declared
// ClosesOnlyWhenAllProbesSucceed. A rejection's message ends with ws.
func probesSucceed(t *testing.T, b *subject, when string, ws ...string) {
	t.Helper()
	n := 1
	if b.impl.Deviations.ClosesOnlyWhenAllProbesSucceed {
		n = b.cfg.HalfOpenProbes
	}
	for range n {
		mustPass(t, b, nil, when, ws...)
	}
}

// probesToReopen is how many probe failures reopen a half-open breaker:
// one, or HalfOpenProbes for a declared ReopensOnlyWhenAllProbesFail.
func probesToReopen(b *subject) int {
	if b.impl.Deviations.ReopensOnlyWhenAllProbesFail {
		return b.cfg.HalfOpenProbes
	}
	return 1
}

// probesFail runs the failing probes that reopen a half-open breaker.
func probesFail(t *testing.T, b *subject, when string) {
	t.Helper()
	for range probesToReopen(b) {
		mustPass(t, b, errBoom, when)
	}
}

// lateOpen are the hints for a breaker not open after the failures that
// should have opened it.
func lateOpen(b *subject) []hint {
	var hs []hint
	for _, w := range opensLate(b) {
		hs = append(hs, hint{breaker.Closed, w})
	}
	return hs
}

// closesLate are the hints for a breaker still half-open after the probe
// successes that should have closed it.
func closesLate(b *subject) []hint {
	return []hint{
		{breaker.HalfOpen, way("half-open closes only after HalfOpenProbes successes in a row", "Deviations.ClosesOnlyWhenAllProbesSucceed")},
		{breaker.HalfOpen, fixedProbes(b)},
	}
}

// reopensLate are the hints for a breaker still half-open after the probe
// failure that should have reopened it.
func reopensLate(b *subject) []hint {
	return []hint{
		{breaker.HalfOpen, way("half-open reopens only after HalfOpenProbes failures", "Deviations.ReopensOnlyWhenAllProbesFail")},
		{breaker.HalfOpen, fixedProbes(b)},
	}
}

func breakerFailuresMustBeConsecutive(t *testing.T, impl breaker.Impl) {
	breakerBubble(t, impl, breakerConfig(impl, 1), func(t *testing.T, b *subject) { failuresMustBeConsecutive(t, impl, b) })
}

func failuresMustBeConsecutive(t *testing.T, impl breaker.Impl, b *subject) {
	n := b.cfg.FailuresToOpen
	for range n - 1 {
		mustPass(t, b, errBoom, "failure")
	}
	mustPass(t, b, nil, "success")
	if impl.Deviations.OpensOnErrorRate {
		calls, fails := n, n-1
		wantState(t, b, rateState(b, calls, fails), "declared OpensOnErrorRate: "+strconv.Itoa(fails)+" failures of "+strconv.Itoa(calls)+" calls")
		return
	}
	mustPass(t, b, errBoom, "failure after the success")
	if impl.Deviations.FailuresNotConsecutive {
		wantState(t, b, breaker.Open, "declared FailuresNotConsecutive: the success did not reset the count")
		return
	}
	wantState(t, b, breaker.Closed, "a success reset the count",
		hint{breaker.Open, way("a success does not reset the count of failures", "Deviations.FailuresNotConsecutive")},
		hint{breaker.Open, way("it opens on a failure rate", "Deviations.OpensOnErrorRate")})
	for range n - 1 {
		mustPass(t, b, errBoom, "failure")
	}
	wantState(t, b, breaker.Open, "after "+strconv.Itoa(n)+" consecutive failures", lateOpen(b)...)
}

func breakerDeadlineExceededIsFailure(t *testing.T, impl breaker.Impl) {
	breakerBubble(t, impl, breakerConfig(impl, 1), func(t *testing.T, b *subject) {
		for range b.cfg.FailuresToOpen {
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			err := b.Execute(ctx, func(ctx context.Context) error {
				<-ctx.Done()
				return ctx.Err()
			})
			cancel()
			b.settle()
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Execute = %v, want context.DeadlineExceeded", err)
			}
		}
		wantState(t, b, breaker.Open, "after "+strconv.Itoa(b.cfg.FailuresToOpen)+" DeadlineExceeded", lateOpen(b)...)
	})
}

// The ways out of CanceledCountsAsNeither.
var (
	canceledFailure = way("the library counts a call whose caller canceled its ctx as a failure (gobreaker v1 does)", "Deviations.CanceledCountsAsFailure")
	canceledSuccess = way("the library counts it as a success (it has no \"neither\")", "Deviations.CanceledCountsAsSuccess")
	singleProbe     = way("half-open admits one call per OpenTimeout whatever HalfOpenProbes says", "Deviations.SingleProbe")
)

func breakerCanceledCountsAsNeither(t *testing.T, impl breaker.Impl) {
	breakerBubble(t, impl, breakerConfig(impl, 1), func(t *testing.T, b *subject) {
		canceledWhileClosed(t, impl, b)
		for i := 0; b.State() != breaker.Open; i++ {
			if i == b.cfg.FailuresToOpen {
				t.Fatalf("still %v after %d more failures%s", b.State(), i, ways(opensLate(b)...))
			}
			mustPass(t, b, errBoom, "failure")
		}

		// Half-open, one probe: a canceled probe.
		time.Sleep(b.cfg.OpenTimeout + time.Millisecond)
		canceledCall(t, b)
		switch {
		case impl.Deviations.CanceledCountsAsFailure:
			wantState(t, b, breaker.Open, "declared CanceledCountsAsFailure: the canceled probe reopened")
		case impl.Deviations.CanceledCountsAsSuccess:
			wantState(t, b, breaker.Closed, "declared CanceledCountsAsSuccess: the canceled probe closed")
		default:
			wantState(t, b, stateAfterTimeout(impl), "after a canceled probe", hint{breaker.Open, canceledFailure},
				hint{breaker.Closed, canceledSuccess})
			if impl.Deviations.SingleProbe { // the canceled probe had the window
				time.Sleep(b.cfg.OpenTimeout + time.Millisecond)
			}
			// The canceled probe gave its slot back.
			probesSucceed(t, b, "the next probe", singleProbe)
			wantState(t, b, breaker.Closed, "after the next probe succeeded")
		}
	})
}

// canceledWhileClosed is CanceledCountsAsNeither while closed: a canceled
// call between FailuresToOpen-1 failures and one more.
func canceledWhileClosed(t *testing.T, impl breaker.Impl, b *subject) {
	n := b.cfg.FailuresToOpen
	for range n - 1 {
		mustPass(t, b, errBoom, "failure")
	}
	canceledCall(t, b)
	switch {
	case impl.Deviations.OpensOnErrorRate:
		calls, fails := n-1, n-1
		switch {
		case impl.Deviations.CanceledCountsAsFailure:
			calls, fails = calls+1, fails+1
		case impl.Deviations.CanceledCountsAsSuccess:
			calls++
		}
		wantState(t, b, rateState(b, calls, fails), "declared OpensOnErrorRate: "+strconv.Itoa(fails)+" failures of "+strconv.Itoa(calls)+" calls")
	case impl.Deviations.CanceledCountsAsFailure:
		wantState(t, b, breaker.Open, "declared CanceledCountsAsFailure: the cancellation was the last failure")
	default:
		wantState(t, b, breaker.Closed, "after "+strconv.Itoa(n-1)+" failures and a canceled call", hint{breaker.Open, canceledFailure})
		mustPass(t, b, errBoom, "failure after the canceled call")
		want := breaker.Open // the count went on through the cancellation
		if impl.Deviations.CanceledCountsAsSuccess && !impl.Deviations.FailuresNotConsecutive {
			want = breaker.Closed // the "success" reset the count
		}
		wantState(t, b, want, "one failure after the canceled call", hint{breaker.Closed, canceledSuccess}, hint{breaker.Closed, fixedFailures(b)})
	}
}

// breakerHalfOpenWithTwoProbes checks half-open with 2 probes, or with the
// library's fixed number: one success closes, one failure reopens.
func breakerHalfOpenWithTwoProbes(t *testing.T, impl breaker.Impl) {
	cfg := breakerConfig(impl, 2)
	if cfg.HalfOpenProbes == 1 {
		t.Skip("declared FixedConfig.HalfOpenProbes 1: the library admits one probe, which StateMachine checks")
	}
	breakerBubble(t, impl, cfg, func(t *testing.T, b *subject) {
		p := b.cfg.HalfOpenProbes
		halfOpen(t, b)
		mustPass(t, b, nil, "first probe, success", singleProbe)
		if impl.Deviations.ClosesOnlyWhenAllProbesSucceed {
			for i := 1; i < p; i++ {
				wantState(t, b, breaker.HalfOpen, fmt.Sprintf("declared ClosesOnlyWhenAllProbesSucceed: %d successes of %d", i, p))
				mustPass(t, b, nil, "one more probe, success", singleProbe)
			}
		}
		wantState(t, b, breaker.Closed, "after the probes succeeded", closesLate(b)...)

		halfOpen(t, b)
		mustPass(t, b, errBoom, "first probe, failure", singleProbe)
		if impl.Deviations.ReopensOnlyWhenAllProbesFail {
			for i := 1; i < p; i++ {
				wantState(t, b, breaker.HalfOpen, fmt.Sprintf("declared ReopensOnlyWhenAllProbesFail: %d failures of %d", i, p))
				mustPass(t, b, errBoom, "one more probe, failure", singleProbe)
			}
		}
		wantState(t, b, breaker.Open, "after the probes failed", reopensLate(b)...)
		mustReject(t, b, "reopened")
	})
}

func breakerClose(t *testing.T, impl breaker.Impl) {
	cfg := breakerConfig(impl, 1)
	b := &subject{Breaker: mustNew(t, impl, cfg), impl: impl, cfg: cfg} // outside a bubble: no settling
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
	mustPass(t, b, nil, "after Close (a breaker without goroutines ignores Close)",
		way("Close stops a goroutine the breaker owns, after which Execute rejects", "Deviations.OwnerGoroutine"))
}

func breakerInvalidConfigPanics(t *testing.T, impl breaker.Impl) {
	fixed := breaker.Config{}
	if f := impl.Deviations.FixedConfig; f != nil {
		fixed = *f
	}
	tests := []struct {
		name  string
		give  breaker.Config
		fixed bool
		field string
	}{
		{"no failures", breaker.Config{FailuresToOpen: 0, OpenTimeout: time.Second, HalfOpenProbes: 1}, fixed.FailuresToOpen != 0, "FailuresToOpen"},
		{"no timeout", breaker.Config{FailuresToOpen: 1, OpenTimeout: 0, HalfOpenProbes: 1}, fixed.OpenTimeout != 0, "OpenTimeout"},
		{"no probes", breaker.Config{FailuresToOpen: 1, OpenTimeout: time.Second, HalfOpenProbes: 0}, fixed.HalfOpenProbes != 0, "HalfOpenProbes"},
	}
	for _, tt := range tests {
		sub(t, tt.name, func(t *testing.T) {
			if tt.fixed {
				t.Skipf("declared FixedConfig.%s: New never reads it", tt.field)
			}
			b, panicked := tryNew(impl, tt.give)
			switch {
			case panicked:
			case nilness.Is(b):
				t.Errorf("New(%+v) returned nil, want a panic", tt.give)
			default:
				b.Close()
				t.Errorf("New(%+v) did not panic%s", tt.give,
					ways(way("the library cannot be given Config."+tt.field+" and New never reads it", "Deviations.FixedConfig with the library's "+tt.field)))
			}
		})
	}
}

// tryNew calls impl.New(cfg) and reports whether it panicked.
func tryNew(impl breaker.Impl, cfg breaker.Config) (b breaker.Breaker, panicked bool) {
	defer func() { panicked = recover() != nil }()
	return impl.New(cfg), false
}

// A panic in fn must reach Execute's caller, who can recover it, and leave
// the breaker usable: no variant may turn it into a crash of the process
// (the guide's seed ran fn on a bare goroutine, where it would have).
func breakerPanicInFnReachesCaller(t *testing.T, impl breaker.Impl) {
	breakerBubble(t, impl, breakerConfig(impl, 1), func(t *testing.T, b *subject) {
		mustPanic(t, b, "closed")
		mustPass(t, b, nil, "after a panicking call")
	})
}

// breakerPanicIsFailure wants each of FailuresToOpen panicking calls to
// reach the caller, and the breaker then open; after the timeout a panicking
// probe reopens it.
func breakerPanicIsFailure(t *testing.T, impl breaker.Impl) {
	breakerBubble(t, impl, breakerConfig(impl, 1), func(t *testing.T, b *subject) {
		n := b.cfg.FailuresToOpen
		for i := range n {
			mustPanic(t, b, "closed, panic "+strconv.Itoa(i+1))
		}
		if impl.Deviations.PanicNotFailure {
			wantState(t, b, breaker.Closed, "declared PanicNotFailure: after "+strconv.Itoa(n)+" panics")
			mustPass(t, b, nil, "declared PanicNotFailure: after the panics")
			return
		}
		notFailure := way("a panic in fn does not count as a failure", "Deviations.PanicNotFailure")
		wantState(t, b, breaker.Open, "after "+strconv.Itoa(n)+" panics", hint{breaker.Closed, notFailure}, hint{breaker.Closed, fixedFailures(b)})
		mustReject(t, b, "opened by panics")
		time.Sleep(b.cfg.OpenTimeout + time.Millisecond)
		for range probesToReopen(b) {
			mustPanic(t, b, "half-open, probe")
		}
		wantState(t, b, breaker.Open, "after a panicking probe", hint{breaker.HalfOpen, notFailure}, hint{breaker.Closed, notFailure})
		mustReject(t, b, "reopened by a panicking probe")
	})
}
