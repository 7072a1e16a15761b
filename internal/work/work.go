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
