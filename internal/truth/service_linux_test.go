//go:build truth && linux

package truth

import (
	"time"

	"golang.org/x/sys/unix"
)

// serve waits d without the processor: clock_nanosleep on CLOCK_MONOTONIC,
// whose wake-up is far finer than Go's timer on an idle runtime (which
// rounds a sub-millisecond wait up to about a millisecond). The caller
// measures what it took.
func serve(d time.Duration) {
	ts := unix.NsecToTimespec(d.Nanoseconds())
	for unix.ClockNanosleep(unix.CLOCK_MONOTONIC, 0, &ts, &ts) == unix.EINTR {
	}
}
