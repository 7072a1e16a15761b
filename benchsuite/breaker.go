package benchsuite

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concbench/concbench/impl/breaker"
	"github.com/concbench/concbench/internal/benchname"
)

// breakerConfig never leaves the state a benchmark put the breaker in: the
// open timeout outlasts any run.
func breakerConfig() breaker.Config {
	return breaker.Config{FailuresToOpen: 5, OpenTimeout: time.Hour, HalfOpenProbes: 1, CallTimeout: time.Second}
}

func succeed(context.Context) error { return nil }

var errBreakerBench = errors.New("benchsuite: failure")

func fail(context.Context) error { return errBreakerBench }

// Breaker runs BenchmarkBreaker's sub-benchmarks for impls, named
// impl=<name>/path=<path>: one Execute per op from b.RunParallel callers
// (run with -cpu 1,2 to see scaling; the -N suffix is GOMAXPROCS).
// path=closed calls a trivially succeeding fn; path=open has every call
// rejected, after 5 failures opened the breaker (open for an hour; a breaker
// that declares AsyncCounts gets up to a second to see its failures).
//
// impl=none is the floor, run whatever impls holds: fn called directly, with
// no breaker (path=closed only).
//
// A breaker that declares a Bulkhead may reject calls on the closed path
// (hystrix does when its bookkeeping falls behind a saturated loop): those
// are counted, not failed, and reported as the share rejected/op.
//
// Demonstrations (Demo set) are left out: they are broken on purpose, and a
// benchmark beside the others would rank one.
func Breaker(b *testing.B, impls ...breaker.Impl) {
	benches, err := BreakerBenches(impls...)
	runBenches(b, benches, err)
}

// BreakerBenches returns the leaves [Breaker] runs, in its order, or an
// error if an implementation's name cannot name a benchmark.
func BreakerBenches(impls ...breaker.Impl) ([]Bench, error) {
	impls = slices.DeleteFunc(slices.Clone(impls), func(i breaker.Impl) bool { return i.Demo != "" })
	if err := checkNames("none", implNames(impls, func(i breaker.Impl) string { return i.Name })); err != nil {
		return nil, err
	}
	var benches []Bench
	for _, impl := range impls {
		for _, path := range []string{"closed", "open"} {
			name := benchname.Join(benchname.P("impl", impl.Name), benchname.P("path", path))
			benches = append(benches, Bench{name, func(b *testing.B) { benchBreaker(b, impl, path == "open") }})
		}
	}
	benches = append(benches, Bench{benchname.Join(benchname.P("impl", "none"), benchname.P("path", "closed")), func(b *testing.B) {
		ctx := context.Background()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := succeed(ctx); err != nil {
					b.Error(err)
				}
			}
		})
	}})
	return benches, nil
}

func benchBreaker(b *testing.B, impl breaker.Impl, open bool) {
	cfg := breakerConfig()
	br := impl.New(cfg)
	defer br.Close()
	ctx := context.Background()
	if open {
		for range cfg.FailuresToOpen {
			_ = br.Execute(ctx, fail)
		}
		for deadline := time.Now().Add(time.Second); impl.Deviations.AsyncCounts && br.State() != breaker.Open && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
		if s := br.State(); s != breaker.Open {
			b.Fatalf("after %d failures: state %v, want open", cfg.FailuresToOpen, s)
		}
	}
	bulkhead := !open && impl.Deviations.Bulkhead > 0
	var rejected atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			err := br.Execute(ctx, succeed)
			if bulkhead && errors.Is(err, breaker.ErrRejected) {
				rejected.Add(1)
				continue
			}
			if open != errors.Is(err, breaker.ErrRejected) {
				b.Errorf("open=%v: Execute = %v", open, err)
				return
			}
		}
	})
	if bulkhead {
		b.ReportMetric(float64(rejected.Load())/float64(b.N), "rejected/op")
	}
}

// Clock runs BenchmarkClock's sub-benchmarks, named call=<call>: one read of
// the clock per op from b.RunParallel callers, as Breaker calls Execute, so
// that a breaker's ns/op can be read against the clock reads its path makes
// (each breaker's doc comment counts them) in the same run and at the same
// -cpu. call=time.Now reads the wall and the monotonic clock (two vDSO reads
// on linux); call=time.Since reads the monotonic clock only, as a breaker
// that measures its open timeout from a start time does.
func Clock(b *testing.B) { runBenches(b, ClockBenches(), nil) }

// ClockBenches returns the leaves [Clock] runs, in its order.
func ClockBenches() []Bench {
	return []Bench{
		{benchname.Join(benchname.P("call", "time.Now")), func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				var last time.Time
				n := 0
				for pb.Next() {
					last = time.Now()
					n++
				}
				if n > 0 && last.IsZero() { // keeps the read from being optimised away
					b.Error("time.Now returned the zero time")
				}
			})
		}},
		{benchname.Join(benchname.P("call", "time.Since")), func(b *testing.B) {
			start := time.Now()
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				var d time.Duration
				for pb.Next() {
					d = time.Since(start)
				}
				if d < 0 {
					b.Error("time.Since went backwards")
				}
			})
		}},
	}
}
