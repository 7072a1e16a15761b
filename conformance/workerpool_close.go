package conformance

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concbench/concbench/impl/workerpool"
)

func poolCloseWaitsForAcceptedTasks(t *testing.T, impl workerpool.Impl) {
	const workers, tasks = 2, 6
	bubble(t, func(t *testing.T) {
		p := newPool(t, impl, workers)
		var finished atomic.Int64
		start := time.Now()
		for range tasks {
			// Submits past the queue wait for earlier tasks to finish.
			if err := p.Submit(context.Background(), func() {
				time.Sleep(time.Second)
				finished.Add(1)
			}); err != nil {
				t.Fatalf("Submit: %v", err)
			}
		}
		if err := p.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if impl.Deviations.CloseDoesNotWait {
			if got := finished.Load(); got >= tasks {
				t.Fatalf("declared CloseDoesNotWait, but Close returned only once all %d tasks had finished", tasks)
			}
			time.Sleep(tasks * time.Second) // the tasks Close left behind run on
			synctest.Wait()
			if got := finished.Load(); got != tasks {
				t.Fatalf("declared CloseDoesNotWait: %d of the %d accepted tasks finished after Close returned, want all", got, tasks)
			}
			return
		}
		if got := finished.Load(); got != tasks {
			t.Fatalf("Close returned with %d of %d tasks finished%s", got, tasks, ways(closeDoesNotWait))
		}
		// A bounded pool runs at most workers tasks at once, so the
		// batch takes at least tasks/workers seconds of fake time.
		if elapsed, min := time.Since(start), time.Duration(tasks/workers)*time.Second; !impl.Deviations.Unbounded && elapsed < min {
			t.Fatalf("%d one-second tasks on %d workers took %v, want >= %v: more than %d ran at once%s", tasks, workers, elapsed, min, workers,
				ways(declareUnbounded))
		}
	})
}

func poolPanickingTask(t *testing.T, impl workerpool.Impl) {
	p := newPool(t, impl, 2)
	panicked := make(chan struct{})
	if err := p.Submit(context.Background(), func() {
		defer close(panicked)
		panicInTask()
	}); err != nil {
		t.Fatalf("Submit: %v", err)
	}
	select {
	case <-panicked:
	case <-time.After(10 * time.Second):
		t.Fatal("the accepted task had not run 10s after Submit returned")
	}
	// The pool must survive: later tasks still run.
	var ran atomic.Int64
	for range 20 {
		if err := p.Submit(context.Background(), func() { ran.Add(1) }); err != nil {
			t.Fatalf("Submit after a panic: %v", err)
		}
	}
	err := p.Close()
	if impl.Deviations.CloseDoesNotWait {
		// Close returns before the tasks may have run, and with whatever
		// panics had been recorded by then: only the pool's survival is
		// checked.
		eventually(t, func() bool { return ran.Load() == 20 })
		return
	}
	if ran.Load() != 20 {
		t.Errorf("after a panic %d of 20 tasks had run when Close returned%s", ran.Load(), ways(closeDoesNotWait))
	}
	var pe *workerpool.PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("Close = %v, want a *PanicError%s", err, ways(closeDoesNotWait))
	}
	if pe.Value != "boom" {
		t.Errorf("PanicError.Value = %v, want boom", pe.Value)
	}
	if !strings.Contains(string(pe.Stack), "panicInTask") {
		t.Errorf("PanicError.Stack does not show the panicking function:\n%s", pe.Stack)
	}
}

func panicInTask() { panic("boom") }

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// poolPanicDuringClose submits tasks that wait on a gate and then panic,
// one from a shallow stack and one from deep recursion, calls Close while
// they wait, and only then opens the gate: Close must wait for the panics
// and return both. A pool that signals "all done" before it has recorded a
// task's panic (ants' PanicHandler runs after its worker has counted itself
// out) returns without the panic; the deep stack widens that window, as
// recording a panic walks the stack.
func poolPanicDuringClose(t *testing.T, impl workerpool.Impl) {
	const reps, workers = 8, 2
	bubble(t, func(t *testing.T) {
		for rep := range reps {
			p := newPool(t, impl, workers)
			wait, open := gate(t)
			for _, task := range []func(){
				func() { <-wait; panicInTask() },
				func() { <-wait; panicDeep(deepFrames) },
			} {
				if err := p.Submit(context.Background(), task); err != nil {
					t.Fatalf("rep %d: Submit: %v", rep, err)
				}
			}
			closed := make(chan error, 1)
			go func() { closed <- p.Close() }()
			synctest.Wait() // Close is waiting for the two tasks
			if impl.Deviations.CloseDoesNotWait {
				closeReturnsBeforePanics(t, rep, open, closed)
				continue
			}
			open()
			err := <-closed
			got := panicErrors(err)
			if len(got) != 2 {
				t.Fatalf("rep %d: a panic during Close: Close = %v, holding %d *PanicError, want 2 (one shallow, one %d frames deep)%s",
					rep, err, len(got), deepFrames, ways(closeDoesNotWait))
			}
			var deep, shallow bool
			for _, pe := range got {
				deep = deep || pe.Value == "deep" && strings.Contains(string(pe.Stack), "panicDeep")
				shallow = shallow || pe.Value == "boom" && strings.Contains(string(pe.Stack), "panicInTask")
			}
			if !deep || !shallow {
				t.Fatalf("rep %d: a panic during Close: Close = %v; want the values boom and deep, each with a Stack showing its panicking function", rep, err)
			}
		}
	})
}

// deepFrames is how deep panicDeep recurses before it panics.
const deepFrames = 10_000

// panicDeep recurses n frames deep, then panics with "deep".
//
//go:noinline
func panicDeep(n int) {
	if n == 0 {
		panic("deep")
	}
	panicDeep(n - 1)
}

// panicErrors returns every *workerpool.PanicError in err's tree.
func panicErrors(err error) []*workerpool.PanicError {
	if pe, ok := err.(*workerpool.PanicError); ok {
		return []*workerpool.PanicError{pe}
	}
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		var out []*workerpool.PanicError
		for _, e := range u.Unwrap() {
			out = append(out, panicErrors(e)...)
		}
		return out
	case interface{ Unwrap() error }:
		return panicErrors(u.Unwrap())
	}
	return nil
}

// poolSubmitRacingClose runs Close while several goroutines Submit, many
// times over: every Submit must return nil or ErrClosed, every accepted
// task must run exactly once, and none may start after Close has returned
// (a flag set once it returns, read by every task). A pool whose Submit can
// slip past its closed check while Close finds no work left (ants' Submit
// checks IsClosed, then starts a worker that Release never sees) fails in a
// few percent of the repetitions; the count makes missing a 2% race in
// every one of them unlikely (0.98^300, about 0.2%).
func poolSubmitRacingClose(t *testing.T, impl workerpool.Impl) {
	const reps, workers, submitters, perSubmitter = 300, 2, 8, 16
	bubble(t, func(t *testing.T) {
		for rep := range reps {
			p := newPool(t, impl, workers)
			var closed atomic.Bool
			var accepted, ran, late, exited atomic.Int64
			task := func() {
				if closed.Load() {
					late.Add(1)
				}
				ran.Add(1)
			}
			var wg sync.WaitGroup
			for range submitters {
				wg.Go(func() {
					defer exited.Add(1)
					for range perSubmitter {
						switch err := p.Submit(context.Background(), task); {
						case err == nil:
							accepted.Add(1)
						case errors.Is(err, workerpool.ErrClosed):
							return
						default:
							t.Errorf("rep %d: Submit racing Close = %v, want nil or ErrClosed", rep, err)
							return
						}
					}
				})
			}
			// Close after a varying number of accepted tasks, so that it
			// meets the submitters at different points of their Submits.
			for accepted.Load() < int64(rep%(submitters*perSubmitter/2)) && exited.Load() < submitters {
				runtime.Gosched()
			}
			err := p.Close()
			closed.Store(true)
			wg.Wait()
			synctest.Wait() // a task started late has run by now
			if err != nil {
				t.Fatalf("rep %d: Close racing Submits = %v, want nil", rep, err)
			}
			if n := late.Load(); n > 0 && !impl.Deviations.CloseDoesNotWait {
				t.Fatalf("rep %d: %d tasks started after Close returned (%d accepted)%s", rep, n, accepted.Load(), ways(closeDoesNotWait))
			}
			if ran.Load() != accepted.Load() {
				t.Fatalf("rep %d: %d tasks ran, %d were accepted", rep, ran.Load(), accepted.Load())
			}
		}
	})
}

// closeReturnsBeforePanics is PanicDuringClose for a pool that declares
// CloseDoesNotWait: Close, started while two tasks wait on gate to panic,
// must already have returned nil, and the panics that follow once the gate
// opens must kill nothing.
func closeReturnsBeforePanics(t *testing.T, rep int, open func(), closed chan error) {
	t.Helper()
	var err error
	returned := false
	select {
	case err = <-closed:
		returned = true
	default:
	}
	open()
	synctest.Wait() // the tasks panic on the pool's workers, which recover
	if !returned {
		<-closed
		t.Fatalf("rep %d: declared CloseDoesNotWait, but Close waited for two tasks still waiting to run: drop the declaration", rep)
	}
	if err != nil {
		t.Fatalf("rep %d: declared CloseDoesNotWait: Close returned %v before its tasks panicked, want nil", rep, err)
	}
}

// awaitStragglers lets the tasks that a pool declaring CloseDoesNotWait
// still runs after Close has returned finish, in a synctest bubble, before
// a check counts them.
func awaitStragglers(impl workerpool.Impl) {
	if impl.Deviations.CloseDoesNotWait {
		synctest.Wait()
	}
}

// eventually waits, outside a synctest bubble, until cond holds, polling;
// it fails t if cond does not hold within 10 seconds.
func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the tasks left running after Close did not finish within 10s")
		}
	}
}
