package trial

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/concbench/concbench/scenarios"
)

// TestWorkStackHoldsTheStack runs tasks of work.stack 64KiB that sleep:
// while they sleep, each holds a stack of at least 64 KiB.
func TestWorkStackHoldsTheStack(t *testing.T) {
	const tasks, stack = 16, 64 << 10
	op, start := newOp(scenarios.Work{Kind: scenarios.SleepWork, Mean: scenarios.Duration{Duration: 200 * time.Millisecond}, Dist: scenarios.Fixed, Stack: stack}, scenarios.Faults{})
	start(time.Now())
	before := stackInuse()
	var wg sync.WaitGroup
	for range tasks {
		wg.Go(func() { _ = op(context.Background()) })
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	peak := 0
	for polling := true; polling; {
		select {
		case <-done:
			polling = false
		case <-time.After(5 * time.Millisecond):
			peak = max(peak, stackInuse()-before)
		}
	}
	if peak < tasks*stack {
		t.Fatalf("%d sleeping tasks of work.stack %d held at most %d bytes of stack above the baseline, want at least %d", tasks, stack, peak, tasks*stack)
	}
}

func stackInuse() int {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int(m.StackInuse)
}
