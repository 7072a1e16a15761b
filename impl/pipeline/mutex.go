package pipeline

import (
	"context"
	"sync"
	"sync/atomic"
)

// runMutex connects stages with rings: a fixed queue of opts.Buffer
// (DefaultBuffer, 64) items under a mutex, with a sync.Cond for "not empty"
// and one for "not full", instead of channels.
//
// Blocking: put waits on notFull while the ring is full, get on notEmpty
// while it is empty; each signals the other Cond once per item (a no-op
// atomic check when nobody waits). A Cond cannot watch ctx, so
// context.AfterFunc marks every ring stopped and broadcasts both Conds when
// Run's context ends; a stopped ring fails every put and get at once, even
// with items left.
//
// Closing: the source closes the first ring; each stage's output ring is
// closed by the last of its workers to return (get then reports the end once
// the ring is empty). Run waits for its goroutines and for the AfterFunc, if
// it started.
//
// Cost: 0.51x the floor impl=rawchan (plain buffered channels, no ctx) per
// item through 3 stages of 1 worker (0.82x with 4), 38 allocs per Run and
// none per item: faster than channels here because a put or get that need
// not wait is one uncontended lock and a no-op Signal
// (medians of results/reference/bench/results.txt, BenchmarkPipeline/work=none;
// the floor runs one goroutine per stage, so every ratio is to its 1-worker run).
func runMutex[T any](ctx context.Context, src []T, stages []Stage[T], opts Options) ([]T, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	buf := bufferOf(opts)
	rings := make([]*ring[T], len(stages)+1)
	for i := range rings {
		rings[i] = newRing[T](buf)
	}
	stopped := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(stopped)
		for _, r := range rings {
			r.stop()
		}
	})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer rings[0].close()
		for _, v := range src {
			if !rings[0].put(v) {
				return
			}
		}
	})
	for i, s := range stages {
		startMutexStage(ctx, cancel, &wg, i, s, rings[i], rings[i+1])
	}
	results := make([]T, 0, len(src))
	last := rings[len(stages)]
	for v, ok := last.get(); ok; v, ok = last.get() {
		results = append(results, v)
	}
	wg.Wait()
	if !stop() {
		<-stopped
	}
	return outcome(ctx, results)
}

// startMutexStage starts the stage's workers, which take items from in and
// put Fn's results into out; the last of them to return closes out.
func startMutexStage[T any](ctx context.Context, cancel context.CancelCauseFunc, wg *sync.WaitGroup,
	i int, s Stage[T], in, out *ring[T]) {
	left := new(atomic.Int64) // workers still running; the last closes out
	left.Store(int64(s.Workers))
	for range s.Workers {
		wg.Go(func() {
			defer func() {
				if left.Add(-1) == 0 {
					out.close()
				}
			}()
			for {
				v, ok := in.get()
				if !ok || ctx.Err() != nil {
					return
				}
				r, err := s.Fn(ctx, v)
				if err != nil {
					cancel(StageError(i, s, err))
					return
				}
				if !out.put(r) {
					return
				}
			}
		})
	}
}

// ring is a bounded FIFO queue guarded by a mutex.
type ring[T any] struct {
	mu       sync.Mutex
	notEmpty sync.Cond
	notFull  sync.Cond
	buf      []T
	head, n  int  // the queue is buf[head], buf[head+1], … (mod len), n items
	closed   bool // no more puts: get reports the end once empty
	stopped  bool // cancelled: put and get fail at once
}

func newRing[T any](size int) *ring[T] {
	r := &ring[T]{buf: make([]T, size)}
	r.notEmpty.L = &r.mu
	r.notFull.L = &r.mu
	return r
}

// put appends v, waiting while the ring is full; false if stopped.
func (r *ring[T]) put(v T) bool {
	r.mu.Lock()
	for r.n == len(r.buf) && !r.stopped {
		r.notFull.Wait()
	}
	if r.stopped {
		r.mu.Unlock()
		return false
	}
	i := r.head + r.n
	if i >= len(r.buf) {
		i -= len(r.buf)
	}
	r.buf[i] = v
	r.n++
	r.mu.Unlock()
	r.notEmpty.Signal()
	return true
}

// get removes the oldest item, waiting while the ring is empty and open;
// false once it is closed and empty, or stopped.
func (r *ring[T]) get() (T, bool) {
	var zero T
	r.mu.Lock()
	for r.n == 0 && !r.closed && !r.stopped {
		r.notEmpty.Wait()
	}
	if r.stopped || r.n == 0 {
		r.mu.Unlock()
		return zero, false
	}
	v := r.buf[r.head]
	r.buf[r.head] = zero
	r.head++
	if r.head == len(r.buf) {
		r.head = 0
	}
	r.n--
	r.mu.Unlock()
	r.notFull.Signal()
	return v, true
}

func (r *ring[T]) close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.notEmpty.Broadcast()
}

func (r *ring[T]) stop() {
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
	r.notEmpty.Broadcast()
	r.notFull.Broadcast()
}
