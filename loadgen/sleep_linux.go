//go:build linux

package loadgen

import (
	"math"
	"time"

	"golang.org/x/sys/unix"
)

// hasPrecise: Linux has clock_nanosleep with TIMER_ABSTIME, so the
// precise sleeper.
const hasPrecise = true

// monoSleeper sleeps until an absolute CLOCK_MONOTONIC time. Its Timespec
// lives in it so that a sleep allocates nothing.
type monoSleeper struct{ ts unix.Timespec }

// until sleeps until CLOCK_MONOTONIC reads at least abs ns, going back to
// sleep when a signal interrupts it (Go's runtime sends them). It never
// returns early but on an error clock_nanosleep does not have for this
// clock and a valid time; then the caller's spin, bounded by its margin,
// waits instead.
func (s *monoSleeper) until(abs int64) {
	s.ts = monoTimespec(abs)
	for unix.ClockNanosleep(unix.CLOCK_MONOTONIC, unix.TIMER_ABSTIME, &s.ts, nil) == unix.EINTR {
	}
}

// monoTimespec is the Timespec of abs ns.
func monoTimespec(abs int64) unix.Timespec { return unix.NsecToTimespec(abs) }

// monoNow reads CLOCK_MONOTONIC, in ns.
func monoNow() int64 {
	var ts unix.Timespec
	_ = unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts) // cannot fail for this clock
	return ts.Nano()
}

// startClock returns the run clock's zero and CLOCK_MONOTONIC at that
// instant, within ±uncertainty ns. Go's monotonic clock is CLOCK_MONOTONIC
// on Linux, so time.Since(base) and monoNow()-mono differ by at most the
// uncertainty: half the narrowest of three brackets of time.Now by two
// clock_gettime calls (a few hundred ns at most, against a margin of at
// least 20 µs).
func startClock() (base time.Time, mono, uncertainty int64) {
	width := int64(math.MaxInt64)
	for range 3 {
		m1 := monoNow()
		b := time.Now()
		m2 := monoNow()
		if m2-m1 < width {
			width, base, mono = m2-m1, b, m1+(m2-m1)/2
		}
	}
	return base, mono, (width + 1) / 2
}
