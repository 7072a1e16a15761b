//go:build linux

package loadgen

import (
	"context"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// hasPoll: Linux has timerfd, which Go's poller can wait on.
const hasPoll = true

// pollSleeper waits until an absolute CLOCK_MONOTONIC time by reading a
// timerfd through Go's netpoller: the waiting goroutine is parked like
// one waiting on a socket, holding neither a P nor a thread, and is woken
// by the same mechanism that wakes the code under test's network reads.
// Its until is one client's (not safe for concurrent use); the end of the
// ctx it watches re-arms the timer to fire at once, from another
// goroutine.
type pollSleeper struct {
	fd  int // the timerfd; f.Fd() would put f in blocking mode
	f   *os.File
	its unix.ItimerSpec
	buf [8]byte

	stop   func() bool // ends the watch of ctx
	mu     sync.Mutex  // held by wake and close: no wake of a closed fd
	closed bool        // under mu
}

// newPollSleeper returns a sleeper on a new timerfd, whose waits end when
// ctx does; close it when done.
func newPollSleeper(ctx context.Context) (*pollSleeper, error) {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return nil, err
	}
	p := &pollSleeper{fd: fd, f: os.NewFile(uintptr(fd), "timerfd")}
	p.stop = context.AfterFunc(ctx, p.wake)
	return p, nil
}

// until waits until CLOCK_MONOTONIC reads at least abs ns, mono being
// what it reads now, or until ctx ends (reported false). It arms the timer
// once for the whole wait: waking every few milliseconds to look at ctx
// kept an idle runtime awake, and made a 100 µs time.Sleep in the target
// come back in 0.5 instead of 1.1 ms at 32 clients and 100/s.
func (p *pollSleeper) until(ctx context.Context, abs, mono int64) bool {
	for abs > mono {
		p.its.Value = unix.NsecToTimespec(abs)
		if err := unix.TimerfdSettime(p.fd, unix.TFD_TIMER_ABSTIME, &p.its, nil); err != nil {
			return true // cannot arm it: the caller's spin waits instead
		}
		// ctx ended before the timer was armed: its wake may have been
		// overwritten. Ended after: its wake comes after the arming.
		if ctx.Err() != nil {
			return false
		}
		if _, err := p.f.Read(p.buf[:]); err != nil {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		mono = monoNow()
	}
	return true
}

// wake fires the timer at once: ctx has ended.
func (p *pollSleeper) wake() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		its := unix.ItimerSpec{Value: unix.Timespec{Nsec: 1}} // relative: now
		unix.TimerfdSettime(p.fd, 0, &its, nil)
	}
}

// close ends the watch of ctx and closes the timerfd, after any wake.
func (p *pollSleeper) close() error {
	p.stop()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	return p.f.Close()
}
