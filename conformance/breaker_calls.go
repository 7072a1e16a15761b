package conformance

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/concbench/concbench/impl/breaker"
)

// breakerCall runs one Execute whose fn returns result, and reports whether
// fn ran.
func breakerCall(b *subject, result error) (err error, ran bool) {
	err = b.Execute(context.Background(), func(context.Context) error {
		ran = true
		return result
	})
	b.settle()
	return err, ran
}

// hint is a way out for one wrong State: a failure message gives it when
// State reported got.
type hint struct {
	got breaker.State
	way string
}

// wantState fails the check unless State reports want, giving the ways of
// the hints whose got it reported.
func wantState(t *testing.T, b *subject, want breaker.State, when string, hints ...hint) {
	t.Helper()
	b.settle()
	got := b.State()
	if got == want {
		return
	}
	var ws []string
	for _, h := range hints {
		if h.got == got {
			ws = append(ws, h.way)
		}
	}
	t.Fatalf("%s: State() = %v, want %v%s", when, got, want, ways(ws...))
}

// mustPass runs a call that the breaker must admit, and checks that fn's
// error comes back unchanged; a rejection's message ends with ws.
func mustPass(t *testing.T, b *subject, result error, when string, ws ...string) {
	t.Helper()
	err, ran := breakerCall(b, result)
	if !ran {
		t.Fatalf("%s: fn did not run (Execute = %v)%s", when, err, ways(ws...))
	}
	if err != result {
		t.Fatalf("%s: Execute = %v, want fn's error %v", when, err, result)
	}
}

// mustReject runs a call that the breaker must reject without calling fn;
// an admission's message ends with ws.
func mustReject(t *testing.T, b *subject, when string, ws ...string) {
	t.Helper()
	err, ran := breakerCall(b, nil)
	if ran {
		t.Fatalf("%s: fn ran, want the call rejected%s", when, ways(ws...))
	}
	if !errors.Is(err, breaker.ErrRejected) {
		t.Fatalf("%s: Execute = %v, want an error matching ErrRejected", when, err)
	}
}

// fixedFailures is the way out for a breaker that opens after another
// number of failures than Config.FailuresToOpen asked for.
func fixedFailures(b *subject) string {
	return way(fmt.Sprintf("the library cannot be given Config.FailuresToOpen (here %d) and opens on a number of its own", b.cfg.FailuresToOpen),
		"Deviations.FixedConfig with that number as FailuresToOpen")
}

// fixedTimeout is the way out for a breaker whose open timeout is not the
// Config.OpenTimeout it was given.
func fixedTimeout(b *subject) string {
	return way(fmt.Sprintf("the library cannot be given Config.OpenTimeout (here %v) and stays open for a time of its own", b.cfg.OpenTimeout),
		"Deviations.FixedConfig with that time as OpenTimeout")
}

// fixedProbes is the way out for a breaker whose probe limit is not the
// Config.HalfOpenProbes it was given.
func fixedProbes(b *subject) string {
	return way(fmt.Sprintf("the library cannot be given Config.HalfOpenProbes (here %d) and has a limit of its own", b.cfg.HalfOpenProbes),
		"Deviations.FixedConfig with that limit as HalfOpenProbes")
}

// opensLate are the ways out for a breaker still closed after the failures
// that should have opened it.
func opensLate(b *subject) []string {
	return []string{fixedFailures(b),
		way("it opens on a failure rate", "Deviations.OpensOnErrorRate"),
		way("results reach its counts after Execute has returned", "Deviations.AsyncCounts")}
}

// openBreaker makes a closed breaker open with failures: FailuresToOpen of
// them, or fewer for a declared OpensOnErrorRate whose count already holds
// a success (the probe that closed it).
func openBreaker(t *testing.T, b *subject) {
	t.Helper()
	for i := 0; ; i++ {
		b.settle()
		if b.State() == breaker.Open {
			return
		}
		if i == b.cfg.FailuresToOpen {
			t.Fatalf("opening: still %v after %d failures%s", b.State(), i, ways(opensLate(b)...))
		}
		mustPass(t, b, errBoom, "opening")
	}
}

// halfOpen opens a closed breaker and waits out the timeout.
func halfOpen(t *testing.T, b *subject) {
	t.Helper()
	openBreaker(t, b)
	time.Sleep(b.cfg.OpenTimeout + time.Millisecond)
}

// rateState is the state a breaker that declares OpensOnErrorRate is in
// after calls results since it last closed, fails of them failures.
func rateState(b *subject, calls, fails int) breaker.State {
	if calls >= b.cfg.FailuresToOpen && 2*fails >= calls {
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
func canceledCall(t *testing.T, b *subject) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ran := false
	err := b.Execute(ctx, func(ctx context.Context) error {
		ran = true
		cancel()
		return ctx.Err()
	})
	b.settle()
	if !ran || !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled call: fn ran %v, Execute = %v; want fn run and context.Canceled", ran, err)
	}
}

// panicValue is what fn panics with: a pointer, so that the caller's
// recovered value can only be equal to it if it is the same value.
type panicValue struct{ when string }

// mustPanic runs a call whose fn panics and wants the panic to reach the
// caller (recover only sees a panic on its own goroutine) with fn's value.
func mustPanic(t *testing.T, b *subject, when string) {
	t.Helper()
	want := &panicValue{when}
	got := func() (v any) {
		defer func() { v = recover() }()
		_ = b.Execute(context.Background(), func(context.Context) error { panic(want) })
		return nil
	}()
	b.settle()
	if got != want {
		t.Fatalf("%s: the caller recovered %v, want the value fn panicked with, %v", when, got, want)
	}
}
