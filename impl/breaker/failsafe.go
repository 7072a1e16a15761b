package breaker

import (
	"context"
	"errors"

	"github.com/failsafe-go/failsafe-go"
	"github.com/failsafe-go/failsafe-go/circuitbreaker"
)

// failsafeBreaker adapts github.com/failsafe-go/failsafe-go's circuit
// breaker, used the way its docs show, through an executor:
// failsafe.With(cb).WithContext(ctx).Run(fn). The breaker is count based:
// WithFailureThreshold(FailuresToOpen) (the last N results all failures,
// i.e. N consecutive), WithDelay(OpenTimeout), and
// WithSuccessThresholdRatio(1, HalfOpenProbes), which gives half-open
// HalfOpenProbes permits and closes on the first success. ErrOpen is
// returned wrapped with ErrRejected. State reports HalfOpen once the delay
// has passed (the library itself says Open until the next call).
//
// Differs (all declared):
//   - ReopensOnlyWhenAllProbesFail: with a success threshold of 1 out of
//     HalfOpenProbes, half-open reopens only when success has become
//     impossible, after HalfOpenProbes failures.
//   - NoGenerations: results go to whatever state is current.
//   - CanceledCountsAsSuccess: HandleIf sees only the error; the adapter
//     marks a caller's Canceled so that HandleIf calls it no failure, which
//     failsafe then records as a success.
//   - PanicNotFailure: the executor lets a panic in fn go on up the stack
//     with its value, but records nothing for it.
//
// Cost: the executor builds an execution and composes the policy per call:
// 2000x the floor impl=none (fn called directly) and 17 allocs (544 B) per
// call on the closed path at -cpu 2, 1100x at -cpu 1; a rejection 1400x and
// 16 allocs (ratios of medians: -cpu 2 from
// results/reference/bench/results.txt, -cpu 1 from breaker-cpu.txt beside
// it; ns/op of RunParallel is wall time per call, so the floor halves at
// -cpu 2, as does any design without contention).
type failsafeBreaker struct {
	cb   circuitbreaker.CircuitBreaker[any]
	exec failsafe.Executor[any]
	rej  rejections
}

// newFailsafe returns a failsafe-go breaker configured from cfg.
func newFailsafe(cfg Config) Breaker {
	cfg.validate()
	cb := circuitbreaker.NewBuilder[any]().
		HandleIf(func(_ any, err error) bool { return err != nil && !isExcluded(err) }).
		WithFailureThreshold(uint(cfg.FailuresToOpen)).
		WithDelay(cfg.OpenTimeout).
		WithSuccessThresholdRatio(1, uint(cfg.HalfOpenProbes)).
		Build()
	return &failsafeBreaker{cb: cb, exec: failsafe.With[any](cb), rej: newRejections("failsafe")}
}

func (b *failsafeBreaker) Execute(ctx context.Context, fn func(context.Context) error) error {
	called := false
	err := b.exec.WithContext(ctx).Run(func() error {
		called = true
		err := fn(ctx)
		if err != nil && classify(ctx, err) == neither {
			err = excludedError{err}
		}
		return err
	})
	switch {
	case called:
		return unexclude(err)
	case errors.Is(err, circuitbreaker.ErrOpen):
		return b.rej.open
	default:
		return err
	}
}

func (b *failsafeBreaker) State() State {
	switch b.cb.State() {
	case circuitbreaker.HalfOpenState:
		return HalfOpen
	case circuitbreaker.OpenState:
		if b.cb.RemainingDelay() == 0 {
			return HalfOpen
		}
		return Open
	default:
		return Closed
	}
}

func (b *failsafeBreaker) Close() error { return nil }
