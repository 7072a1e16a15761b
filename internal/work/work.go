// Package work provides the synthetic work that benchmarks and scenarios run
// inside tasks: nothing, a fixed amount of CPU, or a sleep.
package work

import (
	"sync"
	"time"
)

// Spin burns CPU for n rounds of an xorshift step (about 1 ns a round on a
// current x86 core) and never blocks, allocates or yields on purpose. It
// returns the final state so the loop has a result; callers may ignore it,
// and noinline keeps the compiler from dropping the loop when they do.
//
//go:noinline
func Spin(n int) uint64 {
	x := uint64(n) | 1
	for range n {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

// Calibrate returns how many Spin rounds take d on this machine, measured
// once per call over a few milliseconds. Benchmarks call it outside the timed
// loop, so "cpu1us" means about a microsecond here, whatever the machine.
func Calibrate(d time.Duration) int {
	const probe = 1 << 20
	best := time.Duration(1<<63 - 1)
	for range 5 {
		start := time.Now()
		Spin(probe)
		if e := time.Since(start); e < best {
			best = e
		}
	}
	n := int(float64(probe) * float64(d) / float64(best))
	return max(n, 1)
}

// RoundsPerMicrosecond is Calibrate(time.Microsecond), computed once per
// process and shared by every caller.
var RoundsPerMicrosecond = sync.OnceValue(func() int { return Calibrate(time.Microsecond) })

// StackFrame is the stack one level of [Deep]'s recursion takes, beyond
// the call's own frame overhead: a local array of this many bytes.
const StackFrame = 512

// Deep calls f at the bottom of a recursion that uses at least bytes of
// the calling goroutine's stack, so that while f runs the goroutine holds a
// stack grown to hold them (Go doubles a stack to the next power of two,
// copying it each time). A task that calls deep into a parser or a
// recursive algorithm before it blocks or computes looks like this. bytes
// of 0 or less calls f at once.
func Deep(bytes int, f func()) {
	if bytes <= 0 {
		f()
		return
	}
	deep((bytes+StackFrame-1)/StackFrame, f)
}

// deep recurses frames levels, each holding a StackFrame-byte array that the
// compiler cannot drop: the index it writes and the one it reads depend on
// frames, and the byte read goes into the result.
//
//go:noinline
func deep(frames int, f func()) byte {
	var pad [StackFrame]byte
	pad[frames%StackFrame] = byte(frames)
	if frames <= 1 {
		f()
		return pad[0]
	}
	return deep(frames-1, f) + pad[(frames*7)%StackFrame]
}
