package loadgen

import (
	"context"
	"math"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/concbench/concbench/record"
)

// sampler reads runtime/metrics and the recorders every interval, on the
// trial's clock. Its own goroutine wakes on a ticker, but under a load that
// keeps every P busy the runtime may not schedule that goroutine for the
// whole window (32 clients handing 20 µs CPU tasks to goroutines on 2 Ps
// ping-pong through each P's runnext slot and left it none in 100 ms), so
// the clients also take a sample when one is due (due): whichever goroutine
// notices first takes it, and the window's cost and series do not depend on
// the load leaving the sampler a P.
type sampler struct {
	// busy is held (0 → 1) while a sample is taken: a flag, not a
	// sync.Mutex, whose waits the runtime would count as the target's
	// (mutex-wait-ns/op); whoever finds it held skips the sample.
	busy      atomic.Int32
	next      atomic.Int64 // clock reading at which the next sample is due
	clock     func() int64
	zero      int64 // window start: T is seconds since it
	every     time.Duration
	n         int        // samples expected
	cost      *costMeter // if set, observes every sample
	windowEnd int64
	recorders []*recorder   // fixed before the sampler starts
	state     func() string // nil if the target has none
	series    record.Series
	peak      int    // goroutines
	peakStack uint64 // bytes of goroutine stacks

	samples           []metrics.Sample
	prevOps           int64
	prevGC, prevSched *metrics.Float64Histogram
	prevMutex         float64
	prevT             int64
	spare, acc        *hdrhistogram.Histogram
}

// newSampler returns a sampler expecting about n samples, for which it
// makes room before the run: a sample allocates nothing, so that the
// window's allocation counts (B/op) are the target's.
func newSampler(clock func() int64, zero int64, every time.Duration, n int, recorders []*recorder, state func() string) *sampler {
	s := &sampler{clock: clock, zero: zero, every: every, n: n, recorders: recorders, state: state, spare: newHist(), acc: newHist()}
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

// start makes room for the series and takes the baseline sample, before
// the clients may take any.
func (s *sampler) start() {
	n := s.n
	s.series = record.Series{IntervalNs: int64(s.every),
		T: make([]float64, 0, n), OpsPerSec: make([]float64, 0, n), P99Ns: make([]float64, 0, n), Goroutines: make([]float64, 0, n),
		HeapBytes: make([]float64, 0, n), StackBytes: make([]float64, 0, n), GCPauseNs: make([]float64, 0, n),
		SchedP99Ns: make([]float64, 0, n), MutexWait: make([]float64, 0, n)}
	if s.state != nil {
		s.series.State = make([]string, 0, n)
	}
	s.read() // baseline for the deltas
}

// run samples on a ticker until ctx ends, then takes the last sample.
func (s *sampler) run(ctx context.Context) {
	tick := time.NewTicker(s.every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			// The clients have returned, so nobody else samples: the
			// loop is for form.
			for !s.busy.CompareAndSwap(0, 1) {
				runtime.Gosched()
			}
			s.read()
			s.busy.Store(0)
			return
		case <-tick.C:
			// A tick reads unless a client took a sample less than half
			// an interval ago: the ticker's jitter does not skip samples,
			// and no two are closer than every/2 (room for twice n).
			if s.busy.CompareAndSwap(0, 1) {
				if s.clock() >= s.next.Load()-int64(s.every/2) {
					s.read()
				}
				s.busy.Store(0)
			}
		}
	}
}

// due takes a sample if one is due at now and no other goroutine is taking
// one; a client calls it between operations. When no sample is due it
// costs an atomic load.
func (s *sampler) due(now int64) {
	if now < s.next.Load() || !s.busy.CompareAndSwap(0, 1) {
		return
	}
	if s.clock() >= s.next.Load() {
		s.read()
	}
	s.busy.Store(0)
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
	for _, r := range s.recorders {
		h, n := r.takeInterval(s.spare)
		s.acc.Merge(h)
		s.spare = h
		ops += n
	}
	if s.cost != nil {
		s.cost.observe(now, s.zero, s.windowEnd, s.completed)
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
		if s.state != nil {
			s.series.State = append(s.series.State, s.state())
		}
	}
	s.prevT, s.prevOps, s.prevMutex = now, ops, mutex
	s.next.Store(now + int64(s.every))
	s.prevGC, s.prevSched = copyHist(s.prevGC, gc), copyHist(s.prevSched, sched)
}

// copyHist copies h into dst, which it allocates the first time only.
func copyHist(dst, h *metrics.Float64Histogram) *metrics.Float64Histogram {
	if dst == nil || len(dst.Counts) != len(h.Counts) {
		return cloneHist(h)
	}
	copy(dst.Counts, h.Counts)
	dst.Buckets = h.Buckets
	return dst
}

// completed counts the completions so far.
func (s *sampler) completed() int64 {
	var n int64
	for _, r := range s.recorders {
		n += r.completed()
	}
	return n
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
