package loadgen

import (
	"context"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// SoloConfig is what [Solo] runs.
type SoloConfig struct {
	Ops    int           // at most this many operations
	Budget time.Duration // no new operation once this has passed since the first started (the first always runs)
	// Gap is the pause between one operation's end and the next one's
	// start, taken with time.Sleep as code that paces itself would: a
	// target called at a low rate has gone idle between calls, and its
	// wake-up is its own cost, not the harness's. 0 calls back to back.
	Gap time.Duration
}

// Solo runs t's operation from one goroutine, one at a time, nothing else
// of the generator running, as cfg says. It returns their service times
// (completion minus start; for a Submit target, the task's own run), in
// ns: the target's service time without the generator, the reference
// against which a run's service time shows what the harness's presence
// changed. It stops early, with what it has, when ctx ends.
//
// The operations run on a goroutine of Solo's own, which it waits for:
// aborted says, if not "", why they could not go on (an operation called
// runtime.Goexit, as Result.Aborted says for a run).
func Solo(ctx context.Context, t Target, cfg SoloConfig) (h *hdrhistogram.Histogram, aborted string) {
	h = newHist()
	if t.Call == nil && t.Submit == nil {
		return h, ""
	}
	done := make(chan bool)
	go func() {
		finished := false
		defer func() { done <- finished }()
		solo(ctx, t, cfg, h)
		finished = true
	}()
	if !<-done {
		return h, "an operation called runtime.Goexit"
	}
	return h, ""
}

// solo runs Solo's operations on the calling goroutine.
func solo(ctx context.Context, t Target, cfg SoloConfig, h *hdrhistogram.Histogram) {
	done := make(chan int64, 1) // a Submit task's service time
	var pause pauser
	first := time.Now()
	for i := 0; i < cfg.Ops && ctx.Err() == nil && (i == 0 || time.Since(first) < cfg.Budget); i++ {
		if i > 0 && cfg.Gap > 0 && !pause.sleep(ctx, cfg.Gap) {
			return
		}
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
