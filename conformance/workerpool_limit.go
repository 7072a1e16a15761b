package conformance

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concbench/concbench/impl/workerpool"
)

// limitGaps are the idle periods of poolWorkerLimitOverTime, between one
// burst's last task and the next burst: around the idle timeouts pools
// keep workers for (pond's purge every 5s; ants' 1s expiry; a minute),
// some exactly on one, where a timer of the pool's and the next Submit
// fall on the same instant of fake time.
var limitGaps = []time.Duration{
	0, 10 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second,
	3 * time.Second, 4900 * time.Millisecond, 5 * time.Second, 5500 * time.Millisecond,
	6 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 61 * time.Second, 2 * time.Minute,
}

// limitRounds is how many times poolWorkerLimitOverTime goes through
// limitGaps; limitBurst is how many tasks each burst holds per worker.
const (
	limitRounds = 3
	limitBurst  = 3
)

// poolWorkerLimitOverTime (fake time) runs bursts of one-second and
// short tasks through pools of 1 and 2 workers, from two submitters each,
// with every idle period of limitGaps before a burst, three times over:
// some 1000 seconds of fake time on one worker. At no instant may more
// than workers tasks run at once: a pool that retires idle workers and
// starts new ones (pond's dynamic pool purges them every 5s) must not
// count one twice. The other checks last a few seconds of fake time, too
// short for an idle timeout to pass.
func poolWorkerLimitOverTime(t *testing.T, impl workerpool.Impl) {
	if impl.Deviations.Unbounded {
		t.Skip("declared Unbounded: any number of tasks may run at once")
	}
	for _, workers := range []int{1, 2} {
		bubble(t, func(t *testing.T) {
			p := newPool(t, impl, workers)
			probe := &limitProbe{workers: int64(workers), start: time.Now()}
			var tasks sync.WaitGroup
			release(t, tasks.Wait) // the tasks of a failed check finish before Close
			for round := range limitRounds {
				for _, gap := range limitGaps {
					time.Sleep(gap)
					probe.burst(gap)
					limitBurstOf(t, p, probe, &tasks, workers*limitBurst)
					tasks.Wait()
					if msg := probe.over(); msg != "" {
						t.Fatalf("workers=%d, round %d: %s%s", workers, round, msg, ways(declareUnbounded))
					}
				}
			}
			if err := p.Close(); err != nil {
				t.Errorf("workers=%d: Close: %v", workers, err)
			}
		})
	}
}

// limitBurstOf submits n tasks to p from two goroutines, odd ones sleeping
// a second and even ones a millisecond, each counted in tasks and by
// probe, and returns once every Submit has.
func limitBurstOf(t *testing.T, p workerpool.Pool, probe *limitProbe, tasks *sync.WaitGroup, n int) {
	t.Helper()
	var submitters sync.WaitGroup
	for s := range 2 {
		submitters.Go(func() {
			defer failOnPanic(t)
			for i := s; i < n; i += 2 {
				d := time.Millisecond
				if i%2 == 1 {
					d = time.Second
				}
				tasks.Add(1)
				err := p.Submit(context.Background(), func() {
					defer tasks.Done()
					probe.enter()
					time.Sleep(d)
					probe.exit()
				})
				if err != nil {
					tasks.Done()
					t.Errorf("Submit: %v", err)
					return
				}
			}
		})
	}
	submitters.Wait()
}

// limitProbe counts the tasks running at once and keeps the first moment
// there were more than workers.
type limitProbe struct {
	workers int64
	start   time.Time
	running atomic.Int64

	mu    sync.Mutex
	gap   time.Duration // the idle period before the current burst
	first string        // the first excess, said
}

// burst notes that a burst begins after an idle period of gap.
func (p *limitProbe) burst(gap time.Duration) {
	p.mu.Lock()
	p.gap = gap
	p.mu.Unlock()
}

func (p *limitProbe) enter() {
	n := p.running.Add(1)
	if n <= p.workers {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.first == "" {
		p.first = fmt.Sprintf("%d tasks ran at once on a pool of %d workers, %v of fake time into the check, in a burst that came after %v idle",
			n, p.workers, time.Since(p.start), p.gap)
	}
}

func (p *limitProbe) exit() { p.running.Add(-1) }

// over returns the first excess, or "" if there was none.
func (p *limitProbe) over() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.first
}
