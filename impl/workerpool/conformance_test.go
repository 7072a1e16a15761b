package workerpool_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"concbench/impl/workerpool"
)

// ants starts the two goroutines of its default pool when the package is
// initialised; IgnoreCurrent, taken before any test runs, ignores exactly
// those and nothing a test starts.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m, goleak.IgnoreCurrent()) }

func forEachImpl(t *testing.T, f func(t *testing.T, impl workerpool.Impl)) {
	t.Helper()
	impls := workerpool.Impls()
	if len(impls) == 0 {
		t.Fatal("Impls() is empty")
	}
	for _, impl := range impls {
		t.Run(impl.Name, func(t *testing.T) { f(t, impl) })
	}
}

func TestEveryTaskRunsExactlyOnce(t *testing.T) {
	const submitters, perSubmitter = 4, 500
	forEachImpl(t, func(t *testing.T, impl workerpool.Impl) {
		for _, workers := range []int{1, 3, 8} {
			p := impl.New(workers)
			var runs [submitters * perSubmitter]atomic.Int32
			var wg sync.WaitGroup
			for s := range submitters {
				wg.Go(func() {
					for i := range perSubmitter {
						n := &runs[s*perSubmitter+i]
						if err := p.Submit(context.Background(), func() { n.Add(1) }); err != nil {
							t.Errorf("workers=%d: Submit: %v", workers, err)
						}
					}
				})
			}
			wg.Wait()
			if err := p.Close(); err != nil {
				t.Errorf("workers=%d: Close: %v", workers, err)
			}
			for i := range runs {
				if got := runs[i].Load(); got != 1 {
					t.Fatalf("workers=%d: task %d ran %d times, want 1", workers, i, got)
				}
			}
		}
	})
}

// TestSubmitWhenSaturated fills a pool with tasks that wait on a gate, then
// checks what the blocked Submit does when its ctx ends: returns ctx's error,
// or (declared IgnoresCtxWhileBlocked) keeps waiting until capacity frees;
// an Unbounded pool never blocks at all.
func TestSubmitWhenSaturated(t *testing.T) {
	const workers, limit = 2, 4096
	forEachImpl(t, func(t *testing.T, impl workerpool.Impl) {
		synctest.Test(t, func(t *testing.T) {
			p := impl.New(workers)
			gate := make(chan struct{})
			var accepted, ran atomic.Int64
			var lastErr error
			done := make(chan struct{})
			go func() {
				defer close(done)
				for range limit {
					ctx, cancel := context.WithTimeout(context.Background(), time.Second)
					err := p.Submit(ctx, func() { <-gate; ran.Add(1) })
					cancel()
					if err != nil {
						lastErr = err
						return
					}
					accepted.Add(1)
				}
			}()
			synctest.Wait()
			blocked := !isClosed(done)
			switch {
			case impl.Deviations.Unbounded:
				if blocked || accepted.Load() != limit {
					t.Fatalf("unbounded pool: blocked=%v after %d of %d submits, want never blocked", blocked, accepted.Load(), limit)
				}
			case !blocked:
				t.Fatalf("Submit never blocked in %d submits with %d workers (last error %v)", accepted.Load(), workers, lastErr)
			case accepted.Load() < workers:
				t.Fatalf("blocked after %d submits, want at least %d (one per worker)", accepted.Load(), workers)
			}
			before := accepted.Load()
			time.Sleep(2 * time.Second) // the blocked Submit's ctx ends
			synctest.Wait()
			switch {
			case impl.Deviations.Unbounded:
			case impl.Deviations.IgnoresCtxWhileBlocked:
				if isClosed(done) {
					t.Fatalf("declared IgnoresCtxWhileBlocked, but Submit returned %v when ctx ended", lastErr)
				}
			default:
				if !isClosed(done) {
					t.Fatal("Submit still blocked after its ctx ended")
				}
				if !errors.Is(lastErr, context.DeadlineExceeded) {
					t.Fatalf("Submit returned %v, want context.DeadlineExceeded", lastErr)
				}
			}
			close(gate)
			if impl.Deviations.IgnoresCtxWhileBlocked {
				// The waiting Submit now gets capacity and accepts its task.
				synctest.Wait()
				if accepted.Load() <= before {
					t.Fatal("declared IgnoresCtxWhileBlocked, but the blocked Submit did not accept its task once capacity freed")
				}
			}
			if err := p.Close(); err != nil { // frees a submitter still looping, with ErrClosed
				t.Fatalf("Close: %v", err)
			}
			<-done
			if ran.Load() != accepted.Load() {
				t.Fatalf("%d tasks ran, %d were accepted", ran.Load(), accepted.Load())
			}
		})
	})
}

func TestSubmitAfterClose(t *testing.T) {
	forEachImpl(t, func(t *testing.T, impl workerpool.Impl) {
		p := impl.New(2)
		if err := p.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		ran := false
		if err := p.Submit(context.Background(), func() { ran = true }); !errors.Is(err, workerpool.ErrClosed) {
			t.Errorf("Submit after Close = %v, want ErrClosed", err)
		}
		if err := p.Close(); !errors.Is(err, workerpool.ErrClosed) {
			t.Errorf("second Close = %v, want ErrClosed", err)
		}
		if ran {
			t.Error("task submitted after Close ran")
		}
	})
}

func TestCloseWaitsForAcceptedTasks(t *testing.T) {
	const workers, tasks = 2, 6
	forEachImpl(t, func(t *testing.T, impl workerpool.Impl) {
		synctest.Test(t, func(t *testing.T) {
			p := impl.New(workers)
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
			if got := finished.Load(); got != tasks {
				t.Fatalf("Close returned with %d of %d tasks finished", got, tasks)
			}
			// A bounded pool runs at most workers tasks at once, so the
			// batch takes at least tasks/workers seconds of fake time.
			if elapsed, min := time.Since(start), time.Duration(tasks/workers)*time.Second; !impl.Deviations.Unbounded && elapsed < min {
				t.Fatalf("%d one-second tasks on %d workers took %v, want >= %v: more than %d ran at once", tasks, workers, elapsed, min, workers)
			}
		})
	})
}

func TestPanickingTask(t *testing.T) {
	forEachImpl(t, func(t *testing.T, impl workerpool.Impl) {
		p := impl.New(2)
		panicked := make(chan struct{})
		if err := p.Submit(context.Background(), func() {
			defer close(panicked)
			panicInTask()
		}); err != nil {
			t.Fatalf("Submit: %v", err)
		}
		<-panicked
		// The pool must survive: later tasks still run.
		var ran atomic.Int64
		for range 20 {
			if err := p.Submit(context.Background(), func() { ran.Add(1) }); err != nil {
				t.Fatalf("Submit after a panic: %v", err)
			}
		}
		err := p.Close()
		if ran.Load() != 20 {
			t.Errorf("after a panic %d of 20 tasks ran", ran.Load())
		}
		var pe *workerpool.PanicError
		if !errors.As(err, &pe) {
			t.Fatalf("Close = %v, want a *PanicError", err)
		}
		if pe.Value != "boom" {
			t.Errorf("PanicError.Value = %v, want boom", pe.Value)
		}
		if !strings.Contains(string(pe.Stack), "panicInTask") {
			t.Errorf("PanicError.Stack does not show the panicking function:\n%s", pe.Stack)
		}
	})
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
