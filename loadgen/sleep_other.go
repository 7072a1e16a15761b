//go:build !linux

package loadgen

import (
	"context"
	"time"
)

// hasPrecise: no precise sleeper here (it needs Linux's clock_nanosleep
// with TIMER_ABSTIME); every open loop waits through Go's timer, and a
// Config asking for the precise sleeper is refused.
const hasPrecise = false

// monoSleeper is never used without the precise sleeper.
type monoSleeper struct{}

func (*monoSleeper) until(int64) { panic("loadgen: no precise sleeper in this build") }

// startClock returns the run clock's zero; there is no absolute clock to
// tie it to.
func startClock() (base time.Time, mono, uncertainty int64) { return time.Now(), 0, 0 }

// hasPoll: no timerfd here.
const hasPoll = false

// pollSleeper is never used without a timerfd.
type pollSleeper struct{}

func newPollSleeper(context.Context) (*pollSleeper, error) {
	panic("loadgen: no poll sleeper in this build")
}

func (*pollSleeper) until(context.Context, int64, int64) bool {
	panic("loadgen: no poll sleeper in this build")
}

func (*pollSleeper) close() error { return nil }
