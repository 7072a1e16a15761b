package mybench

import (
	"context"
	"errors"
	"fmt"

	"github.com/sony/gobreaker"

	"github.com/concbench/concbench/impl/breaker"
)

// BreakerImpl is the registry entry of the gobreaker v1 adapter. Its Doc
// begins with the library's module path, so runbench records the
// library's version (from the binary's build information) beside every
// result of it.
//
// Deviations, each checked by conformance.Breaker as declared:
//   - CanceledCountsAsFailure: gobreaker v1 knows success and failure only
//     (IsSuccessful), not the contract's "neither" for a call whose caller
//     canceled it (breaker.Classify). Its TwoStepCircuitBreaker cannot skip
//     a result either: a half-open probe that never reports keeps its slot
//     for ever. The adapter keeps the library's default, a failure, rather
//     than calling it a success: a canceled probe then reopens the breaker
//     instead of closing it on a call that told it nothing about the
//     downstream.
//   - ClosesOnlyWhenAllProbesSucceed: MaxRequests is the number of probes of
//     a whole half-open period, and that many consecutive successes close
//     it (as in gobreaker v2, concbench's built-in "gobreaker").
func BreakerImpl() breaker.Impl {
	return breaker.Impl{
		Name: "gobreakerv1",
		Doc:  "github.com/sony/gobreaker v1 CircuitBreaker.Execute: ConsecutiveFailures trip, MaxRequests probes (example.com/mybench)",
		New:  NewBreaker,
		Deviations: breaker.Deviations{
			CanceledCountsAsFailure:        true,
			ClosesOnlyWhenAllProbesSucceed: true,
		},
	}
}

// Breaker adapts a gobreaker v1 CircuitBreaker: ReadyToTrip on
// Counts.ConsecutiveFailures, Timeout = OpenTimeout, MaxRequests =
// HalfOpenProbes, Interval 0 (counts never cleared while closed).
// gobreaker keeps generations, as the contract does, counts a panic in fn
// as a failure and panics again with its value on the caller's goroutine,
// and State turns Open into HalfOpen once the timeout has passed. Its
// rejections (ErrOpenState, ErrTooManyRequests) come back wrapped with
// breaker.ErrRejected.
type Breaker struct {
	cb         *gobreaker.CircuitBreaker
	open, busy error // the rejections, made once so that rejecting allocates nothing
}

// NewBreaker returns a closed breaker. It panics on an invalid Config, as
// the contract asks (gobreaker itself would put its defaults in place of
// zeros).
func NewBreaker(cfg breaker.Config) breaker.Breaker {
	if cfg.FailuresToOpen < 1 || cfg.OpenTimeout <= 0 || cfg.HalfOpenProbes < 1 {
		panic(fmt.Sprintf("mybench: invalid breaker config %+v: FailuresToOpen, OpenTimeout and HalfOpenProbes must be positive", cfg))
	}
	n := uint32(cfg.FailuresToOpen)
	return &Breaker{
		cb: gobreaker.NewCircuitBreaker(gobreaker.Settings{
			Name:        "gobreakerv1",
			MaxRequests: uint32(cfg.HalfOpenProbes),
			Timeout:     cfg.OpenTimeout,
			ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= n },
		}),
		open: fmt.Errorf("gobreakerv1: %w: %w", gobreaker.ErrOpenState, breaker.ErrRejected),
		busy: fmt.Errorf("gobreakerv1: %w: %w", gobreaker.ErrTooManyRequests, breaker.ErrRejected),
	}
}

// Execute runs fn(ctx) on the caller's goroutine through gobreaker's
// Execute and returns fn's error unchanged, or a rejection.
func (b *Breaker) Execute(ctx context.Context, fn func(context.Context) error) error {
	called := false
	_, err := b.cb.Execute(func() (any, error) {
		called = true
		return nil, fn(ctx)
	})
	switch {
	case called:
		return err
	case errors.Is(err, gobreaker.ErrOpenState):
		return b.open
	case errors.Is(err, gobreaker.ErrTooManyRequests):
		return b.busy
	default:
		return err
	}
}

// State reports the state the next call would see.
func (b *Breaker) State() breaker.State {
	switch b.cb.State() {
	case gobreaker.StateOpen:
		return breaker.Open
	case gobreaker.StateHalfOpen:
		return breaker.HalfOpen
	default:
		return breaker.Closed
	}
}

// Close does nothing: gobreaker starts no goroutine.
func (b *Breaker) Close() error { return nil }
