package targets

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/concbench/concbench/loadgen"
)

// FloorImpl is the implementation name of the harness floor's trials: in
// any open-loop scenario, the floor target ([Floor]) under the scenario's
// own load (rate, arrival, clients, sleeper, duration), named like the
// scenario's trials (impl=floor) so that it lands in their report tables.
// No pattern may have an implementation of this name.
const FloorImpl = "floor"

// FloorDoc says what the floor's target does, for the report.
const FloorDoc = "pipe echo: one byte to another goroutine and back through the netpoller, under a read deadline"

// floorEchoTimeout bounds one echo: the read deadline each operation sets.
const floorEchoTimeout = time.Second

// Floor returns the harness floor's target: each operation writes a byte
// into a pipe, which a goroutine of the target's reads and writes back
// into another pipe, and reads it from there under a read deadline. It
// needs the runtime as real code does (the netpoller wakes both
// goroutines, the deadline is a runtime timer, the echo runs on another
// goroutine), so a generator that starves the netpoller or the timers
// slows it, where a no-op target would not notice. Concurrent operations
// each take a pipe pair of their own from a free list, opening one when
// none is free, as an HTTP client's connection pool does.
func Floor() *Target {
	e := &echoes{}
	return &Target{
		Target: loadgen.Target{Call: e.call},
		Close:  e.close,
	}
}

// echoes is the floor target's pipe pairs.
type echoes struct {
	mu     sync.Mutex
	free   []*echo
	all    []*echo
	closed bool
	wg     sync.WaitGroup // the echo goroutines
}

// echo is one pipe pair and the goroutine that answers on it.
type echo struct {
	toR, toW     *os.File // the caller writes toW; the echo goroutine reads toR
	fromR, fromW *os.File // the echo goroutine writes fromW; the caller reads fromR
	buf          [1]byte
}

func (e *echoes) call(ctx context.Context) error {
	p, err := e.take()
	if err != nil {
		return err
	}
	defer e.give(p)
	if _, err := p.toW.Write(p.buf[:]); err != nil {
		return err
	}
	if err := p.fromR.SetReadDeadline(time.Now().Add(floorEchoTimeout)); err != nil {
		return err
	}
	_, err = p.fromR.Read(p.buf[:])
	return err
}

// take returns a free pair, or a new one.
func (e *echoes) take() (*echo, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, errors.New("floor: closed")
	}
	if n := len(e.free); n > 0 {
		p := e.free[n-1]
		e.free = e.free[:n-1]
		return p, nil
	}
	p := &echo{}
	var err error
	if p.toR, p.toW, err = os.Pipe(); err != nil {
		return nil, fmt.Errorf("floor: %w", err)
	}
	if p.fromR, p.fromW, err = os.Pipe(); err != nil {
		p.toR.Close()
		p.toW.Close()
		return nil, fmt.Errorf("floor: %w", err)
	}
	e.all = append(e.all, p)
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		p.serve()
	}()
	return p, nil
}

func (e *echoes) give(p *echo) {
	e.mu.Lock()
	e.free = append(e.free, p)
	e.mu.Unlock()
}

// serve echoes every byte until its pipe closes.
func (p *echo) serve() {
	var b [1]byte
	for {
		if _, err := p.toR.Read(b[:]); err != nil {
			return
		}
		if _, err := p.fromW.Write(b[:]); err != nil {
			return
		}
	}
}

// close closes every pipe, which ends the echo goroutines, and waits for
// them.
func (e *echoes) close() error {
	e.mu.Lock()
	e.closed = true
	all := e.all
	e.mu.Unlock()
	for _, p := range all {
		p.toW.Close() // the echo's read sees EOF
	}
	e.wg.Wait()
	for _, p := range all {
		p.toR.Close()
		p.fromR.Close()
		p.fromW.Close()
	}
	return nil
}
