package conformance

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/concbench/concbench/impl/breaker"
)

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

// A panic in fn must reach Execute's caller, who can recover it, and leave
// the breaker usable: no variant may turn it into a crash of the process
// (the guide's seed ran fn on a bare goroutine, where it would have).
func breakerPanicInFnReachesCaller(t *testing.T, impl breaker.Impl) {
	breakerBubble(t, impl, breakerConfig(1), func(t *testing.T, b breaker.Breaker) {
		mustPanic(t, b, "closed")
		mustPass(t, b, nil, "after a panicking call")
	})
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
