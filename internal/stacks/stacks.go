// Package stacks reads goroutine dumps, the text that runtime.Stack writes,
// as typed values: one [Goroutine] per record, with its id, its state as
// the header gives it (wait reason, minutes waited, synctest bubble), its
// frames and its creator.
//
// It owns the dump format and its corner cases, in one place:
//
//	goroutine 7 gp=0xc000007c00 m=nil [chan receive (durable), 2 minutes, locked to thread, synctest bubble 1]:
//	example.com/p.(*T).wait(0xc000012345, {0x5f0c60, 0x2})
//		/src/p/t.go:12 +0x1d
//	example.com/p.run[...](...)
//		/src/p/run.go:30
//	...12 frames elided...
//	created by example.com/p.Start in goroutine 6
//		/src/p/start.go:40 +0x66
//
// (gp= and m= appear at GOTRACEBACK=system and above; "(durable)",
// "(scan)" and "(leaked)" qualify the state; labels:{...} closes the header
// at GODEBUG=tracebacklabels=1; [originating from goroutine N]: blocks of
// GODEBUG=tracebackancestors=N follow "created by" and are kept in Raw
// only.)
//
// It owns the reading of dumps and nothing more: what a state means to a
// caller, beyond [Goroutine.Blocked] and [Goroutine.Idle], is the caller's
// to decide.
//
// It is a leaf: it imports the standard library only, nothing of
// concbench, so that any package may import it (conformance does, and may
// import only leaves of internal/); it must stay that way. TestImports
// keeps to this.
package stacks

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Frame is one call in a goroutine's stack, or the call that created it.
type Frame struct {
	// Func is the function as the dump prints it: "example.com/p.f",
	// "example.com/p.(*T).M", "example.com/p.f.func1"; type arguments are
	// printed as [...], and a panicking call as "panic".
	Func string
	File string // "" if the dump gave none
	Line int    // 0 if the dump gave none
}

// Goroutine is one goroutine's record in a dump.
type Goroutine struct {
	ID uint64

	// State is the goroutine's status or wait reason without the
	// qualifiers below: "running", "runnable", "syscall", "chan receive",
	// "chan send", "select", "semacquire", "sync.Mutex.Lock", "sleep",
	// "chan receive (nil chan)", "select (no cases)", ...
	State string

	// Wait is how long it has been waiting as the dump gives it: in whole
	// minutes (", 2 minutes"), and 0 under one.
	Wait time.Duration

	Durable        bool   // "(durable)": durably blocked in a synctest bubble
	Leaked         bool   // "(leaked)": found by the runtime's leak detection
	LockedToThread bool   // ", locked to thread"
	Bubbled        bool   // in a testing/synctest bubble (", synctest bubble N")
	Bubble         uint64 // that bubble's id, if Bubbled

	// Frames are its calls, innermost first. Elided reports that the dump
	// left out some in the middle of a deep stack ("...N frames elided...").
	Frames []Frame
	Elided bool

	// CreatedBy is the go statement's function and place; zero for
	// goroutine 1 and for goroutines the dump shows no creator of.
	// Creator is the id of the goroutine that ran it, 0 if not shown.
	CreatedBy Frame
	Creator   uint64

	// Raw is the record as dumped, header first, without its final
	// newline.
	Raw string
}

// Has reports whether fn, a function's full name ("example.com/p.f", as
// [runtime.FuncForPC] names a non-generic function), is one of g's frames.
// The creator is not one.
func (g Goroutine) Has(fn string) bool {
	for _, f := range g.Frames {
		if f.Func == fn {
			return true
		}
	}
	return false
}

// Blocked reports whether g waits: its state is a wait reason (or plain
// "waiting"), not running, runnable, in a system call, preempted, or a
// goroutine being made or torn down.
func (g Goroutine) Blocked() bool {
	switch g.State {
	case "", "idle", "runnable", "running", "syscall", "dead", "copystack", "preempted", "waiting for cgo callback":
		return false
	}
	return true
}

// Idle reports whether g waits for work: in a channel receive or a select,
// so that a send to it would make it runnable at once. A receive from a nil
// channel and a select with no cases wait for ever, so they are not idle.
func (g Goroutine) Idle() bool {
	return g.State == "chan receive" || g.State == "select"
}

// All returns every goroutine of the process, the caller's first (as
// runtime.Stack writes them). The runtime stops the world while it writes
// the dump.
func All() []Goroutine {
	bp := dumpBufs.Get().(*[]byte)
	defer dumpBufs.Put(bp)
	return Parse(dump(bp))
}

// dumpBufs holds All's buffers: Parse copies what it keeps.
var dumpBufs = sync.Pool{New: func() any { return new([]byte) }}

// dumpSize is the size of the largest buffer a dump has needed, so that
// in a process with many goroutines All stops growing new ones.
var dumpSize atomic.Int64

// minDump is the least buffer dump writes into: 64 KiB holds some hundred
// goroutines of a test binary.
const minDump = 64 << 10

// dump writes every goroutine's stack into *bp, which it grows until the
// dump fits, and returns the dump.
func dump(bp *[]byte) []byte {
	if size := int(dumpSize.Load()); len(*bp) < size {
		*bp = make([]byte, size)
	}
	for {
		n := runtime.Stack(*bp, true)
		if n < len(*bp) {
			return (*bp)[:n]
		}
		*bp = make([]byte, max(2*len(*bp), minDump))
		for old := dumpSize.Load(); old < int64(len(*bp)) && !dumpSize.CompareAndSwap(old, int64(len(*bp))); {
			old = dumpSize.Load()
		}
	}
}

// Current returns the calling goroutine's id.
func Current() uint64 {
	var buf [64]byte // "goroutine 18446744073709551615 [" fits
	n := runtime.Stack(buf[:], false)
	id, _, _ := leadingID(string(buf[:n]))
	return id
}
