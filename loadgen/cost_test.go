package loadgen

import (
	"context"
	"testing"
	"testing/synctest"
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

// TestCostSpansTheWindow: a run's cost covers its window: a span within
// the run, the completions in it, and the CPU a spinning target used.
func TestCostSpansTheWindow(t *testing.T) {
	start := time.Now()
	res, err := Run(context.Background(), Config{Model: Closed, Clients: 1, Duration: 100 * time.Millisecond, Warmup: 10 * time.Millisecond},
		func(context.Context) error {
			for t0 := time.Now(); time.Since(t0) < 20*time.Microsecond; {
			}
			return nil
		})
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	c := res.Cost
	if c == nil {
		t.Fatal("no cost")
	}
	// The snapshots are taken at the sampler's first samples at or after
	// the window's ends (late by an interval, 5 ms here, or more on a
	// loaded machine): a span within the window and its drain, with the
	// operations and CPU the spinning target took in it.
	if c.SpanNs <= 0 || c.SpanNs > int64(took) || c.Ops <= 0 || c.Ops > res.Issued || c.CPUNs <= 0 {
		t.Errorf("cost %+v: want a span within the run (%v), some of its %d operations and CPU", c, took, res.Issued)
	}
}

// TestClientsTakeDueSamples: a sample that is due is taken by the first
// client to notice it, so that a load which leaves the sampler's own
// goroutine no P (it never runs here) still gets its series and both cost
// snapshots; a client that finds no sample due takes none.
func TestClientsTakeDueSamples(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		base := time.Now()
		clock := func() int64 { return int64(time.Since(base)) }
		const every = 5 * time.Millisecond
		window := int64(100 * time.Millisecond)
		s := newSampler(clock, 0, every, 64, []*recorder{newRecorder(0, window)}, nil)
		s.cost, s.windowEnd = newCostMeter(), window
		s.start() // the baseline, at 0
		for clock() <= window+int64(10*time.Millisecond) {
			time.Sleep(time.Millisecond)
			s.due(clock())
		}
		if got := len(s.series.T); got < 20 || got > 23 {
			t.Errorf("%d samples over 110 ms at one per %v due: want 22", got, every)
		}
		if s.cost.cost() == nil {
			t.Error("no cost: the clients took neither snapshot")
		}
		n := len(s.series.T)
		s.due(clock()) // at the last sample: none due
		if len(s.series.T) != n {
			t.Error("a client took a sample that was not due")
		}
	})
}
