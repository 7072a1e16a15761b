package trial

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"time"

	"github.com/concbench/concbench/internal/work"
	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"
)

// ErrInjected is the error of an operation failed by a configured fault.
var ErrInjected = errors.New("concbench: injected fault")

// newOp returns the work of one unit as the spec describes it, and the
// function that times its outage: it must be called, with the opening of the
// measurement window, before the op first runs.
func newOp(w scenarios.Work, f scenarios.Faults) (targets.Op, func(start time.Time)) {
	body := taskBody(w)
	var outFrom, outTo time.Time
	var outLatency time.Duration
	startOutage := func(start time.Time) {
		if f.Outage != nil {
			outFrom = start.Add(f.Outage.At.Duration)
			outTo = outFrom.Add(f.Outage.For.Duration)
			outLatency = f.Outage.Latency.Duration
		}
	}
	rate := f.ErrorRate
	op := func(ctx context.Context) error {
		body(ctx)
		if !outFrom.IsZero() {
			if now := time.Now(); !now.Before(outFrom) && now.Before(outTo) {
				time.Sleep(outLatency) // a hung downstream: deaf to ctx on purpose
				return ErrInjected
			}
		}
		if rate > 0 && rand.Float64() < rate {
			return ErrInjected
		}
		return ctx.Err()
	}
	return op, startOutage
}

// taskBody returns what one task does before its faults: spin or sleep
// for a drawn duration (or nothing), at the bottom of a stack of w.Stack
// bytes if it asks for one.
func taskBody(w scenarios.Work) func(ctx context.Context) {
	draw := durationDraw(w)
	var body func(ctx context.Context)
	switch w.Kind {
	case scenarios.CPUWork:
		perNs := float64(work.RoundsPerMicrosecond()) / 1000
		body = func(context.Context) { work.Spin(int(float64(draw()) * perNs)) }
	case scenarios.SleepWork:
		body = func(ctx context.Context) {
			t := time.NewTimer(draw())
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
			}
		}
	default:
		body = func(context.Context) {}
	}
	if stack := int(w.Stack); stack > 0 {
		flat := body
		body = func(ctx context.Context) { work.Deep(stack, func() { flat(ctx) }) }
	}
	return body
}

// durationDraw returns the draw of a task's duration from w's
// distribution. Durations are drawn from math/rand/v2's goroutine-safe
// source.
func durationDraw(w scenarios.Work) func() time.Duration {
	mean := float64(w.Mean.Duration)
	draw := func() time.Duration { return w.Mean.Duration }
	switch w.Dist {
	case scenarios.Exponential:
		draw = func() time.Duration { return time.Duration(rand.ExpFloat64() * mean) }
	case scenarios.Lognormal:
		// A lognormal with the given mean: mu = ln(mean) - sigma²/2.
		mu := math.Log(mean) - w.Sigma*w.Sigma/2
		// A rare draw of a wide lognormal can exceed any duration: clamp it
		// to the longest a trial may run, which the watchdog ends anyway.
		draw = func() time.Duration {
			return time.Duration(min(math.Exp(mu+w.Sigma*rand.NormFloat64()), float64(scenarios.MaxTimeout)))
		}
	}
	return draw
}
