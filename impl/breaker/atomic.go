package breaker

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
)

// atomicBreaker keeps its whole state in one uint64 changed only by
// compare-and-swap:
//
//	bits  0..1   state (Closed, Open, HalfOpen)
//	bits  2..21  consecutive failures while closed
//	bits 22..41  probes running while half-open
//	bits 42..63  generation (22 bits, wrapping)
//
// The closed path loads the word, runs fn, loads it again and is done when
// the call succeeded and no failures were counted: two plain loads on amd64,
// no write to the shared cache line, so it stays flat as GOMAXPROCS grows.
// A failure, a reset of the failure count, admitting a probe and every
// state change are one CAS each (retried on conflict).
//
// The open deadline does not fit the word, so it lives in a second atomic
// (openUntil): microseconds since New, with the low 16 bits of the
// generation that opened. The goroutine whose CAS opened the breaker stores
// it right after; until then, readers see a generation mismatch and keep
// rejecting. Only that goroutine stores it, and the breaker cannot leave
// that open state before the store, so a stale store cannot overwrite a
// newer one.
//
// Generations: a result is dropped when the word's generation differs from
// the one its call started in. With 22 bits, a call would have to span
// 4,194,304 state changes to be mistaken for a current one.
//
// A panic in fn counts as a failure, closed or half-open (so that a probe's
// slot is not lost either), and goes on up the caller's stack untouched: a
// deferred check of a flag that fn's return clears, without recover, so the
// panic keeps its value and its stack. The defer is open-coded (a direct
// call at each return, no allocation); it is what the closed path pays for
// the rule, see Cost.
//
// Clock reads: none on the closed path; a rejection reads the monotonic
// clock once (time.Since the breaker's start), opening reads it once more.
//
// Cost: 23x the floor impl=none (fn called directly) per call on the closed
// path, at -cpu 1 and at -cpu 2 (no shared write, so it scales as the floor
// does); a rejection 130x, where the clock read alone is 97x; 0 allocs
// either way. Counting a panic costs the closed path its defer: 4.0 ns
// before, 5.7 ns after, run interleaved, old and new binaries alternating
// (the reference files, from before the change, give 11x)
// (ratios of medians of a -count 6 -benchtime 100ms -cpu 1,2 run of
// BenchmarkBreaker, BenchmarkClock and BenchmarkAdapter on the shared 2-core
// AMD EPYC VM, 2026-11-27, not in results/reference; the VM was loaded, so
// -cpu 2 gave no parallel speed-up, even to the floor).
type atomicBreaker struct {
	cfg   Config
	rej   rejections
	start time.Time // origin of openUntil's clock

	word      atomic.Uint64
	openUntil atomic.Int64 // deadline µs since start << 16 | generation & 0xffff
}

const (
	stateMask  = 1<<2 - 1
	countBits  = 20
	countMask  = 1<<countBits - 1
	failShift  = 2
	probeShift = failShift + countBits
	genShift   = probeShift + countBits
	oneFailure = 1 << failShift
	oneProbe   = 1 << probeShift
	tagMask    = 1<<16 - 1
)

func wordState(w uint64) State          { return State(w & stateMask) }
func wordFailures(w uint64) int         { return int(w >> failShift & countMask) }
func wordProbes(w uint64) int           { return int(w >> probeShift & countMask) }
func wordGen(w uint64) uint64           { return w >> genShift }
func nextWord(w uint64, s State) uint64 { return (wordGen(w)+1)<<genShift | uint64(s) }

func newAtomic(cfg Config) Breaker {
	cfg.validate()
	if cfg.FailuresToOpen > countMask || cfg.HalfOpenProbes > countMask {
		panic(fmt.Sprintf("breaker: atomic: FailuresToOpen and HalfOpenProbes must be at most %d", countMask))
	}
	return &atomicBreaker{cfg: cfg, rej: newRejections("atomic"), start: time.Now()}
}

func (b *atomicBreaker) Execute(ctx context.Context, fn func(context.Context) error) error {
	w := b.word.Load()
	if wordState(w) != Closed {
		return b.probe(ctx, fn, w)
	}
	panicked := true
	defer func() {
		if panicked {
			b.record(wordGen(w), Failure)
		}
	}()
	err := fn(ctx)
	panicked = false
	if err == nil {
		// The fast path: nothing to record when closed with no failures.
		if w := b.word.Load(); w&(stateMask|countMask<<failShift) == uint64(Closed) {
			return nil
		}
	}
	b.record(wordGen(w), Classify(ctx, err))
	return err
}

// probe runs fn if the breaker, not closed at load w, admits it; a panicking
// probe gives its slot back as a failure, which reopens the breaker.
func (b *atomicBreaker) probe(ctx context.Context, fn func(context.Context) error, w uint64) error {
	w, err := b.admit(w)
	if err != nil {
		return err
	}
	panicked := true
	defer func() {
		if panicked {
			b.record(wordGen(w), Failure)
		}
	}()
	err = fn(ctx)
	panicked = false
	b.record(wordGen(w), Classify(ctx, err))
	return err
}

// admit admits a call to a breaker that was not closed at load w, and
// returns the word the call was admitted under.
func (b *atomicBreaker) admit(w uint64) (uint64, error) {
	for {
		var next uint64
		switch wordState(w) {
		case Closed:
			return w, nil
		case Open:
			if !b.expired(w) {
				return 0, b.rej.open
			}
			next = nextWord(w, HalfOpen) + oneProbe
		default: // HalfOpen
			if wordProbes(w) >= b.cfg.HalfOpenProbes {
				return 0, b.rej.busy
			}
			next = w + oneProbe
		}
		if b.word.CompareAndSwap(w, next) {
			return next, nil
		}
		w = b.word.Load()
	}
}

func (b *atomicBreaker) record(gen uint64, o Outcome) {
	for {
		w := b.word.Load()
		if wordGen(w) != gen {
			return // the call started in an earlier generation
		}
		var next uint64
		switch {
		case wordState(w) == Closed && o == Success:
			if wordFailures(w) == 0 {
				return
			}
			next = w &^ (countMask << failShift)
		case wordState(w) == Closed && o == Failure:
			next = w + oneFailure
			if wordFailures(w)+1 >= b.cfg.FailuresToOpen {
				next = nextWord(w, Open)
			}
		case wordState(w) == HalfOpen && o == Success:
			next = nextWord(w, Closed)
		case wordState(w) == HalfOpen && o == Failure:
			next = nextWord(w, Open)
		case wordState(w) == HalfOpen && o == Neither:
			next = w - oneProbe
		default: // neither while closed; open cannot share a call's generation
			return
		}
		if b.word.CompareAndSwap(w, next) {
			if wordState(next) == Open {
				// Rounded up, so that the breaker never half-opens early.
				deadline := (time.Since(b.start) + b.cfg.OpenTimeout + time.Microsecond - 1).Microseconds()
				b.openUntil.Store(deadline<<16 | int64(wordGen(next)&tagMask))
			}
			return
		}
	}
}

// expired reports whether the open state of word w has timed out. Before the
// opener has stored the deadline of w's generation, it has not.
func (b *atomicBreaker) expired(w uint64) bool {
	u := b.openUntil.Load()
	if uint64(u)&tagMask != wordGen(w)&tagMask {
		return false
	}
	return time.Since(b.start).Microseconds() >= u>>16
}

func (b *atomicBreaker) State() State {
	w := b.word.Load()
	if wordState(w) == Open && b.expired(w) {
		return HalfOpen
	}
	return wordState(w)
}

func (b *atomicBreaker) Close() error { return nil }
