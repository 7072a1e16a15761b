package breaker

import (
	"context"
	"sync"
)

// mutexBreaker keeps state, counts and a generation counter under one
// sync.Mutex. Execute takes the lock twice, briefly: before fn to admit the
// call (and note its generation) and after fn to record the result; fn
// itself runs unlocked on the caller's goroutine, so slow calls never block
// other callers.
//
// Generations: every state change increments gen; a result whose gen is not
// the current one is dropped. Open → half-open happens lazily, in the first
// Execute or State after the timeout; nothing runs in the background.
//
// A panicking fn counts as a failure (its probe slot is freed) and the panic
// goes on up the caller's stack.
//
// Clock reads: none on the closed path; while open, one time.Since per call;
// opening reads time.Now once.
//
// Cost: on the closed path two Lock/Unlock pairs, no time.Now, no allocation:
// 30x the floor impl=none (fn called directly) per call at -cpu 1 and 94x
// at -cpu 2, where the one lock is contended; a rejection costs a time.Now,
// 190x at -cpu 2; 0 allocs either way (ratios of medians: -cpu 2 from
// results/reference/bench/results.txt, -cpu 1 from breaker-cpu.txt beside
// it; ns/op of RunParallel is wall time per call, so the floor halves at
// -cpu 2, as does any design without contention).
type mutexBreaker struct {
	mu sync.Mutex
	m  machine // guarded by mu
}

func newMutex(cfg Config) Breaker {
	cfg.validate()
	return &mutexBreaker{m: machine{cfg: cfg, rej: newRejections("mutex")}}
}

func (b *mutexBreaker) Execute(ctx context.Context, fn func(context.Context) error) error {
	b.mu.Lock()
	gen, err := b.m.admit()
	b.mu.Unlock()
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done { // fn panicked
			b.record(gen, Failure)
		}
	}()
	err = fn(ctx)
	done = true
	b.record(gen, Classify(ctx, err))
	return err
}

func (b *mutexBreaker) record(gen uint64, o Outcome) {
	b.mu.Lock()
	b.m.record(gen, o)
	b.mu.Unlock()
}

func (b *mutexBreaker) State() State {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.m.expire()
	return b.m.state
}

func (b *mutexBreaker) Close() error { return nil }
