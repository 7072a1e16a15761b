package workerpool_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/concbench/concbench/conformance"
	"github.com/concbench/concbench/impl/workerpool"
)

// libPool stands for a library's pool, as an adapter finds it: Go must
// not race with Wait, and a panicking task would crash the process.
type libPool struct {
	sem chan struct{}
	wg  sync.WaitGroup
}

func (l *libPool) Go(task func()) {
	l.sem <- struct{}{}
	l.wg.Add(1)
	go func() {
		defer func() { <-l.sem; l.wg.Done() }()
		task()
	}()
}

func (l *libPool) Wait() { l.wg.Wait() }

// adapter makes libPool a workerpool.Pool: the guard keeps Submit and
// Close apart and refuses a Submit after Close; Panics keeps the tasks'
// panics for Close to return.
type adapter struct {
	lib    *libPool
	guard  workerpool.CloseGuard
	panics workerpool.Panics
}

func (a *adapter) Submit(_ context.Context, task func()) error {
	if !a.guard.Enter() {
		return workerpool.ErrClosed
	}
	defer a.guard.Exit()
	a.lib.Go(func() { a.panics.Run(task) })
	return nil
}

func (a *adapter) Close() error {
	if !a.guard.Close() {
		return workerpool.ErrClosed
	}
	a.lib.Wait()
	return a.panics.Err()
}

// An adapter of a library's pool uses the helpers the built-in adapters
// use: a CloseGuard for the Submit/Close handshake and Panics for the
// tasks' panics. (Pass it to conformance.WorkerPool to check it.)
func Example_adapter() {
	var p workerpool.Pool = &adapter{lib: &libPool{sem: make(chan struct{}, 2)}}
	_ = p.Submit(context.Background(), func() { panic("boom") })
	err := p.Close()
	var pe *workerpool.PanicError
	fmt.Println(errors.As(err, &pe), pe.Value)
	fmt.Println(p.Submit(context.Background(), func() {}))
	fmt.Println(p.Close())
	// Output:
	// true boom
	// workerpool: pool is closed
	// workerpool: pool is closed
}

// TestExampleAdapter: the example's adapter meets the contract, its
// library's Go, which cannot watch a context, declared.
func TestExampleAdapter(t *testing.T) {
	conformance.WorkerPool(t, workerpool.Impl{
		Name: "lib", Doc: "the package example's adapter",
		New: func(workers int) workerpool.Pool {
			return &adapter{lib: &libPool{sem: make(chan struct{}, workers)}}
		},
		Deviations: workerpool.Deviations{IgnoresCtxWhileBlocked: true},
	})
}
