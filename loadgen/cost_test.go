package loadgen

import (
	"context"
	"math"
	"testing"
	"testing/synctest"
	"time"
)

// BenchmarkCostSnapshot is what a trial pays, twice (at the window's
// opening and close), for its cost units: a snapshot reads getrusage,
// runtime/metrics and runtime.ReadMemStats, which stops the world for a
// moment. Nothing is paid per operation: the sampler takes both.
func BenchmarkCostSnapshot(b *testing.B) {
	m := newCostMeter(0, 1, func() int64 { return 0 })
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

// TestCostSnapshotsWhenDue: the window's two snapshots are taken by the
// first caller to find each due (a client between operations; the
// sampler's goroutine may get no P under a load that keeps every P busy,
// and never calls here): none before the window opens, a at its opening,
// b at its close, none after; the cost spans the window and counts the
// completions between.
func TestCostSnapshotsWhenDue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		base := time.Now()
		clock := func() int64 { return int64(time.Since(base)) }
		var completed int64
		open, close := int64(time.Millisecond), int64(101*time.Millisecond)
		m := newCostMeter(open, close, func() int64 { return completed })
		for clock() <= close+int64(10*time.Millisecond) {
			m.due(clock())
			if now := clock(); now < open && m.aOps >= 0 {
				t.Fatalf("snapshot a taken at %v, before the window opened", time.Duration(now))
			}
			time.Sleep(100 * time.Microsecond)
			completed++
		}
		c := m.cost()
		if c == nil {
			t.Fatal("no cost: neither snapshot was taken when due")
		}
		if span := time.Duration(c.SpanNs); span < 99*time.Millisecond || span > 102*time.Millisecond {
			t.Errorf("span %v; want the 100 ms window", span)
		}
		if c.Ops < 990 || c.Ops > 1010 {
			t.Errorf("%d completions counted; want the window's 1000", c.Ops)
		}
		if m.next.Load() != math.MaxInt64 {
			t.Error("a snapshot is still due after both were taken")
		}
	})
}
