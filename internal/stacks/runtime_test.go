package stacks

import (
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

//go:noinline
func parkReceive(ch chan struct{}) { <-ch }

//go:noinline
func parkSelect(a, b chan struct{}) {
	select {
	case <-a:
	case <-b:
	}
}

//go:noinline
func parkMutex(mu *sync.Mutex) {
	mu.Lock()
	mu.Unlock()
}

//go:noinline
func parkSleep(d time.Duration) { time.Sleep(d) }

// parkDeep receives from ch depth calls down.
func parkDeep(depth int, ch chan struct{}) {
	if depth == 0 {
		parkReceive(ch)
		return
	}
	parkDeep(depth-1, ch)
}

// nameOf returns fn's full name, as a dump prints it.
func nameOf(fn any) string { return runtime.FuncForPC(reflect.ValueOf(fn).Pointer()).Name() }

// byID returns the goroutine id of gs, if there.
func byID(gs []Goroutine, id uint64) (Goroutine, bool) {
	for _, g := range gs {
		if g.ID == id {
			return g, true
		}
	}
	return Goroutine{}, false
}

// parked is a goroutine TestAll parks in a known state.
type parked struct {
	fn    any // the function it parks in
	state string
	idle  bool
	park  func()
	id    uint64
}

// TestAll parks goroutines in known states and reads them back from a real
// dump.
func TestAll(t *testing.T) {
	me := Current()
	release := make(chan struct{})
	var mu sync.Mutex
	mu.Lock()
	cases := []*parked{
		{fn: parkReceive, state: "chan receive", idle: true, park: func() { parkReceive(release) }},
		{fn: parkSelect, state: "select", idle: true, park: func() { parkSelect(release, nil) }},
		{fn: parkMutex, state: "sync.Mutex.Lock", park: func() { parkMutex(&mu) }},
	}
	var wg sync.WaitGroup
	for _, c := range cases {
		started := make(chan uint64)
		wg.Add(1)
		go func() {
			defer wg.Done()
			started <- Current()
			c.park()
		}()
		c.id = <-started
	}
	defer wg.Wait()
	defer mu.Unlock()
	defer close(release)

	gs := waitParked(t, cases)
	if gs[0].ID != me || gs[0].State != "running" || !gs[0].Has(nameOf(TestAll)) {
		t.Errorf("All()[0] = %+v, want the caller's, %d, running in TestAll", gs[0], me)
	}
	for _, c := range cases {
		g, _ := byID(gs, c.id)
		checkParked(t, g, c, me)
	}
}

// waitParked returns All() once every goroutine of cases is in its state.
func waitParked(t *testing.T, cases []*parked) []Goroutine {
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		gs := All()
		n := 0
		for _, c := range cases {
			if g, ok := byID(gs, c.id); ok && g.State == c.state {
				n++
			}
		}
		if n == len(cases) {
			return gs
		}
		if time.Now().After(deadline) {
			t.Fatalf("goroutines did not park:\n%s", raws(gs))
		}
	}
}

// checkParked checks what a dump says of g, parked as c by TestAll, which
// runs as goroutine me.
func checkParked(t *testing.T, g Goroutine, c *parked, me uint64) {
	t.Helper()
	if !g.Blocked() || g.Idle() != c.idle || g.Bubbled || g.Durable {
		t.Errorf("%s: Blocked %v, Idle %v, Bubbled %v, Durable %v; want true, %v, false, false", c.state, g.Blocked(), g.Idle(), g.Bubbled, g.Durable, c.idle)
	}
	if !g.Has(nameOf(c.fn)) || !strings.HasPrefix(g.Frames[len(g.Frames)-1].Func, nameOf(TestAll)+".func") {
		t.Errorf("%s: frames %+v do not hold %s and, outermost, TestAll's go statement", c.state, g.Frames, nameOf(c.fn))
	}
	for _, f := range g.Frames {
		if f.Func == nameOf(c.fn) && (!strings.HasSuffix(f.File, "/internal/stacks/runtime_test.go") || f.Line == 0) {
			t.Errorf("%s: frame %+v, want this file and a line", c.state, f)
		}
	}
	if g.CreatedBy.Func != nameOf(TestAll) || g.Creator != me || !strings.HasSuffix(g.CreatedBy.File, "runtime_test.go") || g.CreatedBy.Line == 0 {
		t.Errorf("%s: created by %+v in goroutine %d, want TestAll in goroutine %d", c.state, g.CreatedBy, g.Creator, me)
	}
}

// TestAllInBubble reads goroutines of a synctest bubble back from a real
// dump: bubbled, durably blocked, in the caller's bubble.
func TestAllInBubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ch := make(chan struct{})
		var wg sync.WaitGroup
		defer wg.Wait() // the sleep ends once the bubble's goroutines block
		wg.Go(func() { parkReceive(ch) })
		wg.Go(func() { parkSleep(time.Hour) })
		synctest.Wait()
		gs := All()
		me := gs[0]
		if me.State != "running" || !me.Bubbled || me.Bubble == 0 || me.Durable {
			t.Errorf("the caller: %+v, want running in a bubble", me)
		}
		found := map[string]bool{}
		for _, g := range gs {
			for _, want := range []struct {
				fn    any
				state string
				idle  bool
			}{{parkReceive, "chan receive", true}, {parkSleep, "sleep", false}} {
				if !g.Has(nameOf(want.fn)) {
					continue
				}
				found[want.state] = true
				if g.State != want.state || !g.Durable || !g.Bubbled || g.Bubble != me.Bubble || g.Idle() != want.idle || !g.Blocked() {
					t.Errorf("%s: %+v, want durably blocked in bubble %d, idle %v", want.state, g, me.Bubble, want.idle)
				}
			}
		}
		if len(found) != 2 {
			t.Errorf("found %v of the bubble's goroutines in\n%s", found, raws(gs))
		}
		close(ch)
	})
}

func TestCurrent(t *testing.T) {
	if got, want := Current(), All()[0].ID; got != want || got == 0 {
		t.Errorf("Current() = %d, All()[0].ID = %d", got, want)
	}
	other := make(chan uint64)
	go func() { other <- Current() }()
	if id := <-other; id == Current() || id == 0 {
		t.Errorf("another goroutine's Current() = %d, this one's %d", id, Current())
	}
}

// TestDumpGrows checks that a dump larger than the buffer grows it.
func TestDumpGrows(t *testing.T) {
	old := dumpSize.Load()
	defer dumpSize.Store(old)
	dumpSize.Store(0)
	buf := make([]byte, 16)
	d := dump(&buf)
	if gs := Parse(d); len(gs) == 0 || gs[0].ID != Current() {
		t.Fatalf("dump from a 16-byte buffer: %q", d)
	}
	if int(dumpSize.Load()) < len(d) {
		t.Errorf("dumpSize = %d after a %d-byte dump", dumpSize.Load(), len(d))
	}
}

func raws(gs []Goroutine) string {
	var b strings.Builder
	for _, g := range gs {
		b.WriteString(g.Raw + "\n\n")
	}
	return b.String()
}
