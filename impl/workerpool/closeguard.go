package workerpool

import "sync"

// CloseGuard is the Submit/Close handshake of a pool whose intake cannot
// itself tell a closed pool: a channel that must not be sent on once
// closed, a WaitGroup whose Add must not race with Wait, a library whose Go
// must not race with its Wait (ants, pond, conc). The built-in adapters use
// it; an adapter of another library can too (see the package example). The
// zero value is an open guard.
//
// It guarantees:
//   - While a Submit is between Enter and Exit, Close waits: when Close
//     returns, no Submit is in progress and none will start, so the pool's
//     Close may close channels or Wait.
//   - Once Close has returned (or while it waits), Enter reports false, so a
//     Submit after Close returns ErrClosed instead of touching the intake.
//   - Close reports true exactly once, for the first call; later calls
//     report false, for the pool's Close to return ErrClosed.
//
// Misuse: a Submit that blocks between Enter and Exit blocks Close with it,
// so a pool whose Submit may block there must free it first (channels closes
// its done channel; the others block only while tasks are running, which
// finish). Every built-in pool that needs the handshake uses this type, so
// all pay the same cost per Submit: one uncontended RLock/RUnlock pair.
type CloseGuard struct {
	mu     sync.RWMutex // read-held by a Submit from Enter to Exit
	closed bool         // guarded by mu
}

// Enter starts a Submit. If it reports true the pool is open and the caller
// must call Exit once it has handed over (or given up) the task; if false
// the pool is closed and the caller must not call Exit.
func (g *CloseGuard) Enter() bool {
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return false
	}
	return true
}

// Exit ends a Submit that Enter let in.
func (g *CloseGuard) Exit() { g.mu.RUnlock() }

// Close marks the pool closed once every Submit in progress has exited. It
// reports whether this call closed it (false: it was already closed).
func (g *CloseGuard) Close() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.closed = true
	return true
}
