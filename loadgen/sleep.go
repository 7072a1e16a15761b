package loadgen

import (
	"context"
	"runtime"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Sleepers: how an open-loop client waits for an operation's intended
// start (Result.Sleeper).
const (
	// SleeperPrecise sleeps with clock_nanosleep(CLOCK_MONOTONIC,
	// TIMER_ABSTIME) until a margin before the intended start, then spins
	// on the clock for what is left of the margin. Linux only.
	SleeperPrecise = "clock_nanosleep+spin"
	// SleeperGoTimer sleeps through Go's timer (time.Sleep) and yields the
	// processor (runtime.Gosched) for the rest of the wait.
	SleeperGoTimer = "go-timer"
	// SleeperPoll waits on a timerfd through Go's netpoller until a margin
	// before the intended start, then spins for what is left of the
	// margin. Linux only.
	SleeperPoll = "timerfd+poll"
	// SleeperNone: a closed loop, which has no schedule to wait for.
	SleeperNone = "none"
)

// Sleeper choices: Config.Sleeper, how an open loop's clients are to wait.
const (
	// SleepAuto (or "") picks the poll sleeper where the OS has it
	// ([PollAvailable]), and Go's timer otherwise: the sleepers that
	// leave the target's goroutines to the runtime as it would run them
	// without the generator (see the package doc, Precision).
	SleepAuto = "auto"
	// SleepPrecise asks for the precise sleeper (SleeperPrecise), the
	// smallest start error, at the cost of disturbing a target that needs
	// the netpoller; a Config with it is refused where the OS has none.
	SleepPrecise = "precise"
	// SleepGoTimer asks for Go's timer (SleeperGoTimer) everywhere.
	SleepGoTimer = "go-timer"
	// SleepPoll asks for the netpoller's timerfd (SleeperPoll); a Config
	// with it is refused where the OS has none.
	SleepPoll = "poll"
)

// SleepChoices are the values Config.Sleeper takes, "" aside.
func SleepChoices() []string { return []string{SleepAuto, SleepPrecise, SleepGoTimer, SleepPoll} }

// PollAvailable says whether this OS offers the poll sleeper (a timerfd
// Go's netpoller can wait on: Linux).
func PollAvailable() bool { return hasPoll }

// PreciseAvailable says whether this OS offers the precise sleeper
// (clock_nanosleep with TIMER_ABSTIME: Linux).
func PreciseAvailable() bool { return hasPrecise }

const (
	// The margin, how long before the intended start a precise sleep
	// ends, is a high quantile of the recent oversleep (how late
	// clock_nanosleep returned), within these bounds. The spin after a
	// wake-up never runs longer than the margin (in wall time it can, if
	// the kernel preempts the thread mid-spin).
	minMargin = int64(20 * time.Microsecond)
	maxMargin = int64(500 * time.Microsecond)
	// sleepSlice is the longest single clock_nanosleep of the precise
	// sleeper; between slices it yields its processor (see preciseUntil).
	sleepSlice = 200 * time.Microsecond
	// overN recent oversleeps are kept; the margin is the overK-th
	// largest of them, about their 80th percentile.
	overN = 64
	overK = overN/5 + 1
)

// waker waits one open-loop client until each of its operations' intended
// starts, and measures itself: the wake error and the time spent spinning.
// Only its client's goroutine touches it while the run lasts; the result
// reads it after the clients have returned.
type waker struct {
	clock func() int64 // the run's clock, ns
	how   string       // SleeperPrecise, SleeperPoll or SleeperGoTimer
	// monoBase is CLOCK_MONOTONIC, in ns, when the run's clock read 0:
	// an intended start t is the absolute time monoBase+t (precise only).
	monoBase int64
	sleep    monoSleeper  // the clock_nanosleep call's state (precise only)
	poll     *pollSleeper // the timerfd (poll only)

	over  [overN]int64 // recent oversleeps, a ring
	nOver int          // oversleeps seen, of which the last min(nOver, overN) are in over

	pause   pauser                  // Go's timer, for goTimerUntil
	wake    *hdrhistogram.Histogram // measured operations that waited: wake-up minus intended start
	pending int64                   // a wake error not yet in wake; 0 for none
	spinNs  int64                   // ns spun (or yielded, for Go's timer) before measured operations
}

// newWaker returns the waker of a client whose operations are gap ns
// apart on average, for the Config's sleeper choice (checked: the OS has
// the sleeper chosen).
func newWaker(ctx context.Context, gap float64, choice string) (*waker, error) {
	w := &waker{how: SleeperGoTimer, wake: newHist()}
	switch {
	case choice == SleepPrecise:
		w.how = SleeperPrecise
	case choice == SleepPoll, (choice == SleepAuto || choice == "") && hasPoll:
		p, err := newPollSleeper(ctx)
		if err != nil {
			return nil, err
		}
		w.how, w.poll = SleeperPoll, p
	}
	return w, nil
}

// close releases what the waker holds (its timerfd).
func (w *waker) close() {
	if w.poll != nil {
		w.poll.close()
	}
}

// name is the sleeper the waker runs.
func (w *waker) name() string { return w.how }

// until waits from now until the clock reads at least t, and returns that
// reading. For a measured operation (measured), it counts the time spun
// and keeps the wake error (the reading minus t; a 0 counts as 1 ns, the
// histograms' floor) for settle to record once the operation has been
// issued: recording between the operation's start and its call charged
// the histogram's cost (page faults on first touches, presumably) to the
// target, raising a no-op's service p99 from 2 to 15 µs. It does not
// allocate. If ctx ends first, it returns at once with a reading before
// t, and records nothing.
func (w *waker) until(ctx context.Context, t, now int64, measured bool) int64 {
	var spun int64
	switch w.how {
	case SleeperPrecise:
		now, spun = w.preciseUntil(ctx, t, now)
	case SleeperPoll:
		now, spun = w.pollUntil(ctx, t, now)
	default:
		now, spun = goTimerUntil(ctx, &w.pause, w.clock, t, now)
	}
	if now < t {
		return now // ctx ended the wait
	}
	if measured {
		w.spinNs += spun
		w.pending = clamp(now - t)
	}
	return now
}

// settle records the wake error until kept, if any.
func (w *waker) settle() {
	if w.pending > 0 {
		w.wake.RecordValue(w.pending)
		w.pending = 0
	}
}

// preciseUntil sleeps until a margin before t on the monotonic clock,
// then spins on the run's clock until t. The spin lasts at most the
// margin: after a sleep, because clock_nanosleep never returns early;
// without one, because the wait was shorter than the margin. It spins
// without yielding: on the shared VM a Gosched in this loop (on a locked
// thread) made the start 4–21 µs late at p50 instead of 12–17 ns.
//
// It sleeps in slices of at most sleepSlice and yields the processor
// between them. A goroutine in a system call keeps its P, and the Go
// runtime runs the timers that come due on a P only when that P
// schedules: sleeping through a whole gap in one call made the 1 ms sleeps
// of the pool workers that this client had just fed (their timers on its
// P) oversleep more: 168-170 µs at p50 and 816-846 µs at p90, against
// 96-98 and 397-424 µs with Go's timer, on the 2-core VM (4 workers, 1000
// Poisson submits/s, 5 interleaved rounds; a lone goroutine's sleep was
// not affected, nor was it by one Gosched before the call). In 200 µs
// slices it was 96 µs at p50 and 260 µs at p90: the workers' timers run
// within a slice.
//
// The goroutine is locked to its thread while it waits, and only then:
// locked for the whole run, a target whose Call blocks (a channel round
// trip) had its service time raised from 1.4–2.1 µs to 22 µs at p50,
// every wake-up of the client then costing a thread hand-off. (Locked or
// not during the wait made no difference to the wake error measured.)
//
// Between slices it checks ctx: a wait of any length ends within a slice
// of ctx's end, returning a reading before t.
func (w *waker) preciseUntil(ctx context.Context, t, now int64) (int64, int64) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if deadline := t - w.margin(); deadline > now {
		for deadline-now > int64(sleepSlice) {
			runtime.UnlockOSThread() // a locked Gosched would hand the thread off
			runtime.Gosched()
			runtime.LockOSThread()
			if ctx.Err() != nil {
				return now, 0
			}
			w.sleep.until(w.monoBase + now + int64(sleepSlice))
			now = w.clock()
		}
		w.sleep.until(w.monoBase + deadline)
		now = w.clock()
		w.observe(now - deadline)
	}
	from := now
	for now < t {
		now = w.clock()
	}
	return now, now - from
}

// maxPollSpin bounds the poll sleeper's margin: how long it may yield in
// a loop before an intended start.
const maxPollSpin = int64(200 * time.Microsecond)

// pollUntil waits on the timerfd until a margin before t (the recent
// oversleep's 80th percentile, at most maxPollSpin), then yields the
// processor in a loop until the run's clock reads t: a goroutine of the
// code under test that is ready to run (its network read done) runs
// before the client does, as it would beside any other goroutine.
func (w *waker) pollUntil(ctx context.Context, t, now int64) (int64, int64) {
	if deadline := t - min(w.margin(), maxPollSpin); deadline > now {
		if !w.poll.until(ctx, w.monoBase+deadline, w.monoBase+now) {
			return w.clock(), 0
		}
		now = w.clock()
		w.observe(now - deadline)
	}
	from := now
	for now < t {
		runtime.Gosched()
		now = w.clock()
	}
	return now, now - from
}

// observe records one oversleep: how long after its deadline a sleep
// returned.
func (w *waker) observe(over int64) {
	w.over[w.nOver%overN] = max(over, 0)
	w.nOver++
}

// margin returns how long before an intended start a precise sleep should
// end: about the 80th percentile of the recent oversleep, within
// [minMargin, maxMargin]; maxMargin until there is an oversleep to go by.
func (w *waker) margin() int64 {
	n := min(w.nOver, overN)
	if n == 0 {
		return maxMargin
	}
	k := max((n*overK+overN-1)/overN, 1) // the k-th largest of n: the same quantile while the ring fills
	var top [overK]int64                 // the k largest so far, in decreasing order
	m := 0
	for _, v := range w.over[:n] {
		if m == k && v <= top[k-1] {
			continue
		}
		i := min(m, k-1)
		for ; i > 0 && top[i-1] < v; i-- {
			top[i] = top[i-1]
		}
		top[i] = v
		m = min(m+1, k)
	}
	return min(max(top[k-1], minMargin), maxMargin)
}

// goTimerUntil waits from now until the clock reads at least t: it sleeps
// through a wait longer than 200µs (less 100µs) and yields the processor
// for the rest. It returns the clock's reading once it has passed t, and
// how long it yielded (busy, unless other goroutines took the processor).
//
// An idle Go runtime rounds a sub-millisecond timer up to about a
// millisecond, so the starts run up to 1–2 ms late; the poll sleeper
// replaces this where it can (Linux).
// Spinning through waits up to 2 ms instead was tried and rejected: in
// workerpool-knee (channels, spawn; 3 trials each) it cut spawn's start
// lateness p99 from 1.7–2.1 ms to 0.5–0.9 ms, but the spinning client
// raised the tasks' own service p99 from 2.1–2.9 ms to 2.1–8.5 ms: the
// generator disturbed what it measured.
//
// A sleep ends early when ctx ends, and it then returns a reading before t.
func goTimerUntil(ctx context.Context, p *pauser, clock func() int64, t, now int64) (int64, int64) {
	if wait := t - now; wait > int64(200*time.Microsecond) {
		if !p.sleep(ctx, time.Duration(wait-int64(100*time.Microsecond))) {
			return clock(), 0
		}
		now = clock()
	}
	from := now
	for now < t {
		runtime.Gosched()
		now = clock()
	}
	return now, now - from
}
