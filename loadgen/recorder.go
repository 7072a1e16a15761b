package loadgen

import (
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// MaxLatency is the longest latency a histogram holds: no operation of a
// scenario trial can outlast its watchdog, whose limit this is.
const MaxLatency = 72 * time.Hour

// Histogram range: 1 ns to MaxLatency at 3 significant digits, about 320 KB
// per histogram, fixed whatever the run length. An HDR histogram silently
// drops a value above its range, which would omit exactly the slowest
// operations: values are clamped into range instead (see clamp).
const (
	histMin    = 1
	histMax    = int64(MaxLatency)
	histDigits = 3
)

// clamp brings v into the histograms' range.
func clamp(v int64) int64 { return min(max(v, histMin), histMax) }

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
	ops      int64                   // measured operations (intended in the window)
	errors   int64                   // of which failed
	inWindow int64                   // operations, measured or not, that completed in the window
	done     int64                   // every completion: the sampler's throughput
	last     int64                   // latest completion of a measured operation, ns on the trial clock

	from, to int64 // the measurement window, ns on the trial clock
	_        [64]byte
}

func newRecorder(from, to int64) *recorder {
	return &recorder{latency: newHist(), service: newHist(), lateness: newHist(), interval: newHist(), from: from, to: to}
}

// record records one completed operation; times are ns on the trial clock.
// Latencies are recorded only for measured operations (intended inside the
// window); throughput counts every completion inside the window, so a
// backlog left by the warm-up does not pass for low throughput. It does not
// allocate.
func (r *recorder) record(intended, started, done int64, failed, measured bool) {
	r.mu.Lock()
	r.done++
	if done >= r.from && done < r.to {
		r.inWindow++
	}
	if measured {
		r.latency.RecordValue(clamp(done - intended))
		r.service.RecordValue(clamp(done - started))
		r.lateness.RecordValue(clamp(started - intended))
		r.interval.RecordValue(clamp(done - intended))
		r.ops++
		if failed {
			r.errors++
		}
		r.last = max(r.last, done)
	}
	r.mu.Unlock()
}

// recordUnstarted records a measured operation the generator never started
// before its hard stop at time at: its latency is at least at-intended. It
// has no service time or lateness, and no error of its own: the trial
// counts it as unstarted.
func (r *recorder) recordUnstarted(intended, at int64) {
	r.mu.Lock()
	r.latency.RecordValue(clamp(at - intended))
	r.interval.RecordValue(clamp(at - intended))
	r.ops++
	r.mu.Unlock()
}

// recordRejected records a measured operation the target refused at time
// at (a Submit that returned an error): a failed operation with a latency,
// but no service time or lateness, since it never ran.
func (r *recorder) recordRejected(intended, at int64) {
	r.mu.Lock()
	r.done++
	if at >= r.from && at < r.to {
		r.inWindow++
	}
	r.latency.RecordValue(clamp(at - intended))
	r.interval.RecordValue(clamp(at - intended))
	r.ops++
	r.errors++
	r.last = max(r.last, at)
	r.mu.Unlock()
}

// completed returns the completions so far.
func (r *recorder) completed() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.done
}

// takeInterval returns the interval histogram and the completions so far,
// leaving a reset one in place (spare is reused to avoid allocation).
func (r *recorder) takeInterval(spare *hdrhistogram.Histogram) (*hdrhistogram.Histogram, int64) {
	spare.Reset()
	r.mu.Lock()
	h := r.interval
	r.interval = spare
	n := r.done
	r.mu.Unlock()
	return h, n
}
