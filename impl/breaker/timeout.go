package breaker

import (
	"context"
	"fmt"
	"time"
)

// The two timeout variants answer the guide's "how do you handle timeouts
// in concurrent operations? Use context.WithTimeout or time.After with
// select". Each is the mutex breaker (the same state machine, admitted and
// recorded under the same lock, taken twice a call and never across fn)
// with a per-call timeout of Config.CallTimeout (1s when zero) added, and
// they differ only in how they impose it:
//
//   - timeoutctx derives fn's ctx with context.WithTimeout and runs fn on the
//     caller's goroutine. The deadline reaches fn only if fn listens to its
//     ctx: one that does not (a hung downstream, deaf to cancellation) holds
//     the caller until it returns. Nothing outlives the call; cancel stops
//     the timer at once.
//   - timeoutafter runs fn on a goroutine of its own, with the caller's
//     ctx, and selects on its result, that ctx and time.After(CallTimeout),
//     the guide's idiom. The caller gets its answer at the timeout even
//     from a deaf fn, but fn is never told: time.After ends the wait, not
//     the work, so fn's goroutine runs on until fn returns of its own
//     accord, listening to its ctx or not (declared:
//     LeaksGoroutineOnTimeout), and every call pays for a goroutine, a
//     channel and a timer. Since Go 1.23 an unexpired time.After timer that
//     nothing references is collected, so the timer itself no longer
//     outlives the call; the goroutine does.
//
// Neither counts a timeout differently: a call that times out is a
// failure, a caller's cancellation neither, as in the contract.

// timeoutCtx is the mutex breaker with a context.WithTimeout per call.
//
// Clock reads: context.WithTimeout reads the clock for its deadline, once
// a call; otherwise those of mutex.
//
// Cost: a timerCtx and its timer per admitted call (started and stopped),
// on top of mutex's two Lock/Unlock pairs.
type timeoutCtx struct {
	mutexBreaker
	timeout time.Duration
}

func newTimeoutCtx(cfg Config) Breaker {
	cfg.validate()
	return &timeoutCtx{
		mutexBreaker: mutexBreaker{m: machine{cfg: cfg, rej: newRejections("timeoutctx")}},
		timeout:      callTimeout(cfg),
	}
}

func (b *timeoutCtx) Execute(ctx context.Context, fn func(context.Context) error) error {
	b.mu.Lock()
	gen, err := b.m.admit()
	b.mu.Unlock()
	if err != nil {
		return err
	}
	callCtx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	done := false
	defer func() {
		if !done { // fn panicked
			b.record(gen, Failure)
		}
	}()
	err = fn(callCtx)
	done = true
	b.record(gen, Classify(ctx, err))
	return err
}

// timeoutAfter is the mutex breaker with fn on a goroutine raced against
// time.After per call.
//
// Clock reads: time.After arms a timer from the monotonic clock, once a
// call; otherwise those of mutex.
//
// Cost: a goroutine, a buffered channel and a timer per admitted call, on
// top of mutex's two Lock/Unlock pairs; a call that times out leaves its
// goroutine running until fn returns.
type timeoutAfter struct {
	mutexBreaker
	timeout  time.Duration
	timedOut error // made once: a timeout allocates no error
}

func newTimeoutAfter(cfg Config) Breaker {
	cfg.validate()
	d := callTimeout(cfg)
	return &timeoutAfter{
		mutexBreaker: mutexBreaker{m: machine{cfg: cfg, rej: newRejections("timeoutafter")}},
		timeout:      d,
		timedOut:     fmt.Errorf("breaker timeoutafter: call timed out after %v: %w", d, context.DeadlineExceeded),
	}
}

// afterResult is what fn's goroutine hands back: its error, or the value
// it panicked with.
type afterResult struct {
	err      error
	panicked bool
	value    any
}

func (b *timeoutAfter) Execute(ctx context.Context, fn func(context.Context) error) error {
	b.mu.Lock()
	gen, err := b.m.admit()
	b.mu.Unlock()
	if err != nil {
		return err
	}
	// Buffered, so that fn's goroutine can hand over its result and exit
	// even when nobody is waiting for it any more.
	result := make(chan afterResult, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil { // re-raised on the caller's goroutine below
				result <- afterResult{panicked: true, value: v}
			}
		}()
		result <- afterResult{err: fn(ctx)}
	}()
	select {
	case r := <-result:
		if r.panicked {
			b.record(gen, Failure)
			panic(r.value)
		}
		b.record(gen, Classify(ctx, r.err))
		return r.err
	case <-ctx.Done():
		err := ctx.Err()
		b.record(gen, Classify(ctx, err))
		return err
	case <-time.After(b.timeout):
		b.record(gen, Failure)
		return b.timedOut
	}
}

// callTimeout is cfg's CallTimeout, or the guide's 1s when it is zero.
func callTimeout(cfg Config) time.Duration {
	if cfg.CallTimeout > 0 {
		return cfg.CallTimeout
	}
	return time.Second
}
