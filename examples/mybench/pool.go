// Package mybench is a user's module in miniature: a worker pool and a
// function of its own, checked by concbench's conformance suite, measured
// by its benchmarks beside the built-in pools, and load-tested by its
// scenario driver through a runbench of its own (cmd/mybench).
package mybench

import (
	"context"
	"errors"
	"hash/crc32"
	"runtime/debug"
	"sync"

	"github.com/concbench/concbench/impl/workerpool"
)

// Impl is the registry entry that concbench's suites, benchmarks and
// scenarios take.
func Impl() workerpool.Impl {
	return workerpool.Impl{
		Name: "tokens",
		Doc:  "a goroutine per task, at most N at once: a channel of N tokens (example.com/mybench)",
		New:  New,
	}
}

// Pool runs each task on a goroutine of its own, at most N at once: a
// buffered channel of N tokens is the limit, and Submit blocks for a token.
type Pool struct {
	tokens chan struct{}
	done   chan struct{} // closed by Close: frees Submits waiting for a token
	once   sync.Once
	mu     sync.RWMutex // read-held by Submit while it may start a task
	closed bool         // under mu
	wg     sync.WaitGroup
	pmu    sync.Mutex
	panics []error
}

// New returns a pool of at most workers tasks at once.
func New(workers int) workerpool.Pool {
	return &Pool{tokens: make(chan struct{}, workers), done: make(chan struct{})}
}

// Submit blocks for a token, then starts task on a goroutine of its own. It
// returns ctx's error if ctx ends first, and workerpool.ErrClosed after
// Close.
func (p *Pool) Submit(ctx context.Context, task func()) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return workerpool.ErrClosed
	}
	select {
	case p.tokens <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	case <-p.done:
		return workerpool.ErrClosed
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		defer func() { <-p.tokens }()
		defer func() {
			if v := recover(); v != nil {
				p.pmu.Lock()
				p.panics = append(p.panics, &workerpool.PanicError{Value: v, Stack: debug.Stack()})
				p.pmu.Unlock()
			}
		}()
		task()
	}()
	return nil
}

// Close stops intake, waits for every accepted task and returns their
// panics, joined. A second Close returns workerpool.ErrClosed.
func (p *Pool) Close() error {
	first := false
	p.once.Do(func() {
		first = true
		close(p.done)
		p.mu.Lock() // waits out every Submit that may still start a task
		p.closed = true
		p.mu.Unlock()
	})
	if !first {
		return workerpool.ErrClosed
	}
	p.wg.Wait()
	p.pmu.Lock()
	defer p.pmu.Unlock()
	return errors.Join(p.panics...)
}

// page is what Checksum sums: 4 KiB, read-only after package init.
var page = func() []byte {
	b := make([]byte, 4096)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}()

// Checksum is a plain function under load: the CRC-32 of a 4 KiB page.
// It is safe for concurrent use.
func Checksum(ctx context.Context) error {
	if crc32.ChecksumIEEE(page) == 0 {
		return errors.New("mybench: zero checksum")
	}
	return ctx.Err()
}
