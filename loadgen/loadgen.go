// Package loadgen is concbench's load generator: open and closed loops
// against any function, with latency measured from each operation's
// intended start, HDR histograms and runtime metrics on one clock. The
// scenario driver runs every trial through it; a user's own test or program
// can run it directly, without scenario files or child processes:
//
//	res, err := loadgen.Run(ctx, loadgen.Config{
//		Model: loadgen.Open, Rate: 1000, Arrival: loadgen.Poisson,
//		Clients: 1, Duration: 2 * time.Second, Warmup: 200 * time.Millisecond,
//	}, func(ctx context.Context) error { return myCall(ctx) })
//	fmt.Println(time.Duration(res.Latency.ValueAtQuantile(99)))
//
// # Open loop
//
// Each of Clients goroutines owns an equal share of Rate and its own
// schedule of intended start times (constant gaps or Poisson arrivals), as
// wrk2 does. Latency is completion minus intended start, so a target that
// stalls pays for every operation it delayed (no coordinated omission);
// service time (completion minus actual start) and lateness (actual minus
// intended start) are recorded beside it. A client that falls so far behind
// that it reaches the hard stop, twice the window after the warm-up, counts
// each operation it never started as unstarted and records its latency up
// to the stop. With MaxInflight, operations that would exceed it are
// refused and counted as dropped.
//
// # Closed loop
//
// Each client issues its next operation when the previous one completes
// (for a Submit target, when its task has finished), then waits Think.
//
// # Precision
//
// The generator's own lateness is not the target's. Every open-loop client
// records, for each operation it had to wait for, how late its wait ended
// (Result.Wake: the harness's own error, apart from the lateness the
// target causes, which stays in Result.Lateness and the latency), and the
// time it spent spinning or yielding (Result.SpinNs). Config.Sleeper
// chooses how it waits; Result.Sleeper says which ran.
//
// By default (SleepAuto), where the OS has timerfd (Linux), a client
// waits on a timerfd through Go's netpoller until a margin before its
// intended start (the recent oversleep's 80th percentile, at most 200 µs),
// then yields the processor in a loop until the start: while it waits it
// holds neither a processor nor a thread, and the target's goroutines
// (its network reads, its timers) run as they would beside any other
// goroutine. Elsewhere, and with SleepGoTimer, it sleeps through Go's
// timer, which on an idle runtime wakes up to about a millisecond late,
// and yields for the rest. SleepPrecise sleeps in clock_nanosleep on a
// locked thread and spins: the smallest start error, but a client parked
// in a system call keeps its processor, and the target's netpoller-woken
// goroutines wait for sysmon to take it back.
//
// Measured on a 2-core VM, interleaved (scenarios/more/harness-precision
// and harness-precision-clients, 5 trials of 2 s each; quiet machine): the
// poll sleeper's start error (wake) of a no-op target at 100 and 1000
// ops/s is 0.9 and 13 µs at p50 and 128 and 95 µs at p99 with one client
// (precise: 0.0 µs, 28 and 19 µs; Go's timer: 518 and 464 µs, 1032 and
// 930 µs), for 0.3 and 1.5% of a core. But with eight clients the precise
// sleeper made a pipe echo to another goroutine (the harness floor's
// target) take 15 ms and 4 ms at p50 instead of the 22 and 16 µs it takes
// alone, and a loopback HTTP GET 11-20 times its time alone
// (internal/truth); the poll sleeper left both as they are alone (0.9-1.35
// times), and concbench's latency of that GET within 0.91-1.10 times
// vegeta's at the median. Where precision and not disturbing conflict,
// auto chooses not disturbing. Each trial measures what the harness did
// to its target (record.Trial.SoloP50Ns, Disturbed; see [Solo]).
//
// # Measurement
//
// Only operations intended inside the window (after Warmup, for Duration)
// are measured; throughput counts every completion inside the window.
// Latencies go into HDR histograms (1 ns to MaxLatency, 3 digits), one per
// client or completion shard, merged at the end: recording costs no lock
// shared between clients and no allocation. A sampler reads
// runtime/metrics (goroutines, stacks, heap, GC pauses, scheduler latency,
// mutex wait) and the recorders every SampleEvery.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/concbench/concbench/record"
)

// Model is how operations arrive: the words of a scenario file's
// load.model.
type Model string

const (
	// Closed: each client issues its next operation when the previous one
	// completes. The zero Model is Closed.
	Closed Model = "closed"
	// Open: operations start on a schedule, whatever the target does.
	Open Model = "open"
)

func (m Model) String() string {
	if m == "" {
		return string(Closed)
	}
	return string(m)
}

// Arrival is an open loop's schedule of intended starts: the words of a
// scenario file's load.arrival.
type Arrival string

const (
	Constant Arrival = "constant" // equal gaps; the zero Arrival is Constant
	Poisson  Arrival = "poisson"  // exponential gaps: independent arrivals
)

func (a Arrival) String() string {
	if a == "" {
		return string(Constant)
	}
	return string(a)
}

// Config is one run of the generator.
type Config struct {
	Model       Model
	Rate        float64       // Open: operations per second, all clients together
	Arrival     Arrival       // Open
	Clients     int           // Closed: concurrent clients; Open: issuing goroutines, each a share of Rate
	Think       time.Duration // Closed: pause between a client's operations
	MaxInflight int           // Open: refuse (count as dropped) beyond this many in flight; 0 = no cap
	// Sleeper (Open) is how the clients wait for intended starts:
	// SleepAuto (also ""), SleepPoll, SleepPrecise or SleepGoTimer.
	Sleeper  string
	Duration time.Duration // the measurement window
	Warmup   time.Duration // load before the window, not measured
	// SampleEvery is the sampler's period; 0 picks about 50 samples a
	// window, between 5 ms and 500 ms.
	SampleEvery time.Duration
	// OnStart, if set, is called once with the wall-clock time at which the
	// measurement window opens, before the first operation starts (the
	// scenario driver times its injected outages from it).
	OnStart func(windowStart time.Time)
}

// Target is what the generator drives: exactly one of Call and Submit.
type Target struct {
	// Call performs one whole operation on the calling client's goroutine.
	Call func(ctx context.Context) error
	// Submit hands task over and may block (back-pressure); the operation
	// completes when task returns, possibly on another goroutine. An error
	// is a refused operation: measured as a failure with its latency so far.
	Submit func(ctx context.Context, task func()) error
	// Task is the work of each task handed to Submit (its error makes the
	// operation a failure); nil for none.
	Task func(ctx context.Context) error
	// State, if set, is sampled into the time series (a breaker's state).
	State func() string
}

// Result is what a run measured. Histograms are in nanoseconds.
type Result struct {
	Latency  *hdrhistogram.Histogram // completion - intended start (corrected for coordinated omission)
	Service  *hdrhistogram.Histogram // completion - actual start (for a Submit target, from when the task starts)
	Lateness *hdrhistogram.Histogram // actual start - intended start
	// Wake (open loop; nil for a closed one) is the generator's own error:
	// for each measured operation whose client was idle before its
	// intended start, when the client's wait ended minus the intended
	// start. An operation whose intended start had passed when its client
	// got to it (the target held the client: a slow Call, a blocking
	// Submit) records none; its lateness is the target's, and stays in
	// Latency.
	Wake *hdrhistogram.Histogram
	// SpinNs (open loop) is the time the clients spent spinning on the
	// clock (or, with SleeperGoTimer, yielding in a loop) before measured
	// operations, all clients together: the CPU the precision costs.
	SpinNs int64
	// Sleeper is how the clients waited: SleeperPrecise, SleeperGoTimer
	// or, for a closed loop, SleeperNone.
	Sleeper string

	Ops       int64 // measured operations: intended inside the window; their latencies fill Latency
	WindowOps int64 // completions, measured or not, inside the window
	Issued    int64 // operations started, warm-up included
	Errors    int64 // measured operations that failed (returned an error, or Submit refused them)
	Dropped   int64 // refused by MaxInflight
	Unstarted int64 // open loop: never started before the hard stop

	Window  time.Duration // the measurement window
	Elapsed time.Duration // from the window's opening to the last measured completion (at least Window)

	PeakGoroutines int    // runtime.NumGoroutine at its highest sample
	PeakStackBytes uint64 // goroutine stack memory at its highest sample
	Series         record.Series

	// Cost is what the measurement window cost the whole process (CPU,
	// allocations, GC, scheduler latency, mutex wait), nil if the window
	// did not run whole. The generator's own share is in it: a run against
	// a no-op target measures that share.
	Cost *record.Cost

	// Behind says how an open-loop schedule was not held; "" if it was.
	Behind string
	// Aborted says why the run could not go on as configured, "" if it
	// could: an operation that called runtime.Goexit ended its client.
	Aborted string
}

// Throughput is completions inside the window per second.
func (r Result) Throughput() float64 { return float64(r.WindowOps) / r.Window.Seconds() }

// Run runs fn under cfg's load and returns what it measured. It returns an
// error only for an invalid Config; an interrupted run (ctx ended) returns
// what it measured so far with ctx's error.
func Run(ctx context.Context, cfg Config, fn func(ctx context.Context) error) (Result, error) {
	return RunTarget(ctx, cfg, Target{Call: fn})
}

// RunTarget is Run for a Target: a function, or a Submit that hands tasks
// to something else (a pool) to run.
func RunTarget(ctx context.Context, cfg Config, t Target) (Result, error) {
	if err := cfg.check(t); err != nil {
		return Result{}, err
	}
	g, err := newGenerator(ctx, cfg, t)
	if err != nil {
		return Result{}, fmt.Errorf("loadgen: %w", err)
	}
	res := g.run(ctx)
	return res, ctx.Err()
}

func (c Config) check(t Target) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("loadgen: "+format, args...)) }
	if (t.Call == nil) == (t.Submit == nil) {
		bad("a Target needs exactly one of Call and Submit")
	}
	if c.Clients < 1 {
		bad("Clients %d: want at least 1", c.Clients)
	}
	if c.Duration <= 0 || c.Duration > MaxLatency {
		bad("Duration %v: want more than 0, at most %v", c.Duration, MaxLatency)
	}
	if c.Warmup < 0 || c.Warmup > MaxLatency {
		bad("Warmup %v: want 0 to %v", c.Warmup, MaxLatency)
	}
	switch c.Model {
	case Open:
		if !(c.Rate > 0) || c.Rate*c.Duration.Seconds() < 1 || c.Rate > 1e9 {
			bad("Rate %v: want more than 0, at most 1e9, and at least one operation in the window", c.Rate)
		}
		if c.Arrival != "" && c.Arrival != Constant && c.Arrival != Poisson {
			bad("Arrival %q: want Constant or Poisson", c.Arrival)
		}
		if c.MaxInflight < 0 {
			bad("MaxInflight %d: want 0 (no cap) or more", c.MaxInflight)
		}
		if c.Think != 0 {
			bad("Think applies to a closed loop only")
		}
		switch c.Sleeper {
		case "", SleepAuto, SleepGoTimer:
		case SleepPoll:
			if !hasPoll {
				bad("Sleeper %q: %s has no timerfd to wait on through the netpoller (Linux); want %q or %q", c.Sleeper, runtime.GOOS, SleepAuto, SleepGoTimer)
			}
		case SleepPrecise:
			if !hasPrecise {
				bad("Sleeper %q: %s has no precise sleeper (it needs clock_nanosleep with TIMER_ABSTIME: Linux); want %q or %q", c.Sleeper, runtime.GOOS, SleepAuto, SleepGoTimer)
			}
		default:
			bad("Sleeper %q: want %q, %q, %q or %q", c.Sleeper, SleepAuto, SleepPoll, SleepPrecise, SleepGoTimer)
		}
	case Closed, "":
		if c.Rate != 0 || c.MaxInflight != 0 || c.Sleeper != "" && c.Sleeper != SleepAuto {
			bad("Rate, MaxInflight and Sleeper apply to an open loop only")
		}
		if c.Think < 0 {
			bad("Think %v: want 0 or more", c.Think)
		}
	default:
		bad("Model %q: want Open or Closed", c.Model)
	}
	return errors.Join(errs...)
}
