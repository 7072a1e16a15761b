package scenarios

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"concbench/internal/sidecar"
	"concbench/internal/work"
)

// TrialSpec is everything a trial process needs: it travels as JSON on the
// child's standard input.
type TrialSpec struct {
	Spec   Spec              `json:"spec"`
	Impl   string            `json:"impl"`
	Params map[string]string `json:"params"`
	Rate   float64           `json:"rate,omitempty"`  // open loop: this trial's offered load
	Procs  int               `json:"procs,omitempty"` // GOMAXPROCS of the trial process; 0 leaves it alone
	Rep    int               `json:"rep"`
}

// Name is the benchmark name of the trial's results.
func (ts TrialSpec) Name(patterns []Pattern) string {
	return trialName(ts, patterns)
}

// leakGrace is how long goroutines may take to return to the baseline after
// Close before the trial counts them as leaked.
const leakGrace = time.Second

// RunTrial runs one trial in this process and returns its record. Errors are
// for trials that could not start (a bad spec); a trial that ran but failed
// its checks returns a record with a non-ok status.
func RunTrial(ctx context.Context, ts TrialSpec, patterns []Pattern) (sidecar.Trial, error) {
	var pat *Pattern
	for i := range patterns {
		if patterns[i].Name == ts.Spec.Pattern {
			pat = &patterns[i]
		}
	}
	if pat == nil {
		return sidecar.Trial{}, fmt.Errorf("no pattern %q", ts.Spec.Pattern)
	}
	s := ts.Spec
	l := s.Load
	if l.Model == "open" && !(ts.Rate > 0) {
		return sidecar.Trial{}, fmt.Errorf("scenario %s: an open-loop trial needs its rate (TrialSpec.Rate, set by Plan)", s.Name)
	}
	tr := sidecar.Trial{
		Name: ts.Name(patterns), Scenario: s.Name, Pattern: s.Pattern, Impl: ts.Impl,
		Params: ts.Params, Rep: ts.Rep, Model: l.Model, Status: sidecar.StatusOK,
		GOMAXPROCS: runtime.GOMAXPROCS(0),
	}
	if l.Model == "open" {
		tr.TargetRate = ts.Rate
	}

	warmEnd := l.Warmup.Duration.Nanoseconds() + int64(time.Millisecond) // offsets on the trial clock
	windowEnd := warmEnd + l.Duration.Nanoseconds()
	work.RoundsPerMicrosecond() // calibrate the CPU work before any clock runs
	op, startOutage := newOp(s.Work, s.Faults)
	g := &generator{spec: s, rate: ts.Rate, op: op, warmEnd: warmEnd, windowEnd: windowEnd}
	runtime.GC() // start every trial from the same heap state
	// The baseline counts the sampler, started below and stopped after the
	// leak check.
	tr.BaselineGoroutines = runtime.NumGoroutine() + 1
	target, err := pat.New(ts.Impl, ts.Params, op)
	if err != nil {
		return sidecar.Trial{}, err
	}
	g.target = target
	g.prepare()

	// The trial clock starts after every step of the setup, so that the
	// window holds load from its first nanosecond.
	base := time.Now()
	g.clock = func() int64 { return int64(time.Since(base)) }
	startOutage(base.Add(time.Duration(warmEnd)))
	smp := newSampler(g.clock, warmEnd, interval(l.Duration.Duration), g)
	if target.State != nil {
		smp.state.Store(&target.State)
	}
	smpCtx, stopSampler := context.WithCancel(context.Background())
	var smpWG sync.WaitGroup
	smpWG.Go(func() { smp.run(smpCtx) })
	g.run(ctx)

	closeErr := target.Close()
	if target.Counters != nil {
		tr.Counters = target.Counters()
	}
	closedAt := time.Now()
	// Goroutines back to baseline within the grace period?
	for runtime.NumGoroutine() > tr.BaselineGoroutines && time.Since(closedAt) < leakGrace {
		time.Sleep(time.Millisecond)
	}
	tr.QuiesceNs = int64(time.Since(closedAt))
	tr.LeakedGoroutines = max(runtime.NumGoroutine()-tr.BaselineGoroutines, 0)
	stopSampler()
	smpWG.Wait()

	lat, svc, late := newHist(), newHist(), newHist()
	var last int64
	for _, r := range g.recorders {
		lat.Merge(r.latency)
		svc.Merge(r.service)
		late.Merge(r.lateness)
		tr.Ops += r.ops
		tr.WindowOps += r.inWindow
		tr.Errors += r.errors
		last = max(last, r.last)
	}
	tr.Latency, tr.Service, tr.Lateness = &sidecar.Hist{Histogram: lat}, &sidecar.Hist{Histogram: svc}, &sidecar.Hist{Histogram: late}
	tr.Dropped = g.refused.Load()
	tr.Unstarted = g.unstarted.Load()
	tr.Issued = g.issued.Load()
	tr.ElapsedNs = max(last, windowEnd) - warmEnd
	tr.WindowNs = windowEnd - warmEnd
	tr.Series = smp.series
	tr.PeakGoroutines = smp.peak
	tr.PeakStackBytes = smp.peakStack
	switch {
	case ctx.Err() != nil:
		tr.Status, tr.Error = sidecar.StatusPartial, "interrupted"
	case closeErr != nil:
		tr.Status, tr.Error = sidecar.StatusCrashed, "Close: "+closeErr.Error()
	case tr.LeakedGoroutines > 0:
		tr.Status = sidecar.StatusLeaked
		tr.Error = fmt.Sprintf("%d goroutines above the baseline of %d, %v after Close", tr.LeakedGoroutines, tr.BaselineGoroutines, leakGrace)
	}
	if g.behind != "" && tr.Error == "" {
		tr.Error = g.behind
	}
	return tr, nil
}

// interval picks the sampling period: about 50 samples a window, 5–500 ms.
func interval(d time.Duration) time.Duration {
	return min(max(d/50, 5*time.Millisecond), 500*time.Millisecond)
}

// generator issues the operations of one trial.
type generator struct {
	spec      Spec
	rate      float64 // open loop: offered operations per second
	target    *Target
	op        Op
	clock     func() int64
	warmEnd   int64 // ns: ops intended before this are not measured
	windowEnd int64 // ns: no op is intended at or after this

	mu         sync.Mutex // guards recorders while they are being added
	recorders  []*recorder
	clientRecs []*recorder  // one per client
	shards     []*recorder  // completions of Submit tasks
	inflight   atomic.Int64 // operations in flight; counted only under load.max_inflight
	issued     atomic.Int64 // operations started, summed from the clients when they return
	refused    atomic.Int64 // refused by the in-flight cap
	unstarted  atomic.Int64 // never started before the hard stop
	behind     string       // set when an open-loop schedule could not be held
}

// snapshot returns the recorders so far, for the sampler.
func (g *generator) snapshot() []*recorder {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.recorders
}

func (g *generator) newRecorder() *recorder {
	r := newRecorder(g.warmEnd, g.windowEnd)
	g.mu.Lock()
	g.recorders = append(g.recorders, r)
	g.mu.Unlock()
	return r
}

// run issues operations from spec.Load.Clients goroutines until the window
// ends, and returns when every issued operation has completed.
//
// Open loop, as wrk2 does it: each client owns an equal share of the rate
// and its own schedule (constant or Poisson), and every operation's
// latency counts from its intended start, so a client held up by a slow
// operation makes the following ones late, and their lateness is measured,
// not omitted. Closed loop: each client issues its next operation when the
// previous one completes (plus think time).
func (g *generator) run(ctx context.Context) {
	l := g.spec.Load
	var wg sync.WaitGroup
	var async sync.WaitGroup // tasks handed to Submit and not yet completed
	for c := range l.Clients {
		wg.Go(func() { g.client(ctx, c, &async) })
	}
	wg.Wait()
	async.Wait()
	if l.Model != "open" {
		return
	}
	want := g.rate * float64(g.windowEnd) / 1e9
	if n := g.unstarted.Load(); n > 0 {
		g.behind = fmt.Sprintf("generator fell behind: %d of %.0f scheduled operations never started before the hard stop at twice the window; each is counted as unstarted and its latency up to the stop recorded as a lower bound", n, want)
	} else if got := float64(g.issued.Load() + g.refused.Load()); got < 0.99*want {
		g.behind = fmt.Sprintf("generator fell behind: issued %.0f of %.0f scheduled operations (%.1f%%)", got, want, 100*got/want)
	}
}

// prepare allocates every recorder before the trial clock starts: one per
// client, and, for Submit targets, shards for the completions that happen
// on the target's goroutines, picked by operation number.
func (g *generator) prepare() {
	g.clientRecs = make([]*recorder, g.spec.Load.Clients)
	for i := range g.clientRecs {
		g.clientRecs[i] = g.newRecorder()
	}
	if g.target.Submit != nil {
		// Four per P keeps completions on different Ps off each other's
		// locks; 64 bounds their memory (about 1 MiB each) at any GOMAXPROCS.
		g.shards = make([]*recorder, min(4*runtime.GOMAXPROCS(0), 64))
		for i := range g.shards {
			g.shards[i] = g.newRecorder()
		}
	}
}

func (g *generator) client(ctx context.Context, c int, async *sync.WaitGroup) {
	l := g.spec.Load
	rec := g.clientRecs[c]
	open := l.Model == "open"
	var gap float64 // ns between this client's operations (open)
	if open {
		gap = 1e9 * float64(l.Clients) / g.rate
	}
	rng := rand.New(rand.NewPCG(uint64(c)+1, 0x9e3779b97f4a7c15))
	next := 0.0
	if open { // stagger the clients across one gap
		next = gap * float64(c) / float64(l.Clients)
	}
	// The in-flight count is a counter shared by every client and task:
	// it is kept only when a cap needs it, off the hot path otherwise.
	// Issued operations are counted locally and added once.
	track := open && l.MaxInflight > 0
	var issued int64
	defer func() { g.issued.Add(issued) }()
	// Wall-clock limit: an open-loop client that has fallen behind stops
	// issuing at twice the window. The operations it never started are not
	// omitted: each is counted as unstarted, its latency so far recorded.
	hardStop := g.windowEnd + (g.windowEnd - g.warmEnd)
	// A closed-loop client waits for its task to complete, not only for
	// Submit to return: otherwise a pool that never blocks (spawn) would
	// turn the closed loop into an unbounded open one.
	var completed chan struct{}
	if !open && g.target.Submit != nil {
		completed = make(chan struct{}, 1)
	}
	var seq int
	for ctx.Err() == nil {
		var intended int64
		now := g.clock()
		if open {
			intended = int64(next)
			if l.Arrival == "poisson" {
				next += rng.ExpFloat64() * gap
			} else {
				next += gap
			}
			if intended >= g.windowEnd {
				return
			}
			if now >= hardStop {
				for ; intended < g.windowEnd; next += gap {
					g.unstarted.Add(1)
					if intended >= g.warmEnd {
						rec.recordUnstarted(intended, now)
					}
					intended = int64(next)
				}
				return
			}
			if wait := intended - now; wait > 0 {
				sleepUntil(g.clock, intended, wait)
				now = g.clock()
			}
			if track && g.inflight.Load() >= int64(l.MaxInflight) {
				g.refused.Add(1)
				continue
			}
		} else {
			if now >= g.windowEnd {
				return
			}
			intended = now
		}
		issued++
		measured := intended >= g.warmEnd
		if g.target.Submit != nil {
			seq++
			shard := g.shards[(c*7919+seq)%len(g.shards)]
			if track {
				g.inflight.Add(1)
			}
			async.Add(1)
			err := g.target.Submit(ctx, func() {
				defer async.Done()
				started := g.clock() // service time is the task's own run
				failed := g.op(ctx) != nil
				if track {
					g.inflight.Add(-1)
				}
				shard.record(intended, started, g.clock(), failed, measured)
				if completed != nil {
					completed <- struct{}{}
				}
			})
			if err != nil {
				if track {
					g.inflight.Add(-1)
				}
				async.Done()
				if measured {
					rec.recordRejected(intended, g.clock())
				}
			} else if completed != nil {
				<-completed
			}
		} else {
			if track {
				g.inflight.Add(1)
			}
			started := now
			failed := g.target.Call(ctx) != nil
			if track {
				g.inflight.Add(-1)
			}
			rec.record(intended, started, g.clock(), failed, measured)
		}
		if !open && l.Think.Duration > 0 {
			time.Sleep(l.Think.Duration)
		}
	}
}

// sleepUntil waits until the clock reads at least t: it sleeps through a
// wait longer than 200µs (less 100µs) and yields the processor for the
// rest. An idle Go runtime rounds a sub-millisecond timer up to about a
// millisecond, so at a few thousand operations/s per client the starts run
// up to 1–2 ms late; that lateness is measured (late-p99-ns) and counted in
// the latency, not hidden. Spinning through waits up to 2 ms instead was
// tried and rejected: in workerpool-knee (channels, spawn; 3 trials each)
// it cut spawn's start lateness p99 from 1.7–2.1 ms to 0.5–0.9 ms, but the
// spinning client raised the tasks' own service p99 from 2.1–2.9 ms to
// 2.1–8.5 ms: the generator disturbed what it measured.
func sleepUntil(clock func() int64, t, wait int64) {
	if wait > int64(200*time.Microsecond) {
		time.Sleep(time.Duration(wait - int64(100*time.Microsecond)))
	}
	for clock() < t {
		runtime.Gosched()
	}
}

// sampler reads runtime/metrics and the recorders every interval, on the
// trial's clock.
type sampler struct {
	clock     func() int64
	zero      int64 // window start: T is seconds since it
	every     time.Duration
	gen       *generator
	state     atomic.Pointer[func() string] // set once the target exists
	series    sidecar.Series
	peak      int    // goroutines
	peakStack uint64 // bytes of goroutine stacks

	samples           []metrics.Sample
	prevOps           int64
	prevGC, prevSched *metrics.Float64Histogram
	prevMutex         float64
	prevT             int64
	spare, acc        *hdrhistogram.Histogram
}

func newSampler(clock func() int64, zero int64, every time.Duration, gen *generator) *sampler {
	s := &sampler{clock: clock, zero: zero, every: every, gen: gen, spare: newHist(), acc: newHist()}
	s.series.IntervalNs = int64(every)
	s.samples = []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/sched/pauses/total/gc:seconds"},
		{Name: "/sched/latencies:seconds"},
		{Name: "/sync/mutex/wait/total:seconds"},
		{Name: "/memory/classes/heap/stacks:bytes"},
	}
	return s
}

func (s *sampler) run(ctx context.Context) {
	s.read() // baseline for the deltas
	s.series = sidecar.Series{IntervalNs: int64(s.every)}
	tick := time.NewTicker(s.every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			s.read()
			return
		case <-tick.C:
			s.read()
		}
	}
}

func (s *sampler) read() {
	now := s.clock()
	metrics.Read(s.samples)
	// runtime.NumGoroutine, not /sched/goroutines:goroutines, which also
	// counts the runtime's own goroutines (7 more in an idle program here):
	// the peak must be comparable with the leak check's baseline.
	g := runtime.NumGoroutine()
	s.peak = max(s.peak, g)
	stack := s.samples[4].Value.Uint64()
	s.peakStack = max(s.peakStack, stack)
	s.acc.Reset()
	var ops int64
	for _, r := range s.gen.snapshot() {
		h, n := r.takeInterval(s.spare)
		s.acc.Merge(h)
		s.spare = h
		ops += n
	}
	gc := s.samples[1].Value.Float64Histogram()
	sched := s.samples[2].Value.Float64Histogram()
	mutex := s.samples[3].Value.Float64()
	if s.prevGC != nil {
		dt := float64(now-s.prevT) / 1e9
		s.series.T = append(s.series.T, float64(now-s.zero)/1e9)
		s.series.OpsPerSec = append(s.series.OpsPerSec, float64(ops-s.prevOps)/dt)
		s.series.P99Ns = append(s.series.P99Ns, float64(s.acc.ValueAtQuantile(99)))
		s.series.Goroutines = append(s.series.Goroutines, float64(g))
		s.series.HeapBytes = append(s.series.HeapBytes, float64(s.samples[0].Value.Uint64()))
		s.series.StackBytes = append(s.series.StackBytes, float64(stack))
		s.series.GCPauseNs = append(s.series.GCPauseNs, 1e9*histSum(gc, s.prevGC))
		s.series.SchedP99Ns = append(s.series.SchedP99Ns, 1e9*histQuantile(sched, s.prevSched, 0.99))
		s.series.MutexWait = append(s.series.MutexWait, 1e9*(mutex-s.prevMutex))
		if st := s.state.Load(); st != nil {
			s.series.State = append(s.series.State, (*st)())
		}
	}
	s.prevT, s.prevOps, s.prevMutex = now, ops, mutex
	s.prevGC, s.prevSched = cloneHist(gc), cloneHist(sched)
}

func cloneHist(h *metrics.Float64Histogram) *metrics.Float64Histogram {
	return &metrics.Float64Histogram{Counts: append([]uint64(nil), h.Counts...), Buckets: h.Buckets}
}

// histSum estimates the total of the values recorded between prev and cur,
// taking each bucket's midpoint (its finite edge for the open-ended ones).
func histSum(cur, prev *metrics.Float64Histogram) float64 {
	var sum float64
	for i, c := range cur.Counts {
		d := c - prev.Counts[i]
		if d == 0 {
			continue
		}
		lo, hi := cur.Buckets[i], cur.Buckets[i+1]
		mid := (lo + hi) / 2
		switch {
		case math.IsInf(lo, -1):
			mid = hi
		case math.IsInf(hi, 1):
			mid = lo
		}
		sum += float64(d) * mid
	}
	return sum
}

// histQuantile returns the q-quantile (bucket upper edge) of the values
// recorded between prev and cur; 0 if none were.
func histQuantile(cur, prev *metrics.Float64Histogram, q float64) float64 {
	var total uint64
	for i, c := range cur.Counts {
		total += c - prev.Counts[i]
	}
	if total == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(total)))
	var seen uint64
	for i, c := range cur.Counts {
		seen += c - prev.Counts[i]
		if seen >= rank {
			hi := cur.Buckets[i+1]
			if math.IsInf(hi, 1) {
				return cur.Buckets[i]
			}
			return hi
		}
	}
	return 0
}
