package workerpool

import "sync"

// closeGuard is the Submit/Close handshake of the pools whose intake cannot
// itself tell a closed pool (a channel that must not be sent on once closed,
// a WaitGroup whose Add must not race with Wait, a library whose Go must not
// race with its Wait). The zero value is an open guard.
//
// It guarantees:
//   - While a Submit is between enter and exit, close waits: when close
//     returns, no Submit is in progress and none will start, so Close may
//     close channels or Wait.
//   - Once close has returned (or while it waits), enter reports false, so a
//     Submit after Close returns ErrClosed instead of touching the intake.
//   - close reports true exactly once, for the first Close; later calls
//     report false, for Close to return ErrClosed.
//
// Misuse: a Submit that blocks between enter and exit blocks close with it,
// so a pool whose Submit may block there must free it first (channels closes
// its done channel; the others block only while tasks are running, which
// finish). Every pool that needs the handshake uses this type, so all pay
// the same cost per Submit: one uncontended RLock/RUnlock pair.
type closeGuard struct {
	mu     sync.RWMutex // read-held by a Submit from enter to exit
	closed bool         // guarded by mu
}

// enter starts a Submit. If it reports true the pool is open and the caller
// must call exit once it has handed over (or given up) the task; if false
// the pool is closed and the caller must not call exit.
func (g *closeGuard) enter() bool {
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return false
	}
	return true
}

// exit ends a Submit that enter let in.
func (g *closeGuard) exit() { g.mu.RUnlock() }

// close marks the pool closed once every Submit in progress has exited. It
// reports whether this call closed it (false: it was already closed).
func (g *closeGuard) close() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.closed = true
	return true
}
