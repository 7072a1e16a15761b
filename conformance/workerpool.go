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
//
// The adapter's New(workers) must return a started pool that runs at most
// workers tasks at once. Declared [workerpool.Deviations] change the checks:
// Unbounded (Submit never blocks: every one of the 4096 Submits is accepted
// at once, and tasks may all run together), UnboundedQueue (Submit never
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
		t.Fatalf("workerpool.Impl %q: New is nil", impl.Name)
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
	impl.New = func(workers int) workerpool.Pool { return build(workers, queue(workers)) }
	impl.Queue = queue
	impl.WithQueue = nil
	return impl
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
}

// poolCapacity fills pools of 1, 2 and 5 workers with tasks that wait on a
// gate: a bounded pool must accept exactly its declared capacity, with
// every worker running a task, and block on the next Submit; an unbounded
// one must accept every Submit, running all of them at once (Unbounded) or
// one per worker (UnboundedQueue).
func poolCapacity(t *testing.T, impl workerpool.Impl) {
	const unboundedLimit = 256
	dev := impl.Deviations
	for _, workers := range []int{1, 2, 5} {
		capacity, bounded := impl.Capacity(workers)
		limit := capacity + 1
		if !bounded {
			limit = unboundedLimit
		}
		synctest.Test(t, func(t *testing.T) {
			p := impl.New(workers)
			f := fill(p, limit)
			synctest.Wait()
			blocked := !isClosed(f.done)
			// Errorf, not Fatalf, until the gate is open and the pool
			// closed: a bubble that ends with goroutines blocked panics.
			switch {
			case !bounded:
				want := int64(workers)
				if dev.Unbounded {
					want = unboundedLimit
				}
				if blocked || f.accepted.Load() != unboundedLimit || f.started.Load() != want {
					t.Errorf("workers=%d: declared unbounded: blocked=%v after accepting %d of %d tasks (last error %v), %d running, want never blocked and %d running",
						workers, blocked, f.accepted.Load(), unboundedLimit, f.lastErr, f.started.Load(), want)
				}
			case !blocked:
				t.Errorf("workers=%d: declared capacity %d (workers + Queue), but Submit did not block once %d tasks were accepted (last error %v)",
					workers, capacity, f.accepted.Load(), f.lastErr)
			case f.accepted.Load() != int64(capacity):
				t.Errorf("workers=%d: Submit blocked after accepting %d tasks, declared capacity %d (workers + Queue)", workers, f.accepted.Load(), capacity)
			case f.started.Load() != int64(workers):
				t.Errorf("workers=%d: at capacity %d tasks run at once, want %d", workers, f.started.Load(), workers)
			}
			close(f.gate)
			if err := p.Close(); err != nil {
				t.Errorf("workers=%d: Close: %v", workers, err)
			}
			<-f.done
			awaitStragglers(impl)
			if f.ran.Load() != f.accepted.Load() {
				t.Fatalf("workers=%d: %d tasks ran, %d were accepted", workers, f.ran.Load(), f.accepted.Load())
			}
		})
	}
}

func poolEveryTaskRunsExactlyOnce(t *testing.T, impl workerpool.Impl) {
	const submitters, perSubmitter = 4, 500
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
			if got := runs[i].Load(); got != 1 {
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
	synctest.Test(t, func(t *testing.T) {
		p := impl.New(workers)
		f := fill(p, limit)
		synctest.Wait()
		// Errorf, not Fatalf, until the gate is open and the pool closed: a
		// bubble that ends with goroutines blocked panics.
		wantSaturated(t, dev, f, workers, limit)
		before := f.accepted.Load()
		time.Sleep(2 * time.Second) // the blocked Submit's ctx ends
		synctest.Wait()
		wantCtxEnded(t, dev, f)
		close(f.gate)
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
			t.Errorf("%d tasks ran, %d were accepted", f.ran.Load(), f.accepted.Load())
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
		t.Errorf("Submit never blocked in %d submits with %d workers (last error %v)", f.accepted.Load(), workers, f.lastErr)
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
			t.Errorf("declared IgnoresCtxWhileBlocked, but Submit returned %v when ctx ended", f.lastErr)
		}
	default:
		if !isClosed(f.done) {
			t.Error("Submit still blocked after its ctx ended")
		}
		if !errors.Is(f.lastErr, context.DeadlineExceeded) {
			t.Errorf("Submit returned %v, want context.DeadlineExceeded", f.lastErr)
		}
	}
}

// filler submits tasks that wait on gate to a pool, from a goroutine of
// its own, until a Submit fails or limit tasks are accepted. Each Submit
// has a second to go through.
type filler struct {
	gate                   chan struct{} // closing it lets the tasks return
	done                   chan struct{} // closed when the submitter returns
	accepted, started, ran atomic.Int64  // tasks Submit accepted, that started, that returned
	lastErr                error         // of the Submit that failed; read it once done is closed or the bubble is quiet
}

// fill starts a filler on p.
func fill(p workerpool.Pool, limit int) *filler {
	f := &filler{gate: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(f.done)
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
}

func poolCloseWaitsForAcceptedTasks(t *testing.T, impl workerpool.Impl) {
	const workers, tasks = 2, 6
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
			t.Fatalf("Close returned with %d of %d tasks finished", got, tasks)
		}
		// A bounded pool runs at most workers tasks at once, so the
		// batch takes at least tasks/workers seconds of fake time.
		if elapsed, min := time.Since(start), time.Duration(tasks/workers)*time.Second; !impl.Deviations.Unbounded && elapsed < min {
			t.Fatalf("%d one-second tasks on %d workers took %v, want >= %v: more than %d ran at once", tasks, workers, elapsed, min, workers)
		}
	})
}

func poolPanickingTask(t *testing.T, impl workerpool.Impl) {
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
	if impl.Deviations.CloseDoesNotWait {
		// Close returns before the tasks may have run, and with whatever
		// panics had been recorded by then: only the pool's survival is
		// checked.
		eventually(t, func() bool { return ran.Load() == 20 })
		return
	}
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
	synctest.Test(t, func(t *testing.T) {
		for rep := range reps {
			p := impl.New(workers)
			gate := make(chan struct{})
			for _, task := range []func(){
				func() { <-gate; panicInTask() },
				func() { <-gate; panicDeep(deepFrames) },
			} {
				if err := p.Submit(context.Background(), task); err != nil {
					t.Fatalf("rep %d: Submit: %v", rep, err)
				}
			}
			closed := make(chan error)
			go func() { closed <- p.Close() }()
			synctest.Wait() // Close is waiting for the two tasks
			if impl.Deviations.CloseDoesNotWait {
				closeReturnsBeforePanics(t, rep, gate, closed)
				continue
			}
			close(gate)
			err := <-closed
			got := panicErrors(err)
			if len(got) != 2 {
				t.Fatalf("rep %d: a panic during Close: Close = %v, holding %d *PanicError, want 2 (one shallow, one %d frames deep)", rep, err, len(got), deepFrames)
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
	synctest.Test(t, func(t *testing.T) {
		for rep := range reps {
			p := impl.New(workers)
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
				t.Fatalf("rep %d: %d tasks started after Close returned (%d accepted)", rep, n, accepted.Load())
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
func closeReturnsBeforePanics(t *testing.T, rep int, gate chan struct{}, closed chan error) {
	t.Helper()
	var err error
	returned := false
	select {
	case err = <-closed:
		returned = true
	default:
	}
	close(gate)
	synctest.Wait() // the tasks panic on the pool's workers, which recover
	if !returned {
		<-closed
		t.Fatalf("rep %d: declared CloseDoesNotWait, but Close waited for two tasks still waiting to run", rep)
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
