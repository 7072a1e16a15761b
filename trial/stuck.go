package trial

import (
	"slices"
	"strings"
)

// A demonstration that hangs or leaks on purpose (targets.ImplInfo
// DemoEnds) is known to have done so as soon as every goroutine running
// its code is blocked where only another goroutine of the program could
// wake it, and stays so: nothing is left to wake it. The trial ends then,
// instead of waiting out its watchdog (a hang) or its leak grace (a
// leak). Only declared demonstrations are judged this way: a goroutine
// waiting on a timer's channel (<-time.After) shows as blocked on a
// channel too, and a design under test may wait so for good reasons.

// foreverStates are the goroutine states (as a stack dump prints them)
// from which only another goroutine can wake a goroutine.
var foreverStates = []string{
	"chan send", "chan receive", "chan send (nil chan)", "chan receive (nil chan)", "select (no cases)",
	"sync.Mutex.Lock", "sync.RWMutex.Lock", "sync.RWMutex.RLock", "sync.Cond.Wait", "sync.WaitGroup.Wait", "semacquire",
}

// harnessFrames are the prefixes of the functions that belong to the
// harness or the runtime: a goroutine with no other frame runs none of
// the target's code.
var harnessFrames = []string{
	"runtime.", "runtime/", "sync.", "sync/", "time.", "os.", "os/", "internal/", "syscall.", "testing.", "main.",
	"context.", "io.", "bufio.", "encoding/", "golang.org/x/sys/",
	"github.com/concbench/concbench/loadgen.", "github.com/concbench/concbench/trial.", "github.com/concbench/concbench/internal/",
	"github.com/concbench/concbench/runbench.", "github.com/concbench/concbench/harness.", "github.com/concbench/concbench/record.",
	"github.com/concbench/concbench/scenarios.", "github.com/concbench/concbench/units.",
}

// stuckSignature reads a dump of every goroutine's stack (runtime.Stack
// with all set) and returns, if every goroutine running the target's code
// is in a foreverState, their ids and states, sorted: the same signature
// in two dumps some time apart means none of them moved. With inFlight,
// one of them must be an operation the generator called (its stack holds
// the generator's frame): idle workers waiting for tasks are blocked on a
// channel too. ok is false if some goroutine of the target can still
// move, or none is stuck.
//
// Goroutines in before (ids, from goroutineIDs of a dump taken before the
// trial's target existed) are not the trial's: a library's package-level
// goroutines, started at init.
func stuckSignature(dump string, inFlight bool, before map[string]bool) (sig string, ok bool) {
	var stuck []string
	called := false
	for _, g := range strings.Split(dump, "\n\n") {
		header, frames, _ := strings.Cut(g, "\n")
		id, state, found := parseHeader(header)
		if !found || before[id] || !runsTarget(frames) {
			continue
		}
		if !slices.Contains(foreverStates, state) {
			return "", false
		}
		called = called || strings.Contains(frames, generatorFrame)
		stuck = append(stuck, id+" "+state)
	}
	if len(stuck) == 0 || inFlight && !called {
		return "", false
	}
	slices.Sort(stuck)
	return strings.Join(stuck, "\n"), true
}

// generatorFrame begins the frames of the load generator's calls of a
// target.
const generatorFrame = "github.com/concbench/concbench/loadgen.(*generator)."

// goroutineIDs returns the ids of the goroutines of a dump.
func goroutineIDs(dump string) map[string]bool {
	ids := map[string]bool{}
	for _, g := range strings.Split(dump, "\n\n") {
		header, _, _ := strings.Cut(g, "\n")
		if id, _, ok := parseHeader(header); ok {
			ids[id] = true
		}
	}
	return ids
}

// parseHeader reads "goroutine 12 [chan send, 2 minutes]:" (also
// "[chan send, locked to thread]") into its id and state.
func parseHeader(h string) (id, state string, ok bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(h), "goroutine ")
	if !ok {
		return "", "", false
	}
	id, rest, ok = strings.Cut(rest, " [")
	if !ok {
		return "", "", false
	}
	state, _, ok = strings.Cut(rest, "]")
	state, _, _ = strings.Cut(state, ",")
	return id, state, ok
}

// runsTarget says whether a goroutine's frames include a function that is
// not the harness's or the runtime's. A frame is a function line followed
// by its file line (indented).
func runsTarget(frames string) bool {
	for _, line := range strings.Split(frames, "\n") {
		if line == "" || strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "created by ") {
			continue
		}
		if !slices.ContainsFunc(harnessFrames, func(p string) bool { return strings.HasPrefix(line, p) }) {
			return true
		}
	}
	return false
}
