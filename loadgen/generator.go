package loadgen

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// generator issues the operations of one run.
type generator struct {
	cfg       Config
	target    Target
	clock     func() int64 // ns since the run's clock started
	warmEnd   int64        // ns: ops intended before this are not measured
	windowEnd int64        // ns: no op is intended at or after this
	hardStop  int64        // ns: an open-loop client that is still behind stops issuing here

	recorders  []*recorder // every recorder: clientRecs, then shards
	clientRecs []*recorder // one per client
	shards     []*recorder // completions of Submit tasks, which happen on the target's goroutines
	wakers     []*waker    // open loop: one per client
	meter      *costMeter  // set before the clients start
	peaks      *peaks      // set before the clients start

	track     bool         // count operations in flight: only when MaxInflight needs it
	goexit    atomic.Bool  // a client's operation never returned: the target called runtime.Goexit
	inflight  atomic.Int64 // operations in flight, when track
	issued    atomic.Int64 // operations started, summed from the clients when they return
	refused   atomic.Int64 // refused by MaxInflight
	unstarted atomic.Int64 // never started before the hard stop
}

// newGenerator allocates every recorder before the run's clock starts:
// nothing is allocated on the hot path.
func newGenerator(ctx context.Context, cfg Config, t Target) (*generator, error) {
	// The window opens 1 ms after the clock starts, so that even a run
	// without warm-up has its clients issuing when it opens.
	warmEnd := cfg.Warmup.Nanoseconds() + int64(time.Millisecond)
	windowEnd := warmEnd + cfg.Duration.Nanoseconds()
	g := &generator{
		cfg: cfg, target: t, warmEnd: warmEnd, windowEnd: windowEnd,
		hardStop: windowEnd + cfg.Duration.Nanoseconds(),
		track:    cfg.Model == Open && cfg.MaxInflight > 0,
	}
	g.clientRecs = make([]*recorder, cfg.Clients)
	for i := range g.clientRecs {
		g.clientRecs[i] = newRecorder(warmEnd, windowEnd)
	}
	g.recorders = append(g.recorders, g.clientRecs...)
	if cfg.Model == Open {
		gap := 1e9 * float64(cfg.Clients) / cfg.Rate // each client's mean gap, ns
		g.wakers = make([]*waker, cfg.Clients)
		for i := range g.wakers {
			w, err := newWaker(ctx, gap, cfg.Sleeper)
			if err != nil {
				for _, w := range g.wakers[:i] {
					w.close()
				}
				return nil, err
			}
			g.wakers[i] = w
		}
	}
	if t.Submit != nil {
		// Four per P keeps completions on different Ps off each other's
		// locks; 64 bounds their memory (about 1 MiB each) at any GOMAXPROCS.
		g.shards = make([]*recorder, min(4*runtime.GOMAXPROCS(0), 64))
		for i := range g.shards {
			g.shards[i] = newRecorder(warmEnd, windowEnd)
		}
		g.recorders = append(g.recorders, g.shards...)
	}
	return g, nil
}

// run starts the clock and the sampler, issues operations from the
// clients until the window ends, waits for every issued operation to
// complete, and returns what was measured.
func (g *generator) run(ctx context.Context) Result {
	every := g.cfg.SampleEvery
	if every <= 0 {
		every = min(max(g.cfg.Duration/50, 5*time.Millisecond), 500*time.Millisecond)
	}
	// The clients start before the clock does and wait for it, so that
	// on a loaded machine the time to create and first schedule them is not
	// taken out of the window (a short closed-loop window could otherwise
	// pass before a client issued anything).
	var clients, ready sync.WaitGroup
	var tasks sync.WaitGroup // tasks handed to Submit and not yet completed
	start := make(chan struct{})
	ready.Add(g.cfg.Clients)
	for c := range g.cfg.Clients {
		clients.Go(func() {
			ready.Done()
			<-start
			g.client(ctx, c, &tasks)
		})
	}
	ready.Wait()

	base, mono, _ := startClock()
	g.clock = func() int64 { return int64(time.Since(base)) }
	for _, w := range g.wakers {
		w.clock, w.monoBase = g.clock, mono
	}
	if g.cfg.OnStart != nil {
		g.cfg.OnStart(base.Add(time.Duration(g.warmEnd)))
	}
	smp := newSampler(g.clock, g.warmEnd, every, int(g.hardStop/int64(every))+4, g.recorders, g.target.State)
	meter := newCostMeter(g.warmEnd, g.windowEnd, smp.completed)
	smp.cost = meter
	g.meter, g.peaks = meter, smp.peaks
	smpCtx, stopSampler := context.WithCancel(context.Background())
	var smpWG sync.WaitGroup
	smpWG.Go(func() { smp.run(smpCtx) })

	close(start)
	clients.Wait()
	tasks.Wait()
	stopSampler()
	smpWG.Wait()
	res := g.result(smp)
	res.Cost = meter.cost()
	return res
}

// result merges the recorders.
func (g *generator) result(smp *sampler) Result {
	res := Result{Latency: newHist(), Service: newHist(), Lateness: newHist()}
	var last int64
	for _, r := range g.recorders {
		res.Latency.Merge(r.latency)
		res.Service.Merge(r.service)
		res.Lateness.Merge(r.lateness)
		res.Ops += r.ops
		res.WindowOps += r.inWindow
		res.Errors += r.errors
		last = max(last, r.last)
	}
	res.Sleeper = SleeperNone
	if g.cfg.Model == Open {
		res.Wake = newHist()
		for _, w := range g.wakers {
			res.Wake.Merge(w.wake)
			res.SpinNs += w.spinNs
		}
		res.Sleeper = g.wakers[0].name() // the clients share the rate equally, so the choice too
	}
	res.Issued = g.issued.Load()
	res.Dropped = g.refused.Load()
	res.Unstarted = g.unstarted.Load()
	res.Window = time.Duration(g.windowEnd - g.warmEnd)
	res.Elapsed = time.Duration(max(last, g.windowEnd) - g.warmEnd)
	res.PeakGoroutines, res.PeakStackBytes, res.Series = int(smp.peaks.goroutines.Load()), smp.peaks.stack.Load(), smp.series
	res.Behind = g.behind()
	if g.goexit.Load() {
		res.Aborted = "an operation never returned to its client: the target called runtime.Goexit (t.FailNow or t.SkipNow outside a test's goroutine does), and the client stopped"
	}
	return res
}

// behind says how an open-loop schedule was not held, or "".
func (g *generator) behind() string {
	if g.cfg.Model != Open {
		return ""
	}
	want := g.cfg.Rate * float64(g.windowEnd) / 1e9
	if n := g.unstarted.Load(); n > 0 {
		return fmt.Sprintf("generator fell behind: %d of %.0f scheduled operations never started before the hard stop at twice the window; each is counted as unstarted and its latency up to the stop recorded as a lower bound", n, want)
	}
	if got := float64(g.issued.Load() + g.refused.Load()); got < 0.99*want {
		return fmt.Sprintf("generator fell behind: issued %.0f of %.0f scheduled operations (%.1f%%)", got, want, 100*got/want)
	}
	return ""
}

// client issues one client's operations on its schedule until it ends.
func (g *generator) client(ctx context.Context, c int, tasks *sync.WaitGroup) {
	returned := false
	defer func() {
		// Deferred calls run without a return on a panic (which ends the
		// process) and on runtime.Goexit: the target called it.
		if !returned {
			g.goexit.Store(true)
		}
	}()
	g.issue(ctx, c, tasks)
	returned = true
}

// issue is the loop of client c: it issues the operations of its schedule
// until it ends (or ctx does).
func (g *generator) issue(ctx context.Context, c int, tasks *sync.WaitGroup) {
	var issued int64 // counted here, added once: no shared counter on the hot path
	defer func() { g.issued.Add(issued) }()
	sched := newSchedule(g.cfg, c, g.windowEnd)
	open := g.cfg.Model == Open
	rec := g.clientRecs[c]
	var wk *waker
	if open {
		wk = g.wakers[c]
		defer wk.close()
		defer wk.settle()
	}
	// A closed-loop client waits for its task to complete, not only for
	// Submit to return: otherwise a pool that never blocks would turn the
	// closed loop into an unbounded open one.
	var completed chan struct{}
	if !open && g.target.Submit != nil {
		completed = make(chan struct{}, 1)
	}
	var think pauser
	for seq := 0; ctx.Err() == nil; seq++ {
		if open {
			wk.settle() // the previous operation's, now that it is out of the way
		}
		now := g.clock()
		if g.peaks.due(now) { // one atomic load per operation, a look an interval
			g.meter.due(now)
		}
		intended, ok := sched.next(now)
		if !ok {
			return
		}
		if open {
			if now >= g.hardStop {
				g.giveUp(sched, rec, intended, now)
				return
			}
			if intended > now { // idle until then: how late it wakes is the harness's error
				if now = wk.until(ctx, intended, now, intended >= g.warmEnd); now < intended {
					return // ctx ended the wait
				}
			}
			if g.track && g.inflight.Load() >= int64(g.cfg.MaxInflight) {
				g.refused.Add(1)
				continue
			}
		}
		issued++
		measured := intended >= g.warmEnd
		if g.target.Submit != nil {
			g.submit(ctx, c, seq, intended, measured, rec, tasks, completed)
		} else {
			g.call(ctx, intended, now, measured, rec)
		}
		if g.cfg.Think > 0 && !think.sleep(ctx, g.cfg.Think) {
			return
		}
	}
}

// pauser sleeps one goroutine at a time, on one timer made once: a sleep
// allocates nothing.
type pauser struct{ t *time.Timer }

// sleep sleeps for d, or until ctx ends; it reports whether it slept the
// whole of d.
func (p *pauser) sleep(ctx context.Context, d time.Duration) bool {
	if p.t == nil {
		p.t = time.NewTimer(d)
	} else {
		p.t.Reset(d) // Go 1.23 timers: no stale tick to drain
	}
	select {
	case <-p.t.C:
		return true
	case <-ctx.Done():
		p.t.Stop()
		return false
	}
}

// giveUp counts every operation left on the schedule of a client that
// reached the hard stop as unstarted, and records the measured ones'
// latency up to now: the slowest operations are never silently omitted.
func (g *generator) giveUp(sched schedule, rec *recorder, intended, now int64) {
	for ok := true; ok; intended, ok = sched.next(now) {
		g.unstarted.Add(1)
		if intended >= g.warmEnd {
			rec.recordUnstarted(intended, now)
		}
	}
}

// call performs one operation on the client's goroutine.
// started is the clock's last reading, taken just before: a clock read
// costs tens of ns on some machines, and this is the harness's hot path.
func (g *generator) call(ctx context.Context, intended, started int64, measured bool, rec *recorder) {
	if g.track {
		g.inflight.Add(1)
	}
	failed := g.target.Call(ctx) != nil
	if g.track {
		g.inflight.Add(-1)
	}
	rec.record(intended, started, g.clock(), failed, measured)
}

// submit hands one operation to the target. Its completion is recorded by
// the task, on whatever goroutine runs it, into a shard picked by
// operation number; a refused Submit is recorded by the client.
func (g *generator) submit(ctx context.Context, c, seq int, intended int64, measured bool, rec *recorder, tasks *sync.WaitGroup, completed chan struct{}) {
	shard := g.shards[(c*7919+seq)%len(g.shards)]
	if g.track {
		g.inflight.Add(1)
	}
	tasks.Add(1)
	err := g.target.Submit(ctx, func() {
		defer tasks.Done()
		started := g.clock() // service time is the task's own run
		failed := g.target.Task != nil && g.target.Task(ctx) != nil
		if g.track {
			g.inflight.Add(-1)
		}
		shard.record(intended, started, g.clock(), failed, measured)
		if completed != nil {
			completed <- struct{}{}
		}
	})
	if err != nil {
		if g.track {
			g.inflight.Add(-1)
		}
		tasks.Done()
		if measured {
			rec.recordRejected(intended, g.clock())
		}
		return
	}
	if completed != nil {
		<-completed
	}
}
