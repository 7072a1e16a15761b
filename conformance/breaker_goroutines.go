package conformance

import (
	"runtime"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concbench/concbench/impl/breaker"
	"github.com/concbench/concbench/internal/stacks"
)

// breakerNoGoroutineLeftBehind counts the goroutines of the test's bubble after
// each kind of call.
func breakerNoGoroutineLeftBehind(t *testing.T, impl breaker.Impl) {
	var outside breaker.Breaker // made before the bubble: declared RegistryGoroutines
	var registry map[uint64]bool
	if impl.Deviations.RegistryGoroutines > 0 {
		outside, registry = newRegistryBreaker(t, impl, breakerConfig(1))
	}
	synctest.Test(t, func(t *testing.T) {
		base := bubbleGoroutines()
		b := outside
		if b == nil {
			b = impl.New(breakerConfig(1))
		}
		b = watch(t, impl, b, registry)
		owner := 0
		if impl.Deviations.OwnerGoroutine {
			owner = 1
		}
		check := func(when string, want int) {
			t.Helper()
			synctest.Wait()
			if got := bubbleGoroutines() - base; got != want {
				t.Fatalf("%s: %d goroutines besides the test's, want %d", when, got, want)
			}
		}
		check("after New", owner)
		mustPass(t, b, nil, "success")
		check("after a success", owner)
		openBreaker(t, b)
		timer := 0
		if impl.Deviations.StartsTimerGoroutine {
			timer = 1
		}
		check("after opening", owner+timer)
		mustReject(t, b, "open")
		check("after a rejection", owner+timer)
		time.Sleep(openTimeout + time.Millisecond)
		check("after the open timeout", owner)
		mustPass(t, b, nil, "probe")
		check("after the probe", owner)
		if err := b.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		check("after Close", 0)
	})
}

// newRegistryBreaker makes, outside any bubble, a breaker of an impl that
// declares RegistryGoroutines, closed when the test ends, and returns it with
// the ids of the goroutines New started: exactly the declared number.
func newRegistryBreaker(t *testing.T, impl breaker.Impl, cfg breaker.Config) (breaker.Breaker, map[uint64]bool) {
	t.Helper()
	before := ids(others())
	b := impl.New(cfg)
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	registry := map[uint64]bool{}
	for _, g := range others() {
		if !before[g.ID] {
			registry[g.ID] = true
		}
	}
	if len(registry) != impl.Deviations.RegistryGoroutines {
		t.Fatalf("declared RegistryGoroutines %d, but New started %d goroutines", impl.Deviations.RegistryGoroutines, len(registry))
	}
	return b, registry
}

// runWithRegistry runs check as the subtest name of t for an impl that
// declares RegistryGoroutines, in place of run's goleak check: every
// goroutine that the subtest leaves behind must be one of the declared
// RegistryGoroutines of a New it made, idle; any other is a leak.
func runWithRegistry(t *testing.T, name string, impl breaker.Impl, check func(*testing.T, breaker.Impl)) {
	t.Run(name, func(t *testing.T) {
		before := ids(others())
		var news atomic.Int64
		counted := impl
		counted.New = func(cfg breaker.Config) breaker.Breaker {
			b := impl.New(cfg)
			news.Add(1)
			return b
		}
		// Registered first, so it runs after every cleanup check registers.
		t.Cleanup(func() {
			want := int(news.Load()) * impl.Deviations.RegistryGoroutines
			var left []stacks.Goroutine
			for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
				left = left[:0]
				busy := false
				for _, g := range others() {
					if !before[g.ID] {
						left = append(left, g)
						busy = busy || !g.Idle()
					}
				}
				if len(left) == want && !busy {
					return
				}
				if time.Now().After(deadline) {
					break
				}
			}
			t.Errorf("declared RegistryGoroutines %d: %d calls of New left %d goroutines, want %d, idle:\n%s",
				impl.Deviations.RegistryGoroutines, news.Load(), len(left), want, raw(left))
		})
		check(t, counted)
	})
}

// watch returns b as the checks use it: for an impl that declares
// AsyncCounts, wrapped so that the helpers (mustPass, mustReject, wantState,
// ...) can wait for the library's goroutines to catch up. Call it in the
// bubble; registry holds the ids of the goroutines New started outside it.
func watch(t *testing.T, impl breaker.Impl, b breaker.Breaker, registry map[uint64]bool) breaker.Breaker {
	if !impl.Deviations.AsyncCounts {
		return b
	}
	known := map[uint64]bool{}
	for _, g := range others() {
		if !g.Bubbled {
			known[g.ID] = true
		}
	}
	return &asyncBreaker{Breaker: b, t: t, registry: registry, known: known}
}

// asyncBreaker is a breaker whose results reach its counts on goroutines of
// its library's (declared AsyncCounts). settle waits until they have.
type asyncBreaker struct {
	breaker.Breaker
	t        *testing.T
	registry map[uint64]bool // the goroutines New started, outside the bubble
	known    map[uint64]bool // every goroutine outside the bubble when it began
}

// settle waits until every goroutine of the bubble but the caller's is
// durably blocked (synctest.Wait), every registry goroutine waits for work
// in a channel receive or select, and no other goroutine outside the bubble
// has started since it began (a registry goroutine's helper). The fake clock
// does not move meanwhile. Only the bubble's test goroutine may call it.
func (a *asyncBreaker) settle() {
	a.t.Helper()
	for range 1_000_000 {
		synctest.Wait()
		if a.idle() {
			return
		}
		runtime.Gosched()
	}
	a.t.Fatalf("declared AsyncCounts: the library's goroutines did not go idle:\n%s", raw(stacks.All()))
}

func (a *asyncBreaker) idle() bool {
	for _, g := range others() {
		switch {
		case g.Bubbled:
		case a.registry[g.ID]:
			if !g.Idle() {
				return false
			}
		case !a.known[g.ID]:
			return false
		}
	}
	return true
}

// settle waits for b's library to catch up, if it declares AsyncCounts.
func settle(b breaker.Breaker) {
	if a, ok := b.(*asyncBreaker); ok {
		a.settle()
	}
}
