package loadgen

import (
	"sync"
	"testing"
	"time"
)

// TestPeaksWhenDue: a client's look, when due, raises the peaks to what
// the process has at that moment, with no sampler involved; a look that is
// not due takes nothing, and a peak never falls.
func TestPeaksWhenDue(t *testing.T) {
	p := newPeaks(5 * time.Millisecond)
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() { <-release })
	}
	if !p.due(0) {
		t.Fatal("the first look was not taken")
	}
	close(release)
	wg.Wait()
	if g := p.goroutines.Load(); g < 100 {
		t.Errorf("peak goroutines %d with 100 parked; want at least 100", g)
	}
	if p.stack.Load() == 0 {
		t.Error("no stack bytes")
	}
	p.observe(1, 1)
	if p.goroutines.Load() < 100 {
		t.Error("a lower reading lowered the peak")
	}
	release = make(chan struct{})
	for range 100 {
		wg.Go(func() { <-release })
	}
	if p.due(int64(time.Millisecond)) { // the next look is due at 5 ms
		t.Error("a look that was not due was taken")
	}
	close(release)
	wg.Wait()
	if g := p.goroutines.Load(); g > 105 {
		t.Errorf("peak %d after a look that was not due; want it unchanged", g)
	}
}
