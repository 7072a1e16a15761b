//go:build !linux || !concbench_precise

package loadgen

import "time"

// hasPrecise: this build has no precise sleeper (it needs Linux and the
// tag concbench_precise); every open loop waits through Go's timer.
const hasPrecise = false

// monoSleeper is never used without the precise sleeper.
type monoSleeper struct{}

func (*monoSleeper) until(int64) { panic("loadgen: no precise sleeper in this build") }

// startClock returns the run clock's zero; there is no absolute clock to
// tie it to.
func startClock() (base time.Time, mono, uncertainty int64) { return time.Now(), 0, 0 }
