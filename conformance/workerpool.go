package conformance

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concbench/concbench/impl/workerpool"
	"github.com/concbench/concbench/internal/nilness"
)

// WorkerPool runs the worker-pool conformance suite on impl, one subtest
// per check:
//
//   - Name: impl.Name is [a-z0-9]+ (it becomes the impl= part of benchmark
//     names) and impl.Doc is one non-empty line.
//   - Declaration: the entry's fields agree: an Unbounded or UnboundedQueue
//     entry sets neither Queue nor WithQueue, and Queue is never negative.
//   - Capacity (fake time): pools of 1, 2 and 5 workers, fed tasks that
//     wait on a gate, accept exactly [workerpool.Impl.Capacity] tasks
//     (workers + Queue(workers)), run one per worker, and block on the next
//     Submit. An unbounded pool accepts all 256 Submits at once.
//   - EveryTaskRunsExactlyOnce: 4 goroutines each Submit 500 tasks to pools
//     of 1, 3 and 8 workers; every Submit returns nil, Close returns nil, and
//     each task ran once.
//   - SubmitWhenSaturated (fake time): with 2 workers busy on tasks that wait
//     on a gate, Submit blocks within 4096 calls and not before 2 were
//     accepted; when the blocked Submit's ctx ends it returns an error
//     matching context.DeadlineExceeded. Close then returns nil and every
//     accepted task ran.
//   - SubmitAfterClose: after Close, Submit returns an error matching
//     [workerpool.ErrClosed] without running the task, and a second Close
//     returns one too.
//   - CloseWaitsForAcceptedTasks (fake time): 6 one-second tasks on 2
//     workers; Close returns nil only once all 6 have finished, at least 3
//     seconds after the first Submit (never more than 2 at once).
//   - PanickingTask: a task that panics kills neither its worker nor the
//     process; 20 later tasks still run, and Close returns an error that
//     [errors.As] finds a [*workerpool.PanicError] in, with the panic's value
//     and a Stack showing the panicking function. Join several panics with
//     [errors.Join].
//   - PanicDuringClose (fake time, 8 times): two tasks wait while Close
//     starts, then panic, one from 10,000 frames of recursion; Close
//     returns both, each a [*workerpool.PanicError] with its value and a
//     Stack showing its panicking function.
//   - SubmitRacingClose (300 times): 8 goroutines Submit no-op tasks to a
//     pool of 2 workers while Close runs; each Submit returns nil or
//     [workerpool.ErrClosed], Close returns nil, every accepted task runs
//     once and none starts after Close has returned.
//   - WorkerLimitOverTime (fake time, some 1000 seconds): bursts of
//     one-second and short tasks, from two submitters, on pools of 1 and 2
//     workers, each burst after an idle period of 0 to 2 minutes (around
//     the idle timeouts after which pools let workers go, some exactly on
//     one), three times over: never more than workers tasks at once. The
//     other checks last a few seconds of fake time, less than an idle
//     timeout, so a pool that counts a retiring worker and its successor
//     as one (pond's dynamic pool after its 5s purge) passes them.
//
// The adapter's New(workers) must return a started pool that runs at most
// workers tasks at once. Declared [workerpool.Deviations] change the checks:
// Unbounded (Submit never blocks: every one of the 4096 Submits is accepted
// at once, and tasks may all run together; WorkerLimitOverTime is
// skipped), UnboundedQueue (Submit never
// blocks either, but at most workers tasks run at once: the rest wait),
// IgnoresCtxWhileBlocked (the blocked Submit must still be waiting after its
// ctx ended, and accept its task once a worker frees), CloseDoesNotWait (a
// demonstration's failure, checked so that the demonstration cannot stop
// showing it: in CloseWaitsForAcceptedTasks Close must return before the 6
// tasks have finished, and they must all finish after it; in
// PanicDuringClose Close must return nil while the two tasks still wait to
// panic, and their panics must not kill the process; the other checks wait
// for the tasks Close left running before they count them, and
// SubmitRacingClose lets a task start after Close has returned).
//
// An entry with Demo set (a demonstration, broken on purpose) must declare
// the failure it demonstrates in its Deviations, so that the suite checks it.
//
// If impl.WithQueue is set, every check from Capacity on runs again, as
// subtests queue=0 and queue=workers, on the pools WithQueue builds with
// that queue, which keep impl's Deviations.
//
// Every subtest also fails if a goroutine it started outlives it; see the
// package doc.
func WorkerPool(t *testing.T, impl workerpool.Impl) {
	if impl.New == nil {
		t.Errorf("workerpool.Impl %q: New is nil: nothing to check", impl.Name)
		return
	}
	run(t, "Name", func(t *testing.T) { checkName(t, impl.Name, impl.Doc) })
	run(t, "Declaration", func(t *testing.T) { checkPoolDeclaration(t, impl) })
	poolChecks(t, impl)
	if impl.WithQueue == nil {
		return
	}
	for _, q := range []struct {
		name  string
		queue func(workers int) int
	}{
		{"queue=0", func(int) int { return 0 }},
		{"queue=workers", func(workers int) int { return workers }},
	} {
		t.Run(q.name, func(t *testing.T) { poolChecks(t, withQueue(impl, q.queue)) })
	}
}

// withQueue returns impl with New building impl.WithQueue(workers,
// queue(workers)) pools, and Queue declaring that queue.
func withQueue(impl workerpool.Impl, queue func(workers int) int) workerpool.Impl {
	build := impl.WithQueue
	impl.New = func(workers int) workerpool.Pool {
		q := queue(workers)
		if p := build(workers, q); !nilness.Is(p) {
			return p
		}
		return nilPool{fmt.Sprintf("WithQueue(%d, %d)", workers, q)}
	}
	impl.Queue = queue
	impl.WithQueue = nil
	return impl
}

// nilPool stands for the nil that WithQueue returned, saying which call,
// for newPool to report.
type nilPool struct{ call string }

func (nilPool) Submit(context.Context, func()) error { panic("conformance: nilPool is never used") }
func (nilPool) Close() error                         { panic("conformance: nilPool is never used") }

// newPool returns impl.New(workers), closed when the check ends (a cleanup
// registered at once, before anything can fail; a second Close returns
// ErrClosed, which it ignores), or ends the check if New returned nil.
func newPool(t *testing.T, impl workerpool.Impl, workers int) workerpool.Pool {
	t.Helper()
	p := impl.New(workers)
	if n, ok := p.(nilPool); ok {
		t.Fatalf("workerpool.Impl %q: %s returned nil", impl.Name, n.call)
	}
	if nilness.Is(p) {
		t.Fatalf("workerpool.Impl %q: New(%d) returned nil", impl.Name, workers)
	}
	release(t, func() { _ = p.Close() })
	return p
}

// checkPoolDeclaration fails an entry whose fields contradict each other.
func checkPoolDeclaration(t *testing.T, impl workerpool.Impl) {
	dev := impl.Deviations
	if impl.Demo != "" && dev == (workerpool.Deviations{}) {
		t.Error("a demonstration (Demo set) declares no deviation: declare the failure it demonstrates, for the suite to check")
	}
	if strings.Contains(impl.Demo, "\n") {
		t.Errorf("Demo %q is not one line", impl.Demo)
	}
	switch unbounded := dev.Unbounded || dev.UnboundedQueue; {
	case dev.Unbounded && dev.UnboundedQueue:
		t.Error("declares both Unbounded and UnboundedQueue; pick the one that describes it (is the number of running tasks bounded?)")
	case unbounded && impl.Queue != nil:
		t.Error("declares an unbounded pool but sets Queue: leave it nil")
	case unbounded && impl.WithQueue != nil:
		t.Error("declares an unbounded pool but sets WithQueue, which builds bounded ones")
	case impl.Queue != nil:
		for _, workers := range []int{1, 2, 16} {
			if q := impl.Queue(workers); q < 0 {
				t.Errorf("Queue(%d) = %d, want at least 0", workers, q)
			}
		}
	}
}

// poolChecks runs every check of a pool's behaviour on impl.
func poolChecks(t *testing.T, impl workerpool.Impl) {
	run(t, "Capacity", func(t *testing.T) { poolCapacity(t, impl) })
	run(t, "EveryTaskRunsExactlyOnce", func(t *testing.T) { poolEveryTaskRunsExactlyOnce(t, impl) })
	run(t, "SubmitWhenSaturated", func(t *testing.T) { poolSubmitWhenSaturated(t, impl) })
	run(t, "SubmitAfterClose", func(t *testing.T) { poolSubmitAfterClose(t, impl) })
	run(t, "CloseWaitsForAcceptedTasks", func(t *testing.T) { poolCloseWaitsForAcceptedTasks(t, impl) })
	run(t, "PanickingTask", func(t *testing.T) { poolPanickingTask(t, impl) })
	run(t, "PanicDuringClose", func(t *testing.T) { poolPanicDuringClose(t, impl) })
	run(t, "SubmitRacingClose", func(t *testing.T) { poolSubmitRacingClose(t, impl) })
	run(t, "WorkerLimitOverTime", func(t *testing.T) { poolWorkerLimitOverTime(t, impl) })
}

// poolCapacity fills pools of 1, 2 and 5 workers with tasks that wait on a
// gate: a bounded pool must accept exactly its declared capacity, with
// every worker running a task, and block on the next Submit; an unbounded
// one must accept every Submit, running all of them at once (Unbounded) or
// one per worker (UnboundedQueue).
func poolCapacity(t *testing.T, impl workerpool.Impl) {
	for _, workers := range []int{1, 2, 5} {
		bubble(t, func(t *testing.T) {
			p := newPool(t, impl, workers)
			capacity, bounded := impl.Capacity(workers)
			limit := capacity + 1
			if !bounded {
				limit = unboundedLimit
			}
			f := fill(t, p, limit)
			synctest.Wait()
			wantCapacity(t, impl, f, workers)
			f.open()
			if err := p.Close(); err != nil {
				t.Errorf("workers=%d: Close: %v", workers, err)
			}
			<-f.done
			awaitStragglers(impl)
			if f.ran.Load() != f.accepted.Load() {
				t.Fatalf("workers=%d: %d tasks ran, %d were accepted%s", workers, f.ran.Load(), f.accepted.Load(), ways(closeDoesNotWait))
			}
		})
	}
}

// unboundedLimit is how many tasks poolCapacity offers an unbounded pool.
const unboundedLimit = 256

// The ways out of the pool's checks.
var (
	declareUnbounded = way("Submit never blocks and every task gets a goroutine at once", "Deviations.Unbounded")
	declareQueue     = way("Submit never blocks and at most workers tasks run, the rest queued without bound", "Deviations.UnboundedQueue")
	closeDoesNotWait = way("Close returns before the accepted tasks have finished (a demonstration's failure, with Demo set)", "Deviations.CloseDoesNotWait")
	ignoresCtx       = way("the pool cannot honour ctx while Submit is blocked", "Deviations.IgnoresCtxWhileBlocked")
)

// wantCapacity checks poolCapacity's pool of workers once its bubble is
// quiet: f's Submit blocks at the declared capacity, with workers tasks
// running; an unbounded pool accepted all unboundedLimit tasks.
func wantCapacity(t *testing.T, impl workerpool.Impl, f *filler, workers int) {
	t.Helper()
	capacity, bounded := impl.Capacity(workers)
	blocked, accepted, started := !isClosed(f.done), f.accepted.Load(), f.started.Load()
	switch {
	case !bounded:
		want := int64(workers)
		if impl.Deviations.Unbounded {
			want = unboundedLimit
		}
		if blocked || accepted != unboundedLimit || started != want {
			t.Errorf("workers=%d: declared unbounded: blocked=%v after accepting %d of %d tasks (last error %v), %d running, want never blocked and %d running",
				workers, blocked, accepted, unboundedLimit, f.lastErr, started, want)
		}
	case !blocked:
		t.Errorf("workers=%d: declared capacity %d (workers + Queue), but Submit did not block once %d tasks were accepted (last error %v)%s",
			workers, capacity, accepted, f.lastErr, ways(declareUnbounded, declareQueue))
	case accepted != int64(capacity):
		t.Errorf("workers=%d: Submit blocked after accepting %d tasks, declared capacity %d (workers + Queue)%s", workers, accepted, capacity,
			ways(way(fmt.Sprintf("the pool holds %d tasks beyond its running ones", accepted-int64(workers)), "Impl.Queue (and Impl.WithQueue, if it takes a queue size)")))
	case started != int64(workers):
		t.Errorf("workers=%d: at capacity %d tasks run at once, want %d%s", workers, started, workers, ways(declareUnbounded))
	}
}

func poolEveryTaskRunsExactlyOnce(t *testing.T, impl workerpool.Impl) {
	const submitters, perSubmitter = 4, 500
	for _, workers := range []int{1, 3, 8} {
		p := newPool(t, impl, workers)
		var runs [submitters * perSubmitter]atomic.Int32
		var wg sync.WaitGroup
		for s := range submitters {
			wg.Go(func() {
				defer failOnPanic(t)
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
		if impl.Deviations.CloseDoesNotWait {
			eventually(t, func() bool {
				for i := range runs {
					if runs[i].Load() == 0 {
						return false
					}
				}
				return true
			})
		}
		for i := range runs {
			if got := runs[i].Load(); got == 0 {
				t.Fatalf("workers=%d: task %d had not run when Close returned%s", workers, i, ways(closeDoesNotWait))
			} else if got != 1 {
				t.Fatalf("workers=%d: task %d ran %d times, want 1", workers, i, got)
			}
		}
	}
}

// poolSubmitWhenSaturated fills a pool with tasks that wait on a gate, then
// checks what the blocked Submit does when its ctx ends: returns ctx's error,
// or (declared IgnoresCtxWhileBlocked) keeps waiting until capacity frees;
// an Unbounded pool never blocks at all.
func poolSubmitWhenSaturated(t *testing.T, impl workerpool.Impl) {
	const workers, limit = 2, 4096
	dev := impl.Deviations
	bubble(t, func(t *testing.T) {
		p := newPool(t, impl, workers)
		f := fill(t, p, limit)
		synctest.Wait()
		wantSaturated(t, dev, f, workers, limit)
		before := f.accepted.Load()
		time.Sleep(2 * time.Second) // the blocked Submit's ctx ends
		synctest.Wait()
		wantCtxEnded(t, dev, f)
		f.open()
		if dev.IgnoresCtxWhileBlocked {
			// The waiting Submit now gets capacity and accepts its task.
			synctest.Wait()
			if f.accepted.Load() <= before {
				t.Error("declared IgnoresCtxWhileBlocked, but the blocked Submit did not accept its task once capacity freed")
			}
		}
		if err := p.Close(); err != nil { // frees a submitter still looping, with ErrClosed
			t.Errorf("Close: %v", err)
		}
		<-f.done
		awaitStragglers(impl)
		if f.ran.Load() != f.accepted.Load() {
			t.Errorf("%d tasks ran, %d were accepted%s", f.ran.Load(), f.accepted.Load(), ways(closeDoesNotWait))
		}
	})
}

// wantSaturated checks poolSubmitWhenSaturated's pool once its bubble is
// quiet: f's Submit blocks, with at least one task per worker accepted;
// an unbounded pool accepted all limit tasks.
func wantSaturated(t *testing.T, dev workerpool.Deviations, f *filler, workers, limit int64) {
	t.Helper()
	blocked := !isClosed(f.done)
	switch {
	case dev.Unbounded || dev.UnboundedQueue:
		if blocked || f.accepted.Load() != limit {
			t.Errorf("unbounded pool: blocked=%v after %d of %d submits, want never blocked", blocked, f.accepted.Load(), limit)
		}
	case !blocked:
		t.Errorf("Submit never blocked in %d submits with %d workers (last error %v)%s", f.accepted.Load(), workers, f.lastErr,
			ways(declareUnbounded, declareQueue))
	case f.accepted.Load() < workers:
		t.Errorf("blocked after %d submits, want at least %d (one per worker)", f.accepted.Load(), workers)
	}
}

// wantCtxEnded checks what f's blocked Submit did when its ctx ended: it
// returned context.DeadlineExceeded or, declared IgnoresCtxWhileBlocked,
// it still blocks.
func wantCtxEnded(t *testing.T, dev workerpool.Deviations, f *filler) {
	t.Helper()
	switch {
	case dev.Unbounded || dev.UnboundedQueue:
	case dev.IgnoresCtxWhileBlocked:
		if isClosed(f.done) {
			t.Errorf("declared IgnoresCtxWhileBlocked, but Submit returned %v when ctx ended: drop the declaration", f.lastErr)
		}
	default:
		if !isClosed(f.done) {
			t.Errorf("Submit still blocked after its ctx ended%s", ways(ignoresCtx))
		} else if !errors.Is(f.lastErr, context.DeadlineExceeded) {
			t.Errorf("Submit returned %v when its ctx ended, want context.DeadlineExceeded", f.lastErr)
		}
	}
}

// filler submits tasks that wait on gate to a pool, from a goroutine of
// its own, until a Submit fails or limit tasks are accepted. Each Submit
// has a second to go through.
type filler struct {
	gate                   chan struct{} // opening it lets the tasks return
	open                   func()        // opens gate; the check's end does too
	done                   chan struct{} // closed when the submitter returns
	accepted, started, ran atomic.Int64  // tasks Submit accepted, that started, that returned
	lastErr                error         // of the Submit that failed; read it once done is closed or the bubble is quiet
}

// fill starts a filler on p, whose gate opens when t's check ends at the
// latest.
func fill(t *testing.T, p workerpool.Pool, limit int) *filler {
	f := &filler{done: make(chan struct{})}
	f.gate, f.open = gate(t)
	go func() {
		defer close(f.done)
		defer failOnPanic(t)
		for range limit {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			err := p.Submit(ctx, func() { f.started.Add(1); <-f.gate; f.ran.Add(1) })
			cancel()
			if err != nil {
				f.lastErr = err
				return
			}
			f.accepted.Add(1)
		}
	}()
	return f
}

func poolSubmitAfterClose(t *testing.T, impl workerpool.Impl) {
	p := newPool(t, impl, 2)
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
}
