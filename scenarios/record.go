package scenarios

import (
	"sync"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Histogram range: 1 ns to 10 minutes at 3 significant digits, about 200 KB
// per histogram, fixed whatever the run length.
const (
	histMin    = 1
	histMax    = int64(10 * 60 * 1e9)
	histDigits = 3
)

func newHist() *hdrhistogram.Histogram { return hdrhistogram.New(histMin, histMax, histDigits) }

// recorder holds the histograms of one recording goroutine (a client) or of
// one shard of completions (tasks of a pool, which complete on the pool's
// goroutines, not ours). Its mutex is uncontended on the hot path: only the
// sampler takes it from elsewhere, once an interval.
type recorder struct {
	mu       sync.Mutex
	latency  *hdrhistogram.Histogram // completion - intended start
	service  *hdrhistogram.Histogram // completion - actual start
	lateness *hdrhistogram.Histogram // actual start - intended start
	interval *hdrhistogram.Histogram // latency of this sampling interval; swapped by the sampler
	ops      int64
	errors   int64
	last     int64 // latest completion, ns on the trial clock
	_        [64]byte
}

func newRecorder() *recorder {
	return &recorder{latency: newHist(), service: newHist(), lateness: newHist(), interval: newHist()}
}

// record records one measured operation; times are ns on the trial clock.
// It does not allocate.
func (r *recorder) record(intended, started, done int64, failed bool) {
	r.mu.Lock()
	r.latency.RecordValue(max(done-intended, histMin))
	r.service.RecordValue(max(done-started, histMin))
	r.lateness.RecordValue(max(started-intended, histMin))
	r.interval.RecordValue(max(done-intended, histMin))
	r.ops++
	if failed {
		r.errors++
	}
	r.last = max(r.last, done)
	r.mu.Unlock()
}

// takeInterval returns the interval histogram and its op count so far,
// leaving a reset one in place (spare is reused to avoid allocation).
func (r *recorder) takeInterval(spare *hdrhistogram.Histogram) (*hdrhistogram.Histogram, int64) {
	spare.Reset()
	r.mu.Lock()
	h := r.interval
	r.interval = spare
	ops := r.ops
	r.mu.Unlock()
	return h, ops
}
