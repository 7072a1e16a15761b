package targets

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestFloorEchoes: the floor target answers concurrent calls, each on a
// pipe pair of its own, and its Close ends every echo goroutine it
// started; a call after Close fails.
func TestFloorEchoes(t *testing.T) {
	before := runtime.NumGoroutine()
	f := Floor()
	var wg sync.WaitGroup
	errs := make(chan error, 8*100)
	for range 8 {
		wg.Go(func() {
			for range 100 {
				errs <- f.Call(context.Background())
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Call(context.Background()); err == nil {
		t.Error("a call after Close succeeded")
	}
	deadline := time.Now().Add(time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		runtime.Gosched()
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after Close, %d before", n, before)
	}
}
