package breaker

import (
	"context"
	"errors"

	"github.com/eapache/go-resiliency/breaker"
)

// resiliencyBreaker adapts github.com/eapache/go-resiliency/breaker:
// New(FailuresToOpen, 1, OpenTimeout), Run with a closure over ctx and fn
// (the library knows no ctx). ErrBreakerOpen is returned wrapped with
// ErrRejected. The closed path is cheap: one atomic load of the state, and
// a success while closed records nothing.
//
// Run is the library's only synchronous call (Go runs work on a goroutine
// of its own and drops its error), its README's way, and already the
// cheapest: no allocation, and it counts a panic in fn as a failure before
// panicking again with the value.
//
// Differs (all declared):
//   - FailuresNotConsecutive: successes do not reset the error count; it
//     resets only when OpenTimeout passes between two errors.
//   - StartsTimerGoroutine: opening starts `go b.timer()`, which sleeps for
//     OpenTimeout and then sets half-open.
//   - NoProbeLimit: half-open admits every caller.
//   - NoGenerations: a result counts toward the state at its end.
//   - CanceledCountsAsSuccess: the library sees only nil or an error, and
//     the adapter hands it nil for a caller's Canceled (returning the
//     error to the caller): harmless while closed, where successes are not
//     counted, but a canceled probe closes the breaker. Handing it the error
//     instead would count cancellations toward opening.
//
// Clock reads: none on a closed success or a rejection; a failure reads
// time.Now once or twice. The adapter's closure and error mapping add 7% to
// the bare Run on the closed path and triple the 2.4 ns bare rejection
// (BenchmarkAdapter on the loaded 2-core VM, 2026-11-27).
//
// Cost: on the closed path one atomic load before fn and nothing after a
// success: 31x the floor impl=none (fn called directly) per call at -cpu 2
// and 26x at -cpu 1, 0 allocs; a rejection 34x (ratios of medians: -cpu 2 from
// results/reference/bench/results.txt, -cpu 1 from breaker-cpu.txt beside
// it; ns/op of RunParallel is wall time per call, so the floor halves at
// -cpu 2, as does any design without contention).
type resiliencyBreaker struct {
	b   *breaker.Breaker
	rej rejections
}

func newResiliency(cfg Config) Breaker {
	cfg.validate()
	return &resiliencyBreaker{
		b:   breaker.New(cfg.FailuresToOpen, 1, cfg.OpenTimeout),
		rej: newRejections("resiliency"),
	}
}

func (b *resiliencyBreaker) Execute(ctx context.Context, fn func(context.Context) error) error {
	called := false
	var canceled error
	err := b.b.Run(func() error {
		called = true
		err := fn(ctx)
		if err != nil && Classify(ctx, err) == Neither {
			canceled = err
			return nil
		}
		return err
	})
	switch {
	case canceled != nil:
		return canceled
	case !called && errors.Is(err, breaker.ErrBreakerOpen):
		return b.rej.open
	default:
		return err
	}
}

func (b *resiliencyBreaker) State() State {
	switch b.b.GetState() {
	case breaker.Open:
		return Open
	case breaker.HalfOpen:
		return HalfOpen
	default:
		return Closed
	}
}

func (b *resiliencyBreaker) Close() error { return nil }
