package loadgen

import (
	"context"
	"testing"
	"time"
)

// BenchmarkCostSnapshot is what a trial pays, twice (at the window's
// opening and close), for its cost units: a snapshot reads getrusage,
// runtime/metrics and runtime.ReadMemStats, which stops the world for a
// moment. Nothing is paid per operation: the sampler takes both.
func BenchmarkCostSnapshot(b *testing.B) {
	m := newCostMeter()
	b.ReportAllocs()
	for b.Loop() {
		m.snap()
	}
}

// TestCostSpansTheWindow: a run's cost covers its window: a span about
// the window's length, the completions in it, and the CPU a spinning
// target used.
func TestCostSpansTheWindow(t *testing.T) {
	res, err := Run(context.Background(), Config{Model: Closed, Clients: 1, Duration: 100 * time.Millisecond, Warmup: 10 * time.Millisecond},
		func(context.Context) error {
			for t0 := time.Now(); time.Since(t0) < 20*time.Microsecond; {
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Cost
	if c == nil {
		t.Fatal("no cost")
	}
	// The snapshots are taken at the sampler's first samples at or after
	// the window's ends: late by up to an interval (5 ms here).
	if c.SpanNs < int64(90*time.Millisecond) || c.SpanNs > int64(110*time.Millisecond) || c.Ops < 100 || c.CPUNs < int64(50*time.Millisecond) {
		t.Errorf("cost %+v: want a span of about 100 ms, at least 100 operations and 50 ms of CPU", c)
	}
}
