package pipeline

import (
	"context"
	"sync"
)

// runOrdered is runBuffered with every item tagged by its input position:
// channels carry (seq, item) pairs, and the collector puts results through a
// reorder buffer that emits them in input order as soon as each one's
// predecessors are out. The results are in input order whatever
// opts.Ordered says.
//
// The reorder buffer is a ring indexed by seq modulo its size; it holds only
// the items that overtook a slower one, and doubles when an item arrives
// further ahead than it can hold. It grows to the largest overtaking
// distance, which is bounded by the items in flight behind the slowest one
// (at most the whole input, if one item stalls while the rest finish).
//
// Blocking, closing and shutdown: as runBuffered. The pairs cost one word
// more per channel slot, and the collector a slot test per item.
//
// Cost: 1.1x the floor impl=rawchan per item through 3 stages of 1 worker,
// ordered (1.1x with 4, where the reorder ring grows: 47 allocs per Run
// instead of 20), none per item; conc, ordered by design, costs 10x the
// floor, so ordered costs about 0.11x conc
// (medians of results/reference/bench/results.txt, BenchmarkPipeline/work=none;
// the floor runs one goroutine per stage, so every ratio is to its 1-worker run).
func runOrdered[T any](ctx context.Context, src []T, stages []Stage[T], opts Options) ([]T, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	buf := bufferOf(opts)
	var wg sync.WaitGroup
	first := make(chan seqItem[T], buf) // closed by the source goroutine
	wg.Go(func() {
		defer close(first)
		done := ctx.Done()
		for i, v := range src {
			if !send(first, seqItem[T]{i, v}, done) {
				return
			}
		}
	})
	in := first
	for i, s := range stages {
		in = startOrderedStage(ctx, cancel, &wg, i, s, in, buf)
	}
	results := make([]T, 0, len(src))
	r := reorder[T]{emit: func(v T) { results = append(results, v) }}
	for it := range in {
		r.put(it.seq, it.v)
	}
	wg.Wait()
	return outcome(ctx, results)
}

// seqItem is an item and its position in src.
type seqItem[T any] struct {
	seq int
	v   T
}

func startOrderedStage[T any](ctx context.Context, cancel context.CancelCauseFunc, wg *sync.WaitGroup,
	i int, s Stage[T], in <-chan seqItem[T], buf int) chan seqItem[T] {
	out := make(chan seqItem[T], buf)
	c := newCloser(s.Workers, out)
	for range s.Workers {
		wg.Go(func() {
			defer c.done()
			done := ctx.Done()
			for {
				it, ok := recv(in, done)
				if !ok || ctx.Err() != nil {
					return
				}
				r, err := s.Fn(ctx, it.v)
				if err != nil {
					cancel(StageError(i, s, err))
					return
				}
				if !send(out, seqItem[T]{it.seq, r}, done) {
					return
				}
			}
		})
	}
	return out
}

// reorder emits items in sequence order, holding those that come early.
// Sequence numbers start at 0 and each is put once.
type reorder[T any] struct {
	next  int    // sequence number of the next item to emit
	slots []T    // slots[seq&mask] holds early item seq; len is 0 or a power of two
	full  []bool // full[seq&mask] says whether that slot holds an item
	emit  func(T)
}

func (r *reorder[T]) put(seq int, v T) {
	if seq != r.next {
		r.hold(seq, v)
		return
	}
	r.emit(v)
	r.next++
	if len(r.slots) == 0 {
		return
	}
	mask := len(r.slots) - 1
	for r.full[r.next&mask] {
		k := r.next & mask
		r.emit(r.slots[k])
		var zero T
		r.slots[k], r.full[k] = zero, false
		r.next++
	}
}

// hold keeps early item seq, growing the ring until it covers
// [r.next, seq].
func (r *reorder[T]) hold(seq int, v T) {
	if seq-r.next >= len(r.slots) {
		size := max(len(r.slots), 16)
		for seq-r.next >= size {
			size *= 2
		}
		slots, full := make([]T, size), make([]bool, size)
		for s := r.next; s < r.next+len(r.slots); s++ {
			if k := s & (len(r.slots) - 1); r.full[k] {
				slots[s&(size-1)], full[s&(size-1)] = r.slots[k], true
			}
		}
		r.slots, r.full = slots, full
	}
	k := seq & (len(r.slots) - 1)
	r.slots[k], r.full[k] = v, true
}
