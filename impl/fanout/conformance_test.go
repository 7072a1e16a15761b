package fanout_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"concbench/impl/fanout"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type impl = fanout.Impl[int, string]

func forEachImpl(t *testing.T, f func(t *testing.T, impl impl)) {
	t.Helper()
	impls := fanout.Impls[int, string]()
	if len(impls) == 0 {
		t.Fatal("Impls() is empty")
	}
	for _, impl := range impls {
		t.Run(impl.Name, func(t *testing.T) { f(t, impl) })
	}
}

// probe counts the calls of fn: how many run at once (and the most ever),
// how many started and returned, and how many started with ctx already done.
type probe struct {
	cur, peak, started, returned, late atomic.Int64
}

// enter records a call's start and reports whether its ctx had already ended.
func (p *probe) enter(ctx context.Context) (late bool) {
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

func (p *probe) exit() {
	p.cur.Add(-1)
	p.returned.Add(1)
}

// checkCalls checks what every test with a stopping Map checks: all calls
// started have returned, and the calls beyond the min(n, workers) in flight
// when the first error (or the cancel) came are only those the impl declares.
func checkCalls(t *testing.T, impl impl, p *probe, n, workers int) {
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
			t.Errorf("declared RunsEveryInput, but fn ran %d times for %d inputs", started, n)
		}
	case impl.StopsLate:
		if extra > int64(workers) {
			t.Errorf("declared StopsLate (one more call per worker at most), but %d more calls started with %d workers", extra, workers)
		}
	default:
		if extra != 0 || late != 0 {
			t.Errorf("%d calls of fn started after the first error or cancel (%d with ctx already cancelled)", extra, late)
		}
	}
}

// checkElapsed checks how long a stopping Map took in fake time: exactly
// want, or for a StopsLate impl up to the 1.5 s of one more call beyond it.
func checkElapsed(t *testing.T, impl impl, elapsed, want time.Duration) {
	t.Helper()
	if elapsed == want || impl.StopsLate && elapsed > want && elapsed <= want+1500*time.Millisecond {
		return
	}
	t.Errorf("Map returned after %v of fake time, want %v", elapsed, want)
}

func sizesAndWorkers() []struct{ n, workers int } {
	var cases []struct{ n, workers int }
	for _, n := range []int{0, 1, 1000} {
		for _, w := range []int{1, 4, 64} {
			cases = append(cases, struct{ n, workers int }{n, w})
		}
	}
	return cases
}

// TestResultsAndLimit: every call sleeps a second of fake time, so all the
// workers are busy at once: the peak concurrency must be exactly
// min(n, workers), and the batch must take ceil(n/workers) seconds.
func TestResultsAndLimit(t *testing.T) {
	forEachImpl(t, func(t *testing.T, impl impl) {
		for _, tt := range sizesAndWorkers() {
			t.Run(fmt.Sprintf("n=%d/workers=%d", tt.n, tt.workers), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					var p probe
					inputs := make([]int, tt.n)
					for i := range inputs {
						inputs[i] = i * 7
					}
					start := time.Now()
					got, err := impl.Map(context.Background(), inputs, tt.workers, func(ctx context.Context, in int) (string, error) {
						p.enter(ctx)
						defer p.exit()
						time.Sleep(time.Second)
						return strconv.Itoa(in), nil
					})
					if err != nil {
						t.Fatalf("Map: %v", err)
					}
					checkResults(t, inputs, got)
					if peak, want := p.peak.Load(), int64(min(tt.n, tt.workers)); peak != want {
						t.Errorf("peak concurrency %d, want %d", peak, want)
					}
					if elapsed, want := time.Since(start), time.Duration((tt.n+tt.workers-1)/tt.workers)*time.Second; elapsed != want {
						t.Errorf("took %v of fake time, want %v", elapsed, want)
					}
				})
			})
		}
	})
}

// TestResultsRealScheduler runs the same check on the real scheduler (under
// -race this is where data races on results would show), with fn yielding
// so that workers interleave.
func TestResultsRealScheduler(t *testing.T) {
	forEachImpl(t, func(t *testing.T, impl impl) {
		for _, tt := range sizesAndWorkers() {
			var p probe
			inputs := make([]int, tt.n)
			for i := range inputs {
				inputs[i] = i * 7
			}
			got, err := impl.Map(context.Background(), inputs, tt.workers, func(ctx context.Context, in int) (string, error) {
				p.enter(ctx)
				defer p.exit()
				runtime.Gosched()
				return strconv.Itoa(in), nil
			})
			if err != nil {
				t.Fatalf("n=%d workers=%d: Map: %v", tt.n, tt.workers, err)
			}
			checkResults(t, inputs, got)
			if peak := p.peak.Load(); peak > int64(tt.workers) {
				t.Errorf("n=%d workers=%d: peak concurrency %d", tt.n, tt.workers, peak)
			}
		}
	})
}

func checkResults(t *testing.T, inputs []int, got []string) {
	t.Helper()
	if got == nil || len(got) != len(inputs) {
		t.Fatalf("got %d results (nil: %v), want %d", len(got), got == nil, len(inputs))
	}
	for i, in := range inputs {
		if want := strconv.Itoa(in); got[i] != want {
			t.Fatalf("results[%d] = %q, want %q", i, got[i], want)
		}
	}
}

var (
	errFirst  = errors.New("input 0 failed")
	errSecond = errors.New("input 1 failed later")
)

// stopCases are the (n, workers) pairs of the stopping tests, with the fake
// time Map needs: the calls in flight at the cancel take a second to stop.
var stopCases = []struct {
	n, workers  int
	wantElapsed time.Duration
}{
	{n: 1, workers: 1, wantElapsed: time.Second},
	{n: 10, workers: 1, wantElapsed: time.Second},
	{n: 3, workers: 64, wantElapsed: 2 * time.Second},
	{n: 100, workers: 4, wantElapsed: 2 * time.Second},
	{n: 1000, workers: 64, wantElapsed: 2 * time.Second},
}

// TestFirstError: input 0 fails after a second; input 1 ignores ctx and fails
// half a second later; every other input blocks until its ctx is cancelled,
// then takes a second to finish and returns no error. Map must return input 0's error once every
// call has returned, and start no call after the cancel (unless declared).
func TestFirstError(t *testing.T) {
	forEachImpl(t, func(t *testing.T, impl impl) {
		for _, tt := range stopCases {
			t.Run(fmt.Sprintf("n=%d/workers=%d", tt.n, tt.workers), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					var p probe
					start := time.Now()
					got, err := impl.Map(context.Background(), make([]int, tt.n), tt.workers, indexedFn(&p, func(ctx context.Context, i int) error {
						switch i {
						case 0:
							time.Sleep(time.Second)
							return errFirst
						case 1:
							time.Sleep(1500 * time.Millisecond)
							return errSecond
						}
						<-ctx.Done()
						time.Sleep(time.Second)
						return nil // finished its work despite the cancel
					}))
					if !errors.Is(err, errFirst) || got != nil {
						t.Fatalf("Map = %d results, %v; want nil, %v", len(got), err, errFirst)
					}
					checkElapsed(t, impl, time.Since(start), tt.wantElapsed)
					checkCalls(t, impl, &p, tt.n, tt.workers)
				})
			})
		}
	})
}

// TestParentCancel: every input blocks until its ctx ends, then takes a second
// to stop and returns either a wrapped ctx error or no error; the parent's
// deadline passes after a second. Map must return the parent's ctx.Err()
// itself, not fn's wrapping of it.
func TestParentCancel(t *testing.T) {
	forEachImpl(t, func(t *testing.T, impl impl) {
		for _, tt := range stopCases {
			t.Run(fmt.Sprintf("n=%d/workers=%d", tt.n, tt.workers), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					var p probe
					ctx, cancel := context.WithTimeout(context.Background(), time.Second)
					defer cancel()
					start := time.Now()
					got, err := impl.Map(ctx, make([]int, tt.n), tt.workers, indexedFn(&p, func(ctx context.Context, i int) error {
						<-ctx.Done()
						time.Sleep(time.Second)
						if i%2 == 1 {
							return nil // finished its work despite the cancel
						}
						return fmt.Errorf("input %d stopped: %w", i, ctx.Err())
					}))
					if err != ctx.Err() || got != nil {
						t.Fatalf("Map = %d results, %v; want nil, ctx.Err() = %v", len(got), err, ctx.Err())
					}
					checkElapsed(t, impl, time.Since(start), 2*time.Second)
					checkCalls(t, impl, &p, tt.n, tt.workers)
				})
			})
		}
	})
}

// indexedFn turns body into an fn that numbers its calls in the order they
// start, so "input 0" is the first call to start whatever the impl's order.
// A call that starts with ctx already done returns ctx.Err() at once, as a fn
// honouring ctx does.
func indexedFn(p *probe, body func(ctx context.Context, i int) error) func(context.Context, int) (string, error) {
	var next atomic.Int64
	return func(ctx context.Context, _ int) (string, error) {
		late := p.enter(ctx)
		defer p.exit()
		i := int(next.Add(1) - 1)
		if late {
			return "", ctx.Err()
		}
		return "", body(ctx, i)
	}
}

func TestCancelledBeforeCall(t *testing.T) {
	forEachImpl(t, func(t *testing.T, impl impl) {
		for _, n := range []int{0, 5} {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			var p probe
			got, err := impl.Map(ctx, make([]int, n), 2, indexedFn(&p, func(context.Context, int) error { return nil }))
			if err != ctx.Err() || got != nil {
				t.Errorf("n=%d: Map = %d results, %v; want nil, %v", n, len(got), err, ctx.Err())
			}
			if started := p.started.Load(); started != 0 {
				t.Errorf("n=%d: fn ran %d times on a cancelled ctx", n, started)
			}
		}
	})
}

func TestWorkersBelowOnePanics(t *testing.T) {
	forEachImpl(t, func(t *testing.T, impl impl) {
		for _, workers := range []int{0, -1} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("workers=%d: Map did not panic", workers)
					}
				}()
				_, _ = impl.Map(context.Background(), make([]int, 3), workers, func(context.Context, int) (string, error) { return "", nil })
			}()
		}
	})
}

// TestNoGoroutineOutlivesCall stops Map on the real scheduler, by an error
// and by the parent's cancel, and then checks that no goroutine is left.
func TestNoGoroutineOutlivesCall(t *testing.T) {
	forEachImpl(t, func(t *testing.T, impl impl) {
		const n, workers = 200, 8
		fail := func(ctx context.Context, in int) (string, error) {
			if in == 50 {
				return "", errFirst
			}
			runtime.Gosched()
			return "", nil
		}
		inputs := make([]int, n)
		for i := range inputs {
			inputs[i] = i
		}
		if _, err := impl.Map(context.Background(), inputs, workers, fail); !errors.Is(err, errFirst) {
			t.Errorf("Map = %v, want %v", err, errFirst)
		}
		goleak.VerifyNone(t)

		ctx, cancel := context.WithCancel(context.Background())
		var calls atomic.Int64
		_, err := impl.Map(ctx, inputs, workers, func(ctx context.Context, in int) (string, error) {
			if calls.Add(1) == 50 {
				cancel()
			}
			runtime.Gosched()
			return "", ctx.Err()
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Map after cancel = %v, want context.Canceled", err)
		}
		goleak.VerifyNone(t)
	})
}
