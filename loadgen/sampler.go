package loadgen

import (
	"context"
	"math"
	"runtime"
	"runtime/metrics"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/concbench/concbench/record"
)

// sampler reads runtime/metrics and the recorders every interval, on the
// trial's clock.
type sampler struct {
	clock     func() int64
	zero      int64 // window start: T is seconds since it
	every     time.Duration
	n         int           // samples expected
	cost      *costMeter    // if set, observes every sample
	recorders []*recorder   // fixed before the sampler starts
	state     func() string // nil if the target has none
	series    record.Series
	peaks     *peaks // goroutines and stack bytes, which clients raise too

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
	s := &sampler{clock: clock, zero: zero, every: every, n: n, recorders: recorders, state: state, spare: newHist(), acc: newHist(), peaks: newPeaks(every)}
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
	n := s.n
	s.series = record.Series{IntervalNs: int64(s.every),
		T: make([]float64, 0, n), OpsPerSec: make([]float64, 0, n), P99Ns: make([]float64, 0, n), Goroutines: make([]float64, 0, n),
		HeapBytes: make([]float64, 0, n), StackBytes: make([]float64, 0, n), GCPauseNs: make([]float64, 0, n),
		SchedP99Ns: make([]float64, 0, n), MutexWait: make([]float64, 0, n)}
	if s.state != nil {
		s.series.State = make([]string, 0, n)
	}
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
	stack := s.samples[4].Value.Uint64()
	s.peaks.observe(g, stack)
	s.acc.Reset()
	var ops int64
	for _, r := range s.recorders {
		h, n := r.takeInterval(s.spare)
		s.acc.Merge(h)
		s.spare = h
		ops += n
	}
	if s.cost != nil {
		s.cost.due(now)
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
