package conformance

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/concbench/concbench/impl/fanout"
)

// FanOut runs the fan-out/fan-in conformance suite on impl, one subtest per
// check. The suite instantiates the contract at In int, Out int, as
// [github.com/concbench/concbench/benchsuite.FanOut] and runbench.Config's
// FanOuts do, so one adapter serves all three (a generic implementation
// passes myMap[int, int]); fn returns 10*in+1 for input in unless a check
// says otherwise.
//
//   - Name: impl.Name is [a-z0-9]+ (it becomes the impl= part of benchmark
//     names) and impl.Doc is one non-empty line.
//   - ResultsAndLimit (fake time): for 0, 1 and 1000 inputs on 1, 4 and 64
//     workers, each call sleeping a second: results[i] is fn(inputs[i]) (a
//     non-nil, empty slice for no inputs), exactly min(n, workers) calls run
//     at once at the peak, and Map takes ceil(n/workers) seconds.
//   - ResultsRealScheduler: the same on the real scheduler, fn yielding
//     instead of sleeping (under -race, where races on results show); at
//     most workers calls at once.
//   - FirstError (fake time): the first call to start fails after 1s, the
//     second fails 0.5s later whatever ctx says, the others wait for their
//     ctx to end and then work 1s more. Map returns an error matching the
//     first (errors.Is) and nil results, once every call has returned: after
//     1s or 2s, and no call starts after the first error.
//   - ParentCancel (fake time): the parent ctx's deadline passes after 1s
//     while every call waits for its ctx; Map returns ctx.Err() itself (==),
//     not fn's wrapping of it, and nil results, after 2s.
//   - CancelledBeforeCall: with ctx canceled already, Map returns ctx.Err()
//     and nil results and never calls fn.
//   - WorkersBelowOnePanics: Map panics for workers 0 and -1.
//   - NoGoroutineOutlivesCall: after Map stops on an error, and on the
//     parent's cancel, on the real scheduler, no goroutine of it is left.
//
// Declared fields change the checks: RunsEveryInput (fn is called for every
// input, the later calls with ctx canceled), StopsLate (up to one more call
// per worker may start after the first error or the cancel, and Map may
// return up to 1.5s of fake time later).
//
// A demonstration (Demo set) must declare its failure, and only its
// failure is checked, in a child process (the test binary re-executed for
// that one subtest), so that what it demonstrates cannot fail this one:
//
//   - Leaks (fake time): Map over 100 inputs on 8 workers, the 51st call
//     failing, returns that error and leaves goroutines blocked for ever.
//   - Deadlocks (fake time): Map over 64 inputs on 4 workers never returns:
//     every goroutine of the bubble blocks.
//   - Racy: Map over 1000 inputs on 8 workers, three times, makes the race detector
//     report a data race (skipped in a binary built without -race).
//
// Every subtest also fails if a goroutine it started outlives it; see the
// package doc.
func FanOut(t *testing.T, impl fanout.Impl[int, int]) {
	if impl.Map == nil {
		t.Errorf("fanout.Impl %q: Map is nil: nothing to check", impl.Name)
		return
	}
	run(t, "Name", func(t *testing.T) {
		checkName(t, impl.Name, impl.Doc)
		checkDemo(t, impl.Demo, impl.Leaks || impl.Deadlocks || impl.Racy)
	})
	if impl.Demo != "" {
		// A demonstration breaks the contract on purpose: its declared
		// failures are checked, each in a child process, and nothing else.
		if impl.Leaks {
			run(t, "Leaks", func(t *testing.T) { fanLeaks(t, impl) })
		}
		if impl.Deadlocks {
			run(t, "Deadlocks", func(t *testing.T) { fanDeadlocks(t, impl) })
		}
		if impl.Racy {
			run(t, "Racy", func(t *testing.T) { fanRacy(t, impl) })
		}
		return
	}
	run(t, "ResultsAndLimit", func(t *testing.T) { fanResultsAndLimit(t, impl) })
	run(t, "ResultsRealScheduler", func(t *testing.T) { fanResultsRealScheduler(t, impl) })
	run(t, "FirstError", func(t *testing.T) { fanFirstError(t, impl) })
	run(t, "ParentCancel", func(t *testing.T) { fanParentCancel(t, impl) })
	run(t, "CancelledBeforeCall", func(t *testing.T) { fanCancelledBeforeCall(t, impl) })
	run(t, "WorkersBelowOnePanics", func(t *testing.T) { fanWorkersBelowOnePanics(t, impl) })
	run(t, "NoGoroutineOutlivesCall", func(t *testing.T) { fanNoGoroutineOutlivesCall(t, impl) })
}

// mapProbe counts the calls of fn: how many run at once (and the most ever),
// how many started and returned, and how many started with ctx already done.
type mapProbe struct {
	cur, peak, started, returned, late atomic.Int64
}

// enter records a call's start and reports whether its ctx had already ended.
func (p *mapProbe) enter(ctx context.Context) (late bool) {
	p.started.Add(1)
	c := p.cur.Add(1)
	for m := p.peak.Load(); c > m && !p.peak.CompareAndSwap(m, c); m = p.peak.Load() {
	}
	if ctx.Err() != nil {
		p.late.Add(1)
		return true
	}
	return false
}

func (p *mapProbe) exit() {
	p.cur.Add(-1)
	p.returned.Add(1)
}

// checkMapCalls checks what every test with a stopping Map checks: all calls
// started have returned, and the calls beyond the min(n, workers) in flight
// when the first error (or the cancel) came are only those the impl declares.
func checkMapCalls(t *testing.T, impl fanout.Impl[int, int], p *mapProbe, n, workers int) {
	t.Helper()
	started, late := p.started.Load(), p.late.Load()
	if returned := p.returned.Load(); returned != started {
		t.Errorf("Map returned while %d of %d calls of fn were still running", started-returned, started)
	}
	inFlight := int64(min(n, workers))
	if early := started - late; early < inFlight {
		t.Errorf("only %d calls started before the cancel, want %d (every worker busy)", early, inFlight)
	}
	switch extra := started - inFlight; {
	case impl.RunsEveryInput:
		if started != int64(n) {
			t.Errorf("declared RunsEveryInput, but fn ran %d times for %d inputs%s", started, n, ways(stopsLate))
		}
	case impl.StopsLate:
		if extra > int64(workers) {
			t.Errorf("declared StopsLate (one more call per worker at most), but %d more calls started with %d workers%s",
				extra, workers, ways(runsEveryInput))
		}
	default:
		if extra != 0 || late != 0 {
			t.Errorf("%d calls of fn started after the first error or cancel (%d with ctx already cancelled)%s", extra, late,
				ways(stopsLate, runsEveryInput))
		}
	}
}

// The ways out of the fan-out's checks.
var (
	stopsLate = way("workers may still start a call each after the first error or the cancel (it reaches ctx' only once it has reached Map)",
		"Impl.StopsLate")
	runsEveryInput = way("the first error or the cancel does not stop the iteration (fn is called for every input, with ctx' cancelled)",
		"Impl.RunsEveryInput")
)

// checkMapElapsed checks how long a stopping Map took in fake time: exactly
// want, or for a StopsLate impl up to the 1.5 s of one more call beyond it.
func checkMapElapsed(t *testing.T, impl fanout.Impl[int, int], elapsed, want time.Duration) {
	t.Helper()
	if elapsed == want || impl.StopsLate && elapsed > want && elapsed <= want+1500*time.Millisecond {
		return
	}
	var w []string
	if elapsed > want && !impl.StopsLate {
		w = append(w, stopsLate)
	}
	t.Errorf("Map returned after %v of fake time, want %v%s", elapsed, want, ways(w...))
}

func mapSizesAndWorkers() []struct{ n, workers int } {
	var cases []struct{ n, workers int }
	for _, n := range []int{0, 1, 1000} {
		for _, w := range []int{1, 4, 64} {
			cases = append(cases, struct{ n, workers int }{n, w})
		}
	}
	return cases
}

// fanResultsAndLimit: every call sleeps a second of fake time, so all the
// workers are busy at once: the peak concurrency must be exactly
// min(n, workers), and the batch must take ceil(n/workers) seconds.
func fanResultsAndLimit(t *testing.T, impl fanout.Impl[int, int]) {
	for _, tt := range mapSizesAndWorkers() {
		t.Run(fmt.Sprintf("n=%d/workers=%d", tt.n, tt.workers), func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				var p mapProbe
				inputs := make([]int, tt.n)
				for i := range inputs {
					inputs[i] = i * 7
				}
				start := time.Now()
				got, err := impl.Map(context.Background(), inputs, tt.workers, func(ctx context.Context, in int) (int, error) {
					p.enter(ctx)
					defer p.exit()
					time.Sleep(time.Second)
					return fanResult(in), nil
				})
				if err != nil {
					t.Fatalf("Map: %v", err)
				}
				checkMapResults(t, inputs, got)
				if peak, want := p.peak.Load(), int64(min(tt.n, tt.workers)); peak != want {
					t.Errorf("peak concurrency %d, want %d", peak, want)
				}
				if elapsed, want := time.Since(start), time.Duration((tt.n+tt.workers-1)/tt.workers)*time.Second; elapsed != want {
					t.Errorf("took %v of fake time, want %v", elapsed, want)
				}
			})
		})
	}
}

// fanResultsRealScheduler runs the same check on the real scheduler (under
// -race this is where data races on results would show), with fn yielding
// so that workers interleave.
func fanResultsRealScheduler(t *testing.T, impl fanout.Impl[int, int]) {
	for _, tt := range mapSizesAndWorkers() {
		var p mapProbe
		inputs := make([]int, tt.n)
		for i := range inputs {
			inputs[i] = i * 7
		}
		got, err := impl.Map(context.Background(), inputs, tt.workers, func(ctx context.Context, in int) (int, error) {
			p.enter(ctx)
			defer p.exit()
			runtime.Gosched()
			return fanResult(in), nil
		})
		if err != nil {
			t.Fatalf("n=%d workers=%d: Map: %v", tt.n, tt.workers, err)
		}
		checkMapResults(t, inputs, got)
		if peak := p.peak.Load(); peak > int64(tt.workers) {
			t.Errorf("n=%d workers=%d: peak concurrency %d", tt.n, tt.workers, peak)
		}
	}
}

// fanResult is what fn returns for in, unless a check says otherwise: not
// in itself, so that an input copied to the results shows.
func fanResult(in int) int { return 10*in + 1 }

func checkMapResults(t *testing.T, inputs []int, got []int) {
	t.Helper()
	if got == nil || len(got) != len(inputs) {
		t.Fatalf("got %d results (nil: %v), want %d", len(got), got == nil, len(inputs))
	}
	for i, in := range inputs {
		if want := fanResult(in); got[i] != want {
			t.Fatalf("results[%d] = %d, want %d (fn's result for inputs[%d])", i, got[i], want, i)
		}
	}
}

var (
	fanErrFirst  = errors.New("input 0 failed")
	fanErrSecond = errors.New("input 1 failed later")
)

// mapStopCases are the (n, workers) pairs of the stopping checks, with the
// fake time Map needs: the calls in flight at the cancel take a second to
// stop.
func mapStopCases() []struct {
	n, workers  int
	wantElapsed time.Duration
} {
	return []struct {
		n, workers  int
		wantElapsed time.Duration
	}{
		{n: 1, workers: 1, wantElapsed: time.Second},
		{n: 10, workers: 1, wantElapsed: time.Second},
		{n: 3, workers: 64, wantElapsed: 2 * time.Second},
		{n: 100, workers: 4, wantElapsed: 2 * time.Second},
		{n: 1000, workers: 64, wantElapsed: 2 * time.Second},
	}
}

// fanFirstError: input 0 fails after a second; input 1 ignores ctx and fails
// half a second later; every other input blocks until its ctx is cancelled,
// then takes a second to finish and returns no error. Map must return input
// 0's error once every call has returned, and start no call after the cancel
// (unless declared).
func fanFirstError(t *testing.T, impl fanout.Impl[int, int]) {
	for _, tt := range mapStopCases() {
		t.Run(fmt.Sprintf("n=%d/workers=%d", tt.n, tt.workers), func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				var p mapProbe
				stop := stopAfterAnHour(t)
				start := time.Now()
				got, err := impl.Map(context.Background(), make([]int, tt.n), tt.workers, indexedMapFn(&p, func(ctx context.Context, i int) error {
					switch i {
					case 0:
						time.Sleep(time.Second)
						return fanErrFirst
					case 1:
						time.Sleep(1500 * time.Millisecond)
						return fanErrSecond
					}
					stop.wait(ctx)
					time.Sleep(time.Second)
					return nil // finished its work despite the cancel
				}))
				stop.check(t, "the first error")
				if !errors.Is(err, fanErrFirst) || got != nil {
					t.Fatalf("Map = %d results, %v; want nil, %v", len(got), err, fanErrFirst)
				}
				checkMapElapsed(t, impl, time.Since(start), tt.wantElapsed)
				checkMapCalls(t, impl, &p, tt.n, tt.workers)
			})
		})
	}
}

// fanParentCancel: every input blocks until its ctx ends, then takes a second
// to stop and returns either a wrapped ctx error or no error; the parent's
// deadline passes after a second. Map must return the parent's ctx.Err()
// itself, not fn's wrapping of it.
func fanParentCancel(t *testing.T, impl fanout.Impl[int, int]) {
	for _, tt := range mapStopCases() {
		t.Run(fmt.Sprintf("n=%d/workers=%d", tt.n, tt.workers), func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				var p mapProbe
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				stop := stopAfterAnHour(t)
				start := time.Now()
				got, err := impl.Map(ctx, make([]int, tt.n), tt.workers, indexedMapFn(&p, func(ctx context.Context, i int) error {
					stop.wait(ctx)
					time.Sleep(time.Second)
					if i%2 == 1 {
						return nil // finished its work despite the cancel
					}
					return fmt.Errorf("input %d stopped: %w", i, ctx.Err())
				}))
				stop.check(t, "the parent's deadline")
				if err != ctx.Err() || got != nil {
					t.Fatalf("Map = %d results, %v; want nil, ctx.Err() = %v", len(got), err, ctx.Err())
				}
				checkMapElapsed(t, impl, time.Since(start), 2*time.Second)
				checkMapCalls(t, impl, &p, tt.n, tt.workers)
			})
		})
	}
}

// stopper releases the calls of fn that wait for ctx' to end, if it has
// not ended an hour of fake time into the check: a Map that never cancels
// ctx' then returns, and the check says so, instead of blocking its
// bubble for good.
type stopper struct{ stop chan struct{} }

// stopAfterAnHour starts a stopper, whose timer the check's end stops.
func stopAfterAnHour(t *testing.T) stopper {
	s := stopper{make(chan struct{})}
	timer := time.AfterFunc(time.Hour, func() { close(s.stop) })
	release(t, func() { timer.Stop() })
	return s
}

// wait returns once ctx has ended, or the stopper has released the calls.
func (s stopper) wait(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-s.stop:
	}
}

// check fails the check if the stopper had to release the calls: ctx' had
// not ended an hour after what should have ended it.
func (s stopper) check(t *testing.T, what string) {
	t.Helper()
	if isClosed(s.stop) {
		t.Fatalf("an hour of fake time after %s, the ctx fn was called with had not ended: the suite released the calls "+
			"waiting for it (the contract: the first error, or the end of the caller's ctx, cancels ctx' at once)", what)
	}
}

// indexedMapFn turns body into an fn that numbers its calls in the order they
// start, so "input 0" is the first call to start whatever the impl's order.
// A call that starts with ctx already done returns ctx.Err() at once, as a fn
// honouring ctx does.
func indexedMapFn(p *mapProbe, body func(ctx context.Context, i int) error) func(context.Context, int) (int, error) {
	var next atomic.Int64
	return func(ctx context.Context, _ int) (int, error) {
		late := p.enter(ctx)
		defer p.exit()
		i := int(next.Add(1) - 1)
		if late {
			return 0, ctx.Err()
		}
		return 0, body(ctx, i)
	}
}

func fanCancelledBeforeCall(t *testing.T, impl fanout.Impl[int, int]) {
	for _, n := range []int{0, 5} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var p mapProbe
		got, err := impl.Map(ctx, make([]int, n), 2, indexedMapFn(&p, func(context.Context, int) error { return nil }))
		if err != ctx.Err() || got != nil {
			t.Errorf("n=%d: Map = %d results, %v; want nil, %v", n, len(got), err, ctx.Err())
		}
		if started := p.started.Load(); started != 0 {
			t.Errorf("n=%d: fn ran %d times on a cancelled ctx", n, started)
		}
	}
}

func fanWorkersBelowOnePanics(t *testing.T, impl fanout.Impl[int, int]) {
	for _, workers := range []int{0, -1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("workers=%d: Map did not panic", workers)
				}
			}()
			_, _ = impl.Map(context.Background(), make([]int, 3), workers, func(context.Context, int) (int, error) { return 0, nil })
		}()
	}
}

// fanNoGoroutineOutlivesCall stops Map on the real scheduler, by an error
// and by the parent's cancel, and then checks that no goroutine is left,
// ignoring those that were there before.
func fanNoGoroutineOutlivesCall(t *testing.T, impl fanout.Impl[int, int]) {
	const n, workers = 200, 8
	ignore := goleak.IgnoreCurrent()
	fail := func(ctx context.Context, in int) (int, error) {
		if in == 50 {
			return 0, fanErrFirst
		}
		runtime.Gosched()
		return 0, nil
	}
	inputs := make([]int, n)
	for i := range inputs {
		inputs[i] = i
	}
	if _, err := impl.Map(context.Background(), inputs, workers, fail); !errors.Is(err, fanErrFirst) {
		t.Errorf("Map = %v, want %v", err, fanErrFirst)
	}
	goleak.VerifyNone(t, ignore)

	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int64
	_, err := impl.Map(ctx, inputs, workers, func(ctx context.Context, in int) (int, error) {
		if calls.Add(1) == 50 {
			cancel()
		}
		runtime.Gosched()
		return 0, ctx.Err()
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Map after cancel = %v, want context.Canceled", err)
	}
	goleak.VerifyNone(t, ignore)
}

// fanLeaks checks a declared leak: Map stops at the first error and
// returns it, and goroutines stay blocked after it returned. In a bubble,
// synctest.Wait returns once every goroutine left is blocked for good, so
// the count is exact; the bubble's end then reports them, in the child.
func fanLeaks(t *testing.T, impl fanout.Impl[int, int]) {
	out := demonstrate(t, func() {
		defer func() { fmt.Printf("bubble: %v\n", recover()) }()
		synctest.Test(t, func(t *testing.T) {
			const n, workers = 100, 8
			base := runtime.NumGoroutine()
			inputs := make([]int, n)
			for i := range inputs {
				inputs[i] = i
			}
			_, err := impl.Map(context.Background(), inputs, workers, func(_ context.Context, in int) (int, error) {
				if in == 50 {
					return 0, fanErrFirst
				}
				return fanResult(in), nil
			})
			fmt.Printf("first error returned: %t\n", errors.Is(err, fanErrFirst))
			synctest.Wait()
			fmt.Printf("goroutines left: %d\n", runtime.NumGoroutine()-base)
		})
	})
	if !strings.Contains(out, "first error returned: true") {
		t.Errorf("declared Leaks: Map did not return the first error:\n%s", out)
	}
	var left int
	if i := strings.Index(out, "goroutines left: "); i < 0 {
		t.Fatalf("declared Leaks: no count of goroutines left:\n%s", out)
	} else if _, err := fmt.Sscan(out[i+len("goroutines left: "):], &left); err != nil || left < 1 {
		t.Errorf("declared Leaks, but no goroutine was left after Map returned its error (%d, %v):\n%s", left, err, out)
	}
}

// fanDeadlocks checks a declared deadlock: in a bubble, Map over more
// inputs than workers blocks every goroutine, which synctest reports as a
// deadlock at once (on the real scheduler it would hang for ever).
func fanDeadlocks(t *testing.T, impl fanout.Impl[int, int]) {
	out := demonstrate(t, func() {
		defer func() { fmt.Printf("bubble: %v\n", recover()) }()
		synctest.Test(t, func(t *testing.T) {
			_, err := impl.Map(context.Background(), make([]int, 64), 4, func(_ context.Context, in int) (int, error) {
				return fanResult(in), nil
			})
			fmt.Printf("Map returned: %v\n", err)
		})
	})
	if strings.Contains(out, "Map returned") || !strings.Contains(out, "bubble: deadlock") {
		t.Errorf("declared Deadlocks, but Map over 64 inputs on 4 workers did not deadlock:\n%s", out)
	}
}

// fanRacy checks a declared data race: the race detector, in a child
// process built like this one, reports one while Map runs.
func fanRacy(t *testing.T, impl fanout.Impl[int, int]) {
	if !raceEnabled {
		t.Skip("declared Racy: only a test binary built with -race can check it")
	}
	out := demonstrate(t, func() {
		inputs := make([]int, 1000)
		for i := range inputs {
			inputs[i] = i + 1
		}
		// Each call sleeps a little, so that every worker is running and
		// their calls interleave: one that did all the work alone would
		// race with nobody. Three rounds make a miss very unlikely.
		for range 3 {
			got, err := impl.Map(context.Background(), inputs, 8, func(_ context.Context, in int) (int, error) {
				time.Sleep(time.Microsecond)
				return fanResult(in), nil
			})
			lost := 0
			for i, in := range inputs {
				if err == nil && got[i] != fanResult(in) {
					lost++
				}
			}
			fmt.Printf("Map: %v; %d of %d results lost\n", err, lost, len(inputs))
		}
	})
	if !strings.Contains(out, "WARNING: DATA RACE") {
		t.Errorf("declared Racy, but the race detector reported no data race:\n%s", out)
	}
}
