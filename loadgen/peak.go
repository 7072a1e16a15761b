package loadgen

import (
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"time"
)

// peaks tracks the trial's peak goroutines and goroutine-stack bytes. The
// sampler reads them at every sample, but a load that keeps every P busy
// can leave its goroutine no P for a whole window, and a peak read only by
// it would then be the quiet moments' (a goroutine per task with 64 KiB
// stacks measured 0.65x the stacks of a 4-worker pool that way, against
// 1.66x when sampled throughout). So whoever first finds a look due takes
// it, the sampler or a client between operations: runtime.NumGoroutine and
// one runtime/metrics value, a few µs, once an interval; otherwise an
// atomic load.
type peaks struct {
	every      int64        // ns between looks
	next       atomic.Int64 // clock reading at which the next look is due
	busy       atomic.Int32 // held (0 → 1) while a look is taken
	goroutines atomic.Int64
	stack      atomic.Uint64
	sample     []metrics.Sample // used under busy only
}

func newPeaks(every time.Duration) *peaks {
	return &peaks{every: int64(every), sample: []metrics.Sample{{Name: "/memory/classes/heap/stacks:bytes"}}}
}

// due takes a look if one is due at now and nobody else is taking one,
// and reports whether it took it. A client asks nothing else per
// operation: the cost meter's snapshots are offered at its looks.
func (p *peaks) due(now int64) bool {
	if now < p.next.Load() || !p.busy.CompareAndSwap(0, 1) {
		return false
	}
	p.next.Store(now + p.every)
	metrics.Read(p.sample)
	p.observe(runtime.NumGoroutine(), p.sample[0].Value.Uint64())
	p.busy.Store(0)
	return true
}

// observe raises the peaks to g goroutines and stack bytes.
func (p *peaks) observe(g int, stack uint64) {
	for cur := p.goroutines.Load(); int64(g) > cur && !p.goroutines.CompareAndSwap(cur, int64(g)); cur = p.goroutines.Load() {
	}
	for cur := p.stack.Load(); stack > cur && !p.stack.CompareAndSwap(cur, stack); cur = p.stack.Load() {
	}
}
