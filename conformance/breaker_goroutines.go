package conformance

import (
	"runtime"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concbench/concbench/impl/breaker"
	"github.com/concbench/concbench/internal/nilness"
	"github.com/concbench/concbench/internal/stacks"
)

// breakerNoGoroutineLeftBehind counts the goroutines of the test's bubble after
// each kind of call.
func breakerNoGoroutineLeftBehind(t *testing.T, impl breaker.Impl) {
	cfg := breakerConfig(impl, 1)
	var outside breaker.Breaker // made before the bubble: declared RegistryGoroutines
	var registry map[uint64]bool
	if impl.Deviations.RegistryGoroutines > 0 {
		outside, registry = newRegistryBreaker(t, impl, cfg)
	}
	bubble(t, func(t *testing.T) {
		base := bubbleGoroutines()
		br := outside
		if br == nil {
			br = newBreaker(t, impl, cfg)
		}
		b := watch(t, impl, br, cfg, registry)
		owner, timer := 0, 0
		if impl.Deviations.OwnerGoroutine {
			owner = 1
		}
		if impl.Deviations.StartsTimerGoroutine {
			timer = 1
		}
		check := func(when string, want int) {
			t.Helper()
			synctest.Wait()
			if got := bubbleGoroutines() - base; got != want {
				t.Fatalf("%s: %d goroutines besides the test's, want %d%s", when, got, want, goroutineWays(got-want, when))
			}
		}
		check("after New", owner)
		mustPass(t, b, nil, "success")
		check("after a success", owner)
		openBreaker(t, b)
		check("after opening", owner+timer)
		mustReject(t, b, "open")
		check("after a rejection", owner+timer)
		time.Sleep(b.cfg.OpenTimeout + time.Millisecond)
		check("after the open timeout", owner)
		mustPass(t, b, nil, "probe")
		check("after the probe", owner)
		if err := b.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		check("after Close", 0)
	})
}

// goroutineWays names the declarations that would explain extra
// goroutines more than the suite wanted when it counted them.
func goroutineWays(extra int, when string) string {
	switch {
	case extra <= 0:
		return ""
	case when == "after New" || when == "after a success":
		return "; " + way("the breaker owns a goroutine from New until Close", "Deviations.OwnerGoroutine") +
			"; " + way("New registers it with a process-wide registry that starts goroutines", "Deviations.RegistryGoroutines")
	case when == "after opening" || when == "after a rejection":
		return "; " + way("opening starts a goroutine that sleeps out OpenTimeout", "Deviations.StartsTimerGoroutine")
	}
	return ""
}

// newRegistryBreaker makes, outside any bubble, a breaker of an impl that
// declares RegistryGoroutines, closed when the test ends, and returns it with
// the ids of the goroutines New started: exactly the declared number.
func newRegistryBreaker(t *testing.T, impl breaker.Impl, cfg breaker.Config) (breaker.Breaker, map[uint64]bool) {
	t.Helper()
	before := ids(others())
	b := mustNew(t, impl, cfg)
	release(t, func() {
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
// declares RegistryGoroutines, as run does but for the leak check: every
// goroutine that the subtest leaves behind must be one of the declared
// RegistryGoroutines of a New it made, idle; any other is a leak.
func runWithRegistry(t *testing.T, name string, impl breaker.Impl, check func(*testing.T, breaker.Impl)) {
	var news atomic.Int64
	counted := impl
	counted.New = func(cfg breaker.Config) breaker.Breaker {
		b := impl.New(cfg)
		if !nilness.Is(b) {
			news.Add(1)
		}
		return b
	}
	runCheck(t, name, func(t *testing.T) func() {
		before := ids(others())
		return func() { registryLeaks(t, impl, before, int(news.Load())) }
	}, breakerWedged, func(t *testing.T) { check(t, counted) })
}

// registryLeaks fails t unless the goroutines that are not in before are
// the RegistryGoroutines of news calls of New, idle, within 5 seconds.
func registryLeaks(t *testing.T, impl breaker.Impl, before map[uint64]bool, news int) {
	want := news * impl.Deviations.RegistryGoroutines
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
		impl.Deviations.RegistryGoroutines, news, len(left), want, raw(left))
}

// subject is a breaker under check, with what the helpers need to know of
// it: its entry, and the Config it works with (the suite's, with the
// fields the entry declares fixed in their place).
type subject struct {
	breaker.Breaker
	impl breaker.Impl
	cfg  breaker.Config

	// For an entry that declares AsyncCounts, what settle needs.
	t        *testing.T
	async    bool
	registry map[uint64]bool // the goroutines New started, outside the bubble
	known    map[uint64]bool // every goroutine outside the bubble when it began
}

// watch returns b, which impl.New(cfg) built, as the checks use it. For an
// impl that declares AsyncCounts, the helpers (mustPass, mustReject,
// wantState, ...) then wait for the library's goroutines to catch up. Call
// it in the bubble; registry holds the ids of the goroutines New started
// outside it.
func watch(t *testing.T, impl breaker.Impl, b breaker.Breaker, cfg breaker.Config, registry map[uint64]bool) *subject {
	s := &subject{Breaker: b, impl: impl, cfg: impl.EffectiveConfig(cfg), t: t}
	if !impl.Deviations.AsyncCounts {
		return s
	}
	s.async, s.registry, s.known = true, registry, map[uint64]bool{}
	for _, g := range others() {
		if !g.Bubbled {
			s.known[g.ID] = true
		}
	}
	return s
}

// settle waits, for a breaker whose results reach its counts on goroutines
// of its library's (declared AsyncCounts), until they have: until every
// goroutine of the bubble but the caller's is durably blocked
// (synctest.Wait), every registry goroutine waits for work in a channel
// receive or select, and no other goroutine outside the bubble has started
// since it began (a registry goroutine's helper). The fake clock does not
// move meanwhile. Only the bubble's test goroutine may call it. For any
// other breaker it does nothing.
func (s *subject) settle() {
	if !s.async {
		return
	}
	s.t.Helper()
	for range 1_000_000 {
		synctest.Wait()
		if s.idle() {
			return
		}
		runtime.Gosched()
	}
	s.t.Fatalf("declared AsyncCounts: the library's goroutines did not go idle:\n%s", raw(stacks.All()))
}

func (s *subject) idle() bool {
	for _, g := range others() {
		switch {
		case g.Bubbled:
		case s.registry[g.ID]:
			if !g.Idle() {
				return false
			}
		case !s.known[g.ID]:
			return false
		}
	}
	return true
}
