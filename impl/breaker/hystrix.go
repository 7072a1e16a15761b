package breaker

import (
	"context"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/afex/hystrix-go/hystrix"
)

// hystrixBreaker adapts github.com/afex/hystrix-go, the Go port of Netflix
// Hystrix, through hystrix.Do, the synchronous API its README recommends.
// hystrix keys everything by command name in process-wide maps: New picks a
// random name ("concbench-" and 64 random bits, so that no two breakers, nor
// a new one and a dropped one, share a circuit), configures it with
// ConfigureCommand and creates its circuit with GetCircuit.
//
// Configuration, hystrix's defaults except where Config maps:
// RequestVolumeThreshold FailuresToOpen, ErrorPercentThreshold 50 (the
// default), SleepWindow OpenTimeout and Timeout CallTimeout (both whole
// milliseconds, rounded up; CallTimeout 0 is hystrix's default of 1s), and
// MaxConcurrentRequests hystrixMaxConcurrent instead of 10.
//
// Goroutines, all accounted for by the suite's leak checks:
//   - GetCircuit starts two per command (a metrics monitor and a pool
//     metrics monitor, each ranging over a channel nobody closes); they run
//     until the process exits. Close cannot stop them, nor remove the
//     command from the registry (only hystrix.Flush can, and it drops every
//     command of the process). Declared: RegistryGoroutines 2.
//   - Do starts two per call (one runs fn, one waits for it or the
//     timeout); both end shortly after the call, and each result starts a
//     third on the metrics monitor.
//
// fn runs on hystrix's goroutine, not the caller's; the caller's ctx is
// still fn's (Do knows no ctx, so ctx ending does not end the call; a
// Timeout does). A panic in fn, which hystrix does not recover ("panics will
// kill the process like normal", its README), is recovered on that goroutine,
// reported to hystrix as a failure, and raised again with its value on the
// caller's goroutine (the original stack is lost; a panic after the call
// timed out has no caller left and is dropped).
//
// Results: a nil error is a success, a caller's Canceled is handed to hystrix
// as nil (declared CanceledCountsAsSuccess; hystrix has no "neither", and its
// own context_canceled event would count the call but neither close nor
// leave half-open), and any other error a failure. A bare
// context.DeadlineExceeded or Canceled is wrapped on its way through hystrix,
// which would otherwise file it as a non-failure event, and unwrapped for the
// caller.
//
// Differs (all declared):
//   - LeaksGoroutineOnTimeout: on Timeout, Execute returns hystrix.ErrTimeout
//     while fn runs on.
//   - OpensOnErrorRate: hystrix opens when, over a rolling 10s window, at
//     least RequestVolumeThreshold calls were made and at least
//     ErrorPercentThreshold percent failed; it looks at the next call (or
//     State), not when a result arrives.
//   - AsyncCounts: a result reaches the counts through the metrics monitor
//     goroutine after Do has returned, and a successful probe closes the
//     circuit on hystrix's goroutine after Do has returned too.
//   - SingleProbe: once SleepWindow has passed, one call per SleepWindow is
//     let through; a failed probe leaves the circuit open for another.
//   - StateLagsTimeout: State is IsOpen, the check every call makes; hystrix
//     has no half-open state, so State says Open until a probe succeeds.
//   - NoGenerations: a result counts toward the state at its end.
//   - Bulkhead: MaxConcurrentRequests, which the contract does not have: a
//     call that finds every ticket taken is rejected with ErrRejected even
//     while closed. A call takes its ticket back only after Do has returned,
//     on hystrix's goroutine, through the command's one pool-metrics
//     goroutine; in a saturated closed loop at -cpu 2 that goroutine falls
//     behind and 1024 tickets run out (BenchmarkBreaker reports the share
//     of such rejections as rejected/op), though no more than two calls run.
//   - RegistryGoroutines: 2, above.
//
// Clock reads per call on the closed path, counted in the code: five on the
// call's goroutines (the command's start, IsOpen's volume and health checks,
// fn's start and time.Since it), thirteen more on the monitors (time.Since
// the start, two per rolling counter bumped: requests, successes, executed,
// max-active, and two each for the two timing windows), and a timer for the
// Timeout.
//
// Cost: two goroutines, a timer and 24 allocations (1.4 KB) per call, open
// or closed: 17000x the floor impl=none (fn called directly) on the closed
// path at -cpu 1 (4.3 µs), 24000x at -cpu 2; a rejection 15500x. Against
// hystrix.Do called bare the adapter is within the noise (BenchmarkAdapter)
// (ratios of medians of a -count 6 -benchtime 100ms -cpu 1,2 run of
// BenchmarkBreaker, BenchmarkClock and BenchmarkAdapter on the shared 2-core
// AMD EPYC VM, 2026-11-27, not in results/reference; the VM was loaded, so
// -cpu 2 gave no parallel speed-up, even to the floor).
type hystrixBreaker struct {
	name    string
	circuit *hystrix.CircuitBreaker
	rej     rejections
}

// hystrixMaxConcurrent is the command's MaxConcurrentRequests: well above any
// concurrency the suites and scenarios run (32 callers at most), so that
// hystrix's bulkhead rejects a closed-state call only when its bookkeeping
// falls behind (see Bulkhead above). hystrix fills a channel of this many
// tickets per command, 8 KiB.
const hystrixMaxConcurrent = 1024

func newHystrix(cfg Config) Breaker {
	cfg.validate()
	callTimeout := cfg.CallTimeout
	if callTimeout <= 0 {
		callTimeout = time.Second
	}
	name := "concbench-" + strconv.FormatUint(rand.Uint64(), 36)
	hystrix.ConfigureCommand(name, hystrix.CommandConfig{
		Timeout:                ceilMillis(callTimeout),
		MaxConcurrentRequests:  hystrixMaxConcurrent,
		RequestVolumeThreshold: cfg.FailuresToOpen,
		SleepWindow:            ceilMillis(cfg.OpenTimeout),
		ErrorPercentThreshold:  hystrix.DefaultErrorPercentThreshold,
	})
	// GetCircuit creates the circuit, and its two goroutines, here rather
	// than in the first call. Its error is always nil in this version.
	circuit, _, err := hystrix.GetCircuit(name)
	if err != nil {
		panic("breaker: hystrix: " + err.Error())
	}
	return &hystrixBreaker{name: name, circuit: circuit, rej: newRejections("hystrix")}
}

// ceilMillis rounds d up to whole milliseconds, at least 1 (hystrix reads 0
// as "use the default").
func ceilMillis(d time.Duration) int {
	return int(max((d+time.Millisecond-1)/time.Millisecond, 1))
}

// hystrixPanic carries a panic in fn from hystrix's goroutine to the caller's.
type hystrixPanic struct{ value any }

func (p *hystrixPanic) Error() string { return "breaker: hystrix: fn panicked" }

// hystrixCtxError carries a bare context error through hystrix as a failure.
type hystrixCtxError struct{ err error }

func (e hystrixCtxError) Error() string { return e.err.Error() }

func (b *hystrixBreaker) Execute(ctx context.Context, fn func(context.Context) error) error {
	// canceled is written on hystrix's goroutine before Do's run returns nil,
	// and read here only when Do returned nil: Do returns nil only after
	// receiving the run's "done" send, so the read happens after the write.
	var canceled error
	err := hystrix.Do(b.name, func() (err error) {
		defer func() {
			if v := recover(); v != nil {
				err = &hystrixPanic{v}
			}
		}()
		err = fn(ctx)
		switch {
		case err == nil:
			return nil
		case Classify(ctx, err) == Neither:
			canceled = err
			return nil // declared CanceledCountsAsSuccess
		case err == context.DeadlineExceeded || err == context.Canceled:
			return hystrixCtxError{err} // hystrix would not call it a failure
		default:
			return err
		}
	}, nil)
	switch e := err.(type) {
	case nil:
		return canceled
	case *hystrixPanic:
		panic(e.value)
	case hystrixCtxError:
		return e.err
	}
	switch err {
	case hystrix.ErrCircuitOpen:
		return b.rej.open
	case hystrix.ErrMaxConcurrency:
		return b.rej.busy
	}
	return err
}

func (b *hystrixBreaker) State() State {
	if b.circuit.IsOpen() {
		return Open
	}
	return Closed
}

// Close does nothing: what hystrix keeps for the command (its registry
// entries and their two goroutines) cannot be released one command at a
// time.
func (b *hystrixBreaker) Close() error { return nil }
