// Package clockcost measures what one clock read costs on this machine.
//
// time.Now costs about 25 ns on one machine and 60 ns on another (a VM
// whose clock source traps); a breaker that reads the clock twice per call
// then pays most of its cost in clock reads, and its ratio to a breaker
// that reads it once is the machine's, not the design's. Every run records
// the cost (the clock-ns config line) so a reader, and the report, can
// tell.
package clockcost

import "time"

// Measure returns the cost of one time.Now in nanoseconds: the least mean
// over five batches of 100,000 calls, so that a batch a preemption hit
// does not count. It takes a few milliseconds.
func Measure() float64 {
	const batches, calls = 5, 100_000
	best := 0.0
	for b := range batches {
		start := time.Now()
		for range calls {
			time.Now()
		}
		mean := float64(time.Since(start)) / calls
		if b == 0 || mean < best {
			best = mean
		}
	}
	return best
}
