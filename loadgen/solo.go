package loadgen

import (
	"context"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Solo runs t's operation back to back on one goroutine, nothing else of
// the generator running: at most n operations, and no new one once budget
// has passed since the first started (the first always runs). It returns
// their service times (completion minus start; for a Submit target, the
// task's own run), in ns: the target's service time without the
// generator's waits, the reference against which a run's service time
// shows what the harness's presence changed. It stops early, with what it
// has, when ctx ends.
//
// The operations run on a goroutine of Solo's own, which it waits for:
// aborted says, if not "", why they could not go on (an operation called
// runtime.Goexit, as Result.Aborted says for a run).
func Solo(ctx context.Context, t Target, n int, budget time.Duration) (h *hdrhistogram.Histogram, aborted string) {
	h = newHist()
	if t.Call == nil && t.Submit == nil {
		return h, ""
	}
	done := make(chan bool)
	go func() {
		finished := false
		defer func() { done <- finished }()
		solo(ctx, t, n, budget, h)
		finished = true
	}()
	if !<-done {
		return h, "an operation called runtime.Goexit"
	}
	return h, ""
}

// solo runs Solo's operations on the calling goroutine.
func solo(ctx context.Context, t Target, n int, budget time.Duration, h *hdrhistogram.Histogram) {
	done := make(chan int64, 1) // a Submit task's service time
	first := time.Now()
	for i := 0; i < n && ctx.Err() == nil && (i == 0 || time.Since(first) < budget); i++ {
		if t.Call != nil {
			start := time.Now()
			t.Call(ctx)
			h.RecordValue(clamp(int64(time.Since(start))))
			continue
		}
		err := t.Submit(ctx, func() {
			start := time.Now()
			if t.Task != nil {
				t.Task(ctx)
			}
			done <- int64(time.Since(start))
		})
		if err != nil {
			continue // refused: no service time
		}
		select {
		case d := <-done:
			h.RecordValue(clamp(d))
		case <-ctx.Done():
			return // a task that never finishes: the trial's watchdog says so
		}
	}
}
