package conformance

import (
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/concbench/concbench/internal/stacks"
)

// CheckTimeoutEnv names the environment variable that sets the watchdog's
// bound on one check, in real time, as a Go duration ("90s", "5m"); unset
// or not a positive duration, the bound is [DefaultCheckTimeout].
const CheckTimeoutEnv = "CONCBENCH_CONFORMANCE_CHECK_TIMEOUT"

// DefaultCheckTimeout is the watchdog's bound on one check: some fifty
// times what the slowest check takes under -race on a loaded 2-core
// machine.
const DefaultCheckTimeout = time.Minute

// checkTimeout is the watchdog's bound, read from the environment at each
// check.
func checkTimeout() time.Duration {
	if d, err := time.ParseDuration(os.Getenv(CheckTimeoutEnv)); err == nil && d > 0 {
		return d
	}
	return DefaultCheckTimeout
}

// run runs f as the subtest name of t: one check. It fails the subtest if
// a goroutine started during it outlives it; the leak check is registered
// first, so it runs after every cleanup that f registers (such as a
// breaker's Close).
func run(t *testing.T, name string, f func(t *testing.T)) {
	runCheck(t, name, goleakCheck, nil, f)
}

// runWays is run, with ws, the ways out of a check the watchdog stops, at
// the end of its failure message.
func runWays(t *testing.T, name string, ws []string, f func(t *testing.T)) {
	runCheck(t, name, goleakCheck, ws, f)
}

// goleakCheck is run's leak check: it notes the goroutines that exist when
// the check begins and returns the function that fails t if any other
// outlives it (but those of an earlier check's deadlocked bubble).
func goleakCheck(t *testing.T) (verify func()) {
	ignore := goleak.IgnoreCurrent()
	return func() { goleak.VerifyNone(t, append(strandedOptions(), ignore)...) }
}

// runCheck runs f as the subtest name of t, on a goroutine of its own that
// the subtest watches, so that one check fails alone whatever the
// implementation does:
//
//   - a panic of f's goroutine fails the check, with its value and stack
//     (in a bubble, see [bubble]; in a subtest of f's, see [sub]);
//   - a deadlocked bubble fails it (see [bubble]);
//   - past the watchdog's bound ([checkTimeout]) in real time, the subtest
//     fails the check with its name and every goroutine's stack and
//     returns, leaving f's goroutine where it is: spinning, or blocked
//     where nothing can wake it. Its cleanups that [release] registered do
//     not run (they would meet what holds it), nor does its leak check.
//
// leaks is called first, on the subtest, and returns the leak check that
// runs once the check and its cleanups are done; ws end the watchdog's
// failure message.
func runCheck(t *testing.T, name string, leaks func(*testing.T) func(), ws []string, f func(t *testing.T)) {
	t.Run(name, func(t *testing.T) {
		verify := leaks(t)
		var behind atomic.Bool
		t.Cleanup(func() {
			if !behind.Load() {
				verify()
			}
		})
		done := make(chan struct{})
		go func() {
			defer close(done)
			defer failOnPanic(t)
			f(t)
		}()
		limit := checkTimeout()
		timer := time.NewTimer(limit)
		defer timer.Stop()
		select {
		case <-done:
		case <-timer.C:
			behind.Store(true)
			leaveBehind(t.Name())
			t.Errorf("%s: still running after %v of real time (the watchdog's bound; %s sets it): failed, and left running "+
				"while the checks after it go on. A call into the implementation has not returned: it spins, or it blocks "+
				"where a synctest bubble cannot tell (on a mutex, on a channel made outside the bubble, in a system call), "+
				"so fake time stands still%s. Every goroutine:\n%s",
				t.Name(), limit, CheckTimeoutEnv, ways(ws...), raw(stacks.All()))
		}
	})
}

// sub runs f as the subtest name of t, as t.Run does, with a panic of f's
// goroutine failing the subtest instead of ending the test binary.
func sub(t *testing.T, name string, f func(t *testing.T)) {
	t.Run(name, func(t *testing.T) {
		defer failOnPanic(t)
		f(t)
	})
}

// failOnPanic, deferred, turns a panic of the goroutine that defers it into
// a failure of t, with the panic's value and stack: a panic in a test's
// goroutine would end the test binary, and every check after it with it.
func failOnPanic(t *testing.T) {
	if v := recover(); v != nil {
		t.Errorf("panic: %v\n%s", v, debug.Stack())
	}
}

// bubble runs f in a testing/synctest bubble, as synctest.Test does, but a
// bubble that deadlocks fails t instead of the test binary. synctest.Test
// panics when every goroutine of the bubble is durably blocked ("deadlock:
// all goroutines in bubble are blocked") or when f has returned while
// others still are ("deadlock: main bubble goroutine has exited but
// blocked goroutines remain"), and a panic in a test ends the binary.
// bubble recovers exactly those two, fails t with the stacks of the
// goroutines left in the bubble, and ends the check (FailNow); they stay
// blocked, and the leak checks of this and later checks ignore them. A
// panic of f's own goroutine fails the check too (see [failOnPanic]).
//
// What the check holds (gates its fns wait on, the pool or breaker) it
// releases in cleanups registered on f's t ([release]), which run in the
// bubble once f has returned, even by t.Fatal: so a failing check's bubble
// ends by itself, and the deadlock is left for a goroutine blocked in the
// implementation itself.
func bubble(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	bubbleWays(t, nil, f)
}

// bubbleWays is bubble, with ws, the ways out of a deadlock, at the end of
// its failure message.
func bubbleWays(t *testing.T, ws []string, f func(t *testing.T)) {
	t.Helper()
	var id atomic.Uint64
	err := bubbleRun(t, &id, f)
	if err == nil {
		return
	}
	var left []stacks.Goroutine
	for _, g := range stacks.All() {
		if g.Bubbled && g.Bubble == id.Load() {
			left = append(left, g)
		}
	}
	strand(left)
	what := "the check ended, and its cleanups released what it held, but these goroutines are blocked in its bubble for good"
	if strings.Contains(err.Error(), "all goroutines") {
		what = "every goroutine of the check's bubble is blocked for good, the check's own among them, with no timer left to wake one"
	}
	t.Fatalf("synctest: %v: %s (look for the implementation's frames). They stay blocked; the checks after this one go on. "+
		"Their stacks:\n%s%s", err, what, raw(left), ways(ws...))
}

// bubbleRun runs f in a bubble, storing the bubble's id in id, and returns
// the deadlock synctest.Test panicked with, if it did.
func bubbleRun(t *testing.T, id *atomic.Uint64, f func(t *testing.T)) (deadlock error) {
	defer func() {
		if v := recover(); v != nil {
			err, ok := v.(error)
			if !ok || !strings.HasPrefix(err.Error(), "deadlock: ") {
				panic(v)
			}
			deadlock = err
		}
	}()
	synctest.Test(t, func(t *testing.T) {
		id.Store(currentBubble())
		defer failOnPanic(t)
		f(t)
	})
	return nil
}

// currentBubble returns the id of the calling goroutine's synctest bubble,
// as its stack's header gives it.
func currentBubble() uint64 {
	var buf [1 << 10]byte
	n := runtime.Stack(buf[:], false)
	if gs := stacks.Parse(buf[:n]); len(gs) > 0 {
		return gs[0].Bubble
	}
	return 0
}

// stranded holds the goroutines of deadlocked bubbles, which stay blocked
// for the life of the process: ids for others, and a goleak option, taken
// when they were found, that ignores them.
var stranded struct {
	sync.Mutex
	ids  map[uint64]bool
	opts []goleak.Option
}

// strand records gs as stranded.
func strand(gs []stacks.Goroutine) {
	stranded.Lock()
	defer stranded.Unlock()
	if stranded.ids == nil {
		stranded.ids = map[uint64]bool{}
	}
	for _, g := range gs {
		stranded.ids[g.ID] = true
	}
	stranded.opts = append(stranded.opts, goleak.IgnoreCurrent())
}

// isStranded reports whether the goroutine id was left in a deadlocked
// bubble.
func isStranded(id uint64) bool {
	stranded.Lock()
	defer stranded.Unlock()
	return stranded.ids[id]
}

// strandedOptions returns goleak options that ignore every stranded
// goroutine.
func strandedOptions() []goleak.Option {
	stranded.Lock()
	defer stranded.Unlock()
	return slices.Clone(stranded.opts)
}

// behind holds the full names of the checks the watchdog left running.
var behind sync.Map

func leaveBehind(name string) { behind.Store(name, true) }

// leftBehind reports whether the test or subtest name belongs to a check
// that the watchdog left running.
func leftBehind(name string) bool {
	found := false
	behind.Range(func(k, _ any) bool {
		check := k.(string)
		found = name == check || strings.HasPrefix(name, check+"/")
		return !found
	})
	return found
}

// release registers f as a cleanup of t: f lets go of what a check holds
// (opens the gates its fns wait on, closes its pool or breaker). Register
// it before anything that can fail: a check that fails (t.Fatal ends it
// at once) still lets its goroutines return, so that its bubble ends. It
// is skipped for a check that the watchdog left running, whose goroutines
// may still be inside the implementation.
func release(t *testing.T, f func()) {
	t.Cleanup(func() {
		if !leftBehind(t.Name()) {
			f()
		}
	})
}

// gate returns a channel that a check's fns or tasks wait on, and the
// function that opens it (closes it; safe to call more than once), which
// [release] also calls when the check ends.
func gate(t *testing.T) (ch chan struct{}, open func()) {
	ch = make(chan struct{})
	var once sync.Once
	open = func() { once.Do(func() { close(ch) }) }
	release(t, open)
	return ch, open
}

// way is the way out that a failure message gives: the declaration that
// would make the suite expect what the implementation did, if cond
// describes it ("if cond, declare declaration").
func way(cond, declaration string) string {
	return "if " + cond + ", declare " + declaration
}

// ways joins ways for the end of a failure message.
func ways(ws ...string) string {
	if len(ws) == 0 {
		return ""
	}
	return "; " + strings.Join(ws, "; ")
}
