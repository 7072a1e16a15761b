package conformance

import (
	"reflect"
	"runtime"
	"slices"
	"strings"

	"github.com/concbench/concbench/internal/stacks"
)

// blockedIn counts goroutines blocked with the function fn in their stacks.
func blockedIn(fn any) int {
	name := runtime.FuncForPC(reflect.ValueOf(fn).Pointer()).Name()
	n := 0
	for _, g := range stacks.All() {
		if g.Blocked() && g.Has(name) {
			n++
		}
	}
	return n
}

// others returns every goroutine but the caller's, which runtime.Stack
// lists first, and but those stranded in a deadlocked bubble (see
// [bubble]).
func others() []stacks.Goroutine {
	all := stacks.All()
	if len(all) == 0 {
		return nil
	}
	return slices.DeleteFunc(all[1:], func(g stacks.Goroutine) bool { return isStranded(g.ID) })
}

// ids returns the ids of gs, as a set.
func ids(gs []stacks.Goroutine) map[uint64]bool {
	set := make(map[uint64]bool, len(gs))
	for _, g := range gs {
		set[g.ID] = true
	}
	return set
}

// raw returns the dump of gs, one record after another.
func raw(gs []stacks.Goroutine) string {
	records := make([]string, len(gs))
	for i, g := range gs {
		records[i] = g.Raw
	}
	return strings.Join(records, "\n\n")
}

// bubbleGoroutines counts the goroutines in the caller's synctest bubble,
// the caller's among them.
func bubbleGoroutines() int {
	all := stacks.All()
	n := 0
	for _, g := range all {
		if g.Bubbled && g.Bubble == all[0].Bubble {
			n++
		}
	}
	return n
}
