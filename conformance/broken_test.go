package conformance_test

import (
	"context"
	"errors"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concbench/concbench/conformance"
	"github.com/concbench/concbench/impl/breaker"
	"github.com/concbench/concbench/impl/fanout"
	"github.com/concbench/concbench/impl/pipeline"
	"github.com/concbench/concbench/impl/workerpool"
)

// brokenEnv, set, lets TestBroken run: TestFailingChecks runs it in a child
// process, where its failures, stranded goroutines and spinning watchdog
// victims stay.
const brokenEnv = "CONCBENCH_CONFORMANCE_BROKEN"

// TestBroken runs the suites on implementations broken in ways users met,
// one subtest each, for TestFailingChecks to read: each must fail the
// checks it breaks, each alone, and let every later check run and report.
func TestBroken(t *testing.T) {
	if os.Getenv(brokenEnv) == "" {
		t.Skip("run by TestFailingChecks, in a child process")
	}
	t.Run("blockingexecute", func(t *testing.T) { conformance.Breaker(t, blockingExecute()) })
	t.Run("fixedthreshold", func(t *testing.T) { conformance.Breaker(t, fixedBreaker(false)) })
	t.Run("canceledfailure", func(t *testing.T) { conformance.Breaker(t, canceledIsFailure()) })
	t.Run("ignoresctx", func(t *testing.T) {
		impl := registryPool(t, "conc")
		impl.Deviations.IgnoresCtxWhileBlocked = false
		conformance.WorkerPool(t, impl)
	})
	t.Run("idlelimit", func(t *testing.T) {
		conformance.WorkerPool(t, workerpool.Impl{Name: "idle", Doc: "workers on demand, let go after 5s idle, but one more task in a second's grace",
			New: newIdlePool})
	})
	t.Run("spinclose", func(t *testing.T) {
		conformance.WorkerPool(t, workerpool.Impl{Name: "spin", Doc: "channels behind a lock that Close holds while it spins on in-flight Submits",
			New: newSpinClosePool, Queue: func(workers int) int { return workers }})
	})
	t.Run("serialises", func(t *testing.T) { // the guide's breaker, but for its declared lock
		impl := registryBreaker("seed")
		impl.Deviations.SerialisesCalls = false
		conformance.Breaker(t, impl)
	})
	t.Run("stopslate", func(t *testing.T) {
		impl := fanout.Impls[int, int]()[slices.IndexFunc(fanout.Impls[int, int](), func(i fanout.Impl[int, int]) bool { return i.Name == "seed" })]
		impl.StopsLate = false
		conformance.FanOut(t, impl)
	})
	t.Run("unordered", func(t *testing.T) {
		run := pipeline.Impls[int]()[0].Run // channels: declares Unordered
		conformance.Pipeline(t, pipeline.Impl[int]{Name: "ignoresordered", Doc: "channels, with Options.Ordered ignored",
			Run: func(ctx context.Context, src []int, stages []pipeline.Stage[int], opts pipeline.Options) ([]int, error) {
				opts.Ordered = false
				return run(ctx, src, stages, opts)
			}})
	})
	t.Run("nils", func(t *testing.T) {
		conformance.WorkerPool(t, workerpool.Impl{Name: "nilnew", Doc: "no New"})
		conformance.WorkerPool(t, workerpool.Impl{Name: "nilpool", Doc: "New returns nil", New: func(int) workerpool.Pool { return nil }})
		conformance.WorkerPool(t, workerpool.Impl{Name: "nilqueue", Doc: "WithQueue returns a nil *semPool", New: newSemPool,
			WithQueue: func(int, int) workerpool.Pool { return (*semPool)(nil) }})
		conformance.Breaker(t, breaker.Impl{Name: "nilnew", Doc: "no New"})
		conformance.Breaker(t, breaker.Impl{Name: "nilbreaker", Doc: "New returns nil", New: func(breaker.Config) breaker.Breaker { return nil }})
		conformance.FanOut(t, fanout.Impl[int, int]{Name: "nilmap", Doc: "no Map"})
		conformance.Pipeline(t, pipeline.Impl[int]{Name: "nilrun", Doc: "no Run"})
		t.Log("went on after every nil")
	})
}

// registryPool returns the built-in worker-pool entry name.
func registryPool(t *testing.T, name string) workerpool.Impl {
	impls := workerpool.Impls()
	i := slices.IndexFunc(impls, func(i workerpool.Impl) bool { return i.Name == name })
	if i < 0 {
		t.Fatalf("no workerpool entry %s", name)
	}
	return impls[i]
}

// registryBreaker returns the built-in breaker entry name.
func registryBreaker(name string) breaker.Impl {
	impls := breaker.Impls()
	return impls[slices.IndexFunc(impls, func(i breaker.Impl) bool { return i.Name == name })]
}

// blockingBreaker is the registry's mutex breaker, but Execute blocks for
// ever on a call whose ctx has a deadline: in a fake-time check every
// goroutine of the bubble ends up blocked, the check's own among them.
type blockingBreaker struct {
	breaker.Breaker
	never chan struct{}
}

func (b blockingBreaker) Execute(ctx context.Context, fn func(context.Context) error) error {
	if _, ok := ctx.Deadline(); ok {
		<-b.never
	}
	return b.Breaker.Execute(ctx, fn)
}

func blockingExecute() breaker.Impl {
	inner := registryBreaker("mutex").New
	return breaker.Impl{Name: "blocking", Doc: "mutex, but Execute blocks for ever on a ctx with a deadline",
		New: func(cfg breaker.Config) breaker.Breaker { return blockingBreaker{inner(cfg), make(chan struct{})} }}
}

// fixedBreaker is the registry's mutex breaker with a threshold of its
// own, 5 failures, an open timeout of 7s and one probe, whatever its
// Config says, as a library that cannot be configured is (streadway/handy's
// breaker); declared says whether its entry declares them.
func fixedBreaker(declared bool) breaker.Impl {
	fixed := breaker.Config{FailuresToOpen: 5, OpenTimeout: 7 * time.Second, HalfOpenProbes: 1}
	inner := registryBreaker("mutex").New
	impl := breaker.Impl{Name: "fixed", Doc: "mutex, with 5 failures to open, 7s open and one probe whatever the Config",
		New: func(cfg breaker.Config) breaker.Breaker {
			cfg.FailuresToOpen, cfg.OpenTimeout, cfg.HalfOpenProbes = fixed.FailuresToOpen, fixed.OpenTimeout, fixed.HalfOpenProbes
			return inner(cfg)
		}}
	if declared {
		impl.Deviations.FixedConfig = &fixed
	}
	return impl
}

// canceledFailure hides a caller's context.Canceled from the mutex breaker,
// which then counts the call as a failure, as gobreaker v1 does.
type canceledFailure struct{ err error }

func (e canceledFailure) Error() string { return e.err.Error() }

type countsCanceled struct{ breaker.Breaker }

func (b countsCanceled) Execute(ctx context.Context, fn func(context.Context) error) error {
	err := b.Breaker.Execute(ctx, func(ctx context.Context) error {
		err := fn(ctx)
		if errors.Is(err, context.Canceled) {
			return canceledFailure{err}
		}
		return err
	})
	if c, ok := err.(canceledFailure); ok {
		return c.err
	}
	return err
}

func canceledIsFailure() breaker.Impl {
	inner := registryBreaker("mutex").New
	return breaker.Impl{Name: "canceled", Doc: "mutex, counting a caller's context.Canceled as a failure",
		New: func(cfg breaker.Config) breaker.Breaker { return countsCanceled{inner(cfg)} }}
}

// idlePool runs at most workers tasks at once on workers it starts on
// demand and lets go after 5s idle; but a worker it lets go takes one more
// task if one comes within a second, while Submit may start a new one in
// its place: after an idle period, one task more than workers can run at
// once (as pond's dynamic pool did after its 5s purge).
type idlePool struct {
	max     int64
	tasks   chan func()
	mu      sync.RWMutex // read-held by Submit from its closed check to the hand-over
	closed  bool         // guarded by mu
	live    atomic.Int64 // workers counted against max
	spawnMu sync.Mutex
	wg      sync.WaitGroup
	panics  struct {
		sync.Mutex
		errs []error
	}
}

const idleTimeout, idleGrace = 5 * time.Second, time.Second

func newIdlePool(workers int) workerpool.Pool {
	return &idlePool{max: int64(workers), tasks: make(chan func())}
}

func (p *idlePool) Submit(ctx context.Context, task func()) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return workerpool.ErrClosed
	}
	select {
	case p.tasks <- task: // an idle worker took it
		return nil
	default:
	}
	if p.spawn(task) {
		return nil
	}
	select {
	case p.tasks <- task:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// spawn starts a worker with task if fewer than max are counted.
func (p *idlePool) spawn(task func()) bool {
	p.spawnMu.Lock()
	defer p.spawnMu.Unlock()
	if p.live.Load() >= p.max {
		return false
	}
	p.live.Add(1)
	p.wg.Add(1)
	go p.worker(task)
	return true
}

func (p *idlePool) worker(task func()) {
	defer p.wg.Done()
	p.run(task)
	idle := time.NewTimer(idleTimeout)
	defer idle.Stop()
	for {
		select {
		case task, ok := <-p.tasks:
			if !ok {
				p.live.Add(-1)
				return
			}
			p.run(task)
			idle.Reset(idleTimeout)
		case <-idle.C:
			p.live.Add(-1) // counted out: Submit may start another worker now
			select {       // the defect: one more task, if it comes soon
			case task, ok := <-p.tasks:
				if ok {
					p.run(task)
				}
			case <-time.After(idleGrace):
			}
			return
		}
	}
}

func (p *idlePool) run(task func()) {
	defer func() {
		if v := recover(); v != nil {
			p.panics.Lock()
			p.panics.errs = append(p.panics.errs, &workerpool.PanicError{Value: v, Stack: debug.Stack()})
			p.panics.Unlock()
		}
	}()
	task()
}

func (p *idlePool) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return workerpool.ErrClosed
	}
	p.closed = true
	close(p.tasks)
	p.mu.Unlock()
	p.wg.Wait()
	p.panics.Lock()
	defer p.panics.Unlock()
	return errors.Join(p.panics.errs...)
}

// spinClosePool is the registry's channels pool behind a lock that Submit
// takes after counting itself in, and that Close holds while it waits,
// spinning, for no Submit to be in: a Submit racing Close counts itself
// in and then waits for the lock, for ever, while Close spins
// (runtime.Gosched) without ever blocking, so that neither fake time nor
// the check moves on. A naive adapter of pond's drain loop did this.
type spinClosePool struct {
	inner    workerpool.Pool
	mu       sync.Mutex
	closed   bool // guarded by mu
	inflight atomic.Int64
}

func newSpinClosePool(workers int) workerpool.Pool {
	var p spinClosePool
	for _, impl := range workerpool.Impls() {
		if impl.Name == "channels" {
			p.inner = impl.New(workers)
		}
	}
	return &p
}

func (p *spinClosePool) Submit(ctx context.Context, task func()) error {
	p.inflight.Add(1)
	defer p.inflight.Add(-1)
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if closed {
		return workerpool.ErrClosed
	}
	return p.inner.Submit(ctx, task)
}

func (p *spinClosePool) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return workerpool.ErrClosed
	}
	p.closed = true
	for p.inflight.Load() > 0 {
		runtime.Gosched()
	}
	return p.inner.Close()
}

// TestFixedConfig: a breaker whose library cannot be configured passes the
// suite once its entry declares the library's values (FixedConfig), which
// the checks then use; undeclared, it fails them (TestFailingChecks,
// fixedthreshold).
// Fixed at 4 probes, mutex's and gobreaker's (which closes only after all
// of them succeed) run the probe checks with 4.
func TestFixedConfig(t *testing.T) {
	t.Run("handy", func(t *testing.T) { conformance.Breaker(t, fixedBreaker(true)) })
	for _, name := range []string{"mutex", "gobreaker"} {
		t.Run(name+"/probes=4", func(t *testing.T) {
			impl := registryBreaker(name)
			inner := impl.New
			impl.New = func(cfg breaker.Config) breaker.Breaker { cfg.HalfOpenProbes = 4; return inner(cfg) }
			impl.Deviations.FixedConfig = &breaker.Config{HalfOpenProbes: 4}
			conformance.Breaker(t, impl)
		})
	}
}
