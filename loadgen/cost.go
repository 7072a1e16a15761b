package loadgen

import (
	"math"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"time"

	"github.com/concbench/concbench/internal/cputime"
	"github.com/concbench/concbench/record"
)

// costMeter measures what the measurement window costs the process: it
// takes a snapshot when the window opens and another when it closes, and
// counts the completions between them. Whoever first finds a snapshot due
// takes it (due): the sampler at a sample, or a client at a peak look
// (peaks.due), at most an interval after the window's edge either way. The
// sampler alone is not enough: a load that keeps every P busy can leave
// its goroutine no P for a whole window (32 clients handing 20 µs CPU tasks
// to a goroutine each on 2 Ps did, for 100 ms). The clients pay nothing
// per operation for it beyond the look's own check, and two snapshots per
// trial between the two that take them.
type costMeter struct {
	open, close int64        // the window, on the trial's clock
	completed   func() int64 // completions so far
	next        atomic.Int64 // clock reading at which the next snapshot is due
	busy        atomic.Int32 // held (0 → 1) while a snapshot is taken

	samples []metrics.Sample
	// keepPauses and keepSched hold snapshot a's histograms.
	keepPauses, keepSched *metrics.Float64Histogram
	a, b                  costSnap
	aOps                  int64 // completions at snapshot a; -1 before it
	ops                   int64 // completions from a to b
	done                  bool  // both snapshots taken: the window ran whole
	// slow is set if a snapshot took longer than the window allows (its
	// readings are then far apart in the window's terms), or the two
	// spanned less than half the window.
	slow bool
}

// costSnap is one snapshot: the clock, the process's CPU time, and the
// runtime's metrics.
type costSnap struct {
	at     time.Time
	took   time.Duration // from the snapshot's first reading to its last
	cpu    time.Duration
	allocB uint64
	allocN uint64
	gc     uint64
	pauses *metrics.Float64Histogram
	sched  *metrics.Float64Histogram
	mutexS float64
}

func newCostMeter(open, close int64, completed func() int64) *costMeter {
	m := &costMeter{open: open, close: close, completed: completed, aOps: -1, samples: []metrics.Sample{
		{Name: "/sched/pauses/total/gc:seconds"},
		{Name: "/sched/latencies:seconds"},
		{Name: "/sync/mutex/wait/total:seconds"},
	}}
	metrics.Read(m.samples)
	m.keepPauses, m.keepSched = cloneHist(m.samples[0].Value.Float64Histogram()), cloneHist(m.samples[1].Value.Float64Histogram())
	m.next.Store(open)
	return m
}

// due takes the snapshot that is due at now, if one is and nobody else is
// taking it. When none is due it costs an atomic load.
func (m *costMeter) due(now int64) {
	if now < m.next.Load() || !m.busy.CompareAndSwap(0, 1) {
		return
	}
	m.observe(now)
	switch {
	case m.done:
		m.next.Store(math.MaxInt64)
	case m.aOps >= 0:
		m.next.Store(m.close)
	}
	m.busy.Store(0)
}

// snap takes a snapshot. The allocation counts come from
// runtime.ReadMemStats, which stops the world for a moment (tens of µs,
// twice a trial) but flushes every P's cache first: runtime/metrics'
// /gc/heap/allocs counts a span's objects only when the span leaves a
// P's cache, and read 8 of 10 allocations of 1 KiB, or none of 3.
func (m *costMeter) snap() costSnap {
	at, cpu := time.Now(), cputime.Process()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	metrics.Read(m.samples)
	return costSnap{
		at: at, cpu: cpu, took: time.Since(at),
		allocB: ms.TotalAlloc, allocN: ms.Mallocs, gc: uint64(ms.NumGC),
		pauses: m.samples[0].Value.Float64Histogram(), sched: m.samples[1].Value.Float64Histogram(),
		mutexS: m.samples[2].Value.Float64(),
	}
}

// slowSnap is how long a snapshot may take, as a share of the window, for
// the cost to stand: its readings (clock, CPU, allocations, completions)
// must describe one moment. A snapshot that stops the world returns
// within a millisecond, but under a load whose goroutines hand each
// other the P (32 clients and a goroutine per 20 µs CPU task on 2 Ps),
// the runtime can leave the goroutine that took it unscheduled for tens
// of milliseconds after the world restarts (78 ms of an 80 ms window,
// measured).
const slowSnap = 10 // a tenth of the window

// observe is called by due, with the clock's reading: it takes snapshot a
// at the first call at or after the window's opening and b at the first at
// or after its close, and counts the completions between them (completed). Each end counts the
// completions right after its snapshot: the snapshot's stop of the world
// takes a while to begin, and operations that complete meanwhile must
// fall on the same side of both ends.
func (m *costMeter) observe(now int64) {
	open, close, completed := m.open, m.close, m.completed
	limit := time.Duration(close-open) / slowSnap
	switch {
	case m.aOps < 0 && now >= open:
		m.a = m.snap()
		m.aOps = completed()
		m.slow = m.slow || m.a.took > limit
		// The next Read reuses the samples' histograms: keep a's, in room
		// made before the window (an allocation now would be the window's).
		m.a.pauses, m.a.sched = copyHist(m.keepPauses, m.a.pauses), copyHist(m.keepSched, m.a.sched)
	case m.aOps >= 0 && !m.done && now >= close:
		m.b = m.snap()
		m.ops, m.done = completed()-m.aOps, true
		// A snapshot's goroutine can be held off a P from the window's
		// opening to near its close: a span of a sliver of the window is
		// not the window's cost.
		m.slow = m.slow || m.b.took > limit || m.b.at.Sub(m.a.at) < time.Duration(close-open)/2
	}
}

// cost is the window's cost; nil if the window did not run whole or a
// snapshot was slow (slowSnap): a cost over the wrong span would be
// worse than none, which the report shows as not measured.
func (m *costMeter) cost() *record.Cost {
	if !m.done || m.slow {
		return nil
	}
	a, b := m.a, m.b
	return &record.Cost{
		SpanNs: int64(b.at.Sub(a.at)), Ops: m.ops, CPUNs: int64(b.cpu - a.cpu),
		AllocBytes: b.allocB - a.allocB, AllocObjects: b.allocN - a.allocN, GCCycles: b.gc - a.gc,
		GCPauseP99Ns: 1e9 * histQuantile(b.pauses, a.pauses, 0.99),
		SchedP50Ns:   1e9 * histQuantile(b.sched, a.sched, 0.50),
		SchedP99Ns:   1e9 * histQuantile(b.sched, a.sched, 0.99),
		MutexWaitNs:  1e9 * (b.mutexS - a.mutexS),
	}
}
