//go:build linux

package loadgen

import (
	"context"
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// hasPoll: Linux has timerfd, which Go's poller can wait on.
const hasPoll = true

// pollSleeper waits until an absolute CLOCK_MONOTONIC time by reading a
// timerfd through Go's netpoller: the waiting goroutine is parked like
// one waiting on a socket, holding neither a P nor a thread, and is woken
// by the same mechanism that wakes the code under test's network reads.
// It is one client's: not safe for concurrent use.
type pollSleeper struct {
	fd  int // the timerfd; f.Fd() would put f in blocking mode
	f   *os.File
	its unix.ItimerSpec
	buf [8]byte
}

// newPollSleeper returns a sleeper on a new timerfd; close it when done.
func newPollSleeper() (*pollSleeper, error) {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return nil, err
	}
	return &pollSleeper{fd: fd, f: os.NewFile(uintptr(fd), "timerfd")}, nil
}

// pollSlice bounds one wait, so that an ended ctx is seen within it.
const pollSlice = 20 * time.Millisecond

// until waits until CLOCK_MONOTONIC reads at least abs ns, mono being
// what it reads now, or until ctx ends (reported false).
func (p *pollSleeper) until(ctx context.Context, abs, mono int64) bool {
	for abs > mono {
		if ctx.Err() != nil {
			return false
		}
		at := min(abs, mono+int64(pollSlice))
		p.its.Value = unix.NsecToTimespec(at)
		if err := unix.TimerfdSettime(p.fd, unix.TFD_TIMER_ABSTIME, &p.its, nil); err != nil {
			return true // cannot arm it: the caller's spin waits instead
		}
		if _, err := p.f.Read(p.buf[:]); err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			return true
		}
		mono = monoNow()
	}
	return true
}

func (p *pollSleeper) close() error { return p.f.Close() }
