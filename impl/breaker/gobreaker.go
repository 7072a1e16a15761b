package breaker

import (
	"context"
	"errors"

	"github.com/sony/gobreaker/v2"
)

// gobreakerBreaker adapts github.com/sony/gobreaker/v2: ReadyToTrip on
// Counts.ConsecutiveFailures, Timeout = OpenTimeout, MaxRequests =
// HalfOpenProbes, Interval 0 (counts are never cleared while closed).
// gobreaker keeps generations, like the contract. Its rejections
// (ErrOpenState, ErrTooManyRequests) are returned wrapped with ErrRejected.
// A caller's context.Canceled is marked by wrapping it in excludedError,
// which IsExcluded recognises, so it counts as neither; the wrapper is
// removed before Execute returns.
//
// Execute is gobreaker's cheapest way as well as its README's: the
// alternative, TwoStepCircuitBreaker.Allow, returns a done closure per call
// that escapes (an allocation) and reads the clock as often; IsExcluded is
// what its Settings doc offers "to ignore context cancellations"; Execute
// already counts a panic in fn as a failure and panics again with the value.
//
// Differs (declared: ClosesOnlyWhenAllProbesSucceed): MaxRequests is the
// number of probes in a whole half-open period, not at once, and all of
// them must succeed to close.
//
// Clock reads: two time.Now per call on the closed path (beforeRequest and
// afterRequest), one per rejection. On the loaded 2-core VM of 2026-11-27,
// BenchmarkClock put time.Now at 45 ns, 183x the floor impl=none: about 90
// of gobreaker's 126 ns closed call, 70%, is the clock. The adapter adds 1%
// to gobreaker's bare Execute (BenchmarkAdapter, same run).
//
// Cost: two Lock/Unlock pairs and two time.Now per call (gobreaker reads the
// clock before and after fn): 530x the floor impl=none (fn called directly)
// on the closed path at -cpu 2 and 240x at -cpu 1; a rejection 310x; 0
// allocs (the closure stays on the stack) (ratios of medians: -cpu 2 from
// results/reference/bench/results.txt, -cpu 1 from breaker-cpu.txt beside
// it; ns/op of RunParallel is wall time per call, so the floor halves at
// -cpu 2, as does any design without contention).
type gobreakerBreaker struct {
	cb  *gobreaker.CircuitBreaker[struct{}]
	rej rejections
}

// excludedError carries an error that must count as neither success nor
// failure through a library that only sees errors.
type excludedError struct{ err error }

func (e excludedError) Error() string { return e.err.Error() }
func (e excludedError) Unwrap() error { return e.err }

func isExcluded(err error) bool {
	_, ok := err.(excludedError)
	return ok
}

// unexclude removes the excludedError wrapper, if err has one.
func unexclude(err error) error {
	if e, ok := err.(excludedError); ok {
		return e.err
	}
	return err
}

func newGobreaker(cfg Config) Breaker {
	cfg.validate()
	n := uint32(cfg.FailuresToOpen)
	return &gobreakerBreaker{
		cb: gobreaker.NewCircuitBreaker[struct{}](gobreaker.Settings{
			Name:        "gobreaker",
			MaxRequests: uint32(cfg.HalfOpenProbes),
			Timeout:     cfg.OpenTimeout,
			ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= n },
			IsExcluded:  isExcluded,
		}),
		rej: newRejections("gobreaker"),
	}
}

func (b *gobreakerBreaker) Execute(ctx context.Context, fn func(context.Context) error) error {
	called := false
	_, err := b.cb.Execute(func() (struct{}, error) {
		called = true
		err := fn(ctx)
		if err != nil && Classify(ctx, err) == Neither {
			err = excludedError{err}
		}
		return struct{}{}, err
	})
	switch {
	case called:
		return unexclude(err)
	case errors.Is(err, gobreaker.ErrOpenState):
		return b.rej.open
	case errors.Is(err, gobreaker.ErrTooManyRequests):
		return b.rej.busy
	default:
		return err
	}
}

func (b *gobreakerBreaker) State() State {
	switch b.cb.State() {
	case gobreaker.StateOpen:
		return Open
	case gobreaker.StateHalfOpen:
		return HalfOpen
	default:
		return Closed
	}
}

func (b *gobreakerBreaker) Close() error { return nil }
