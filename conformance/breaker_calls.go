package conformance

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/concbench/concbench/impl/breaker"
)

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
