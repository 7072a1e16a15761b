package benchsuite

import (
	"context"
	"errors"
	"flag"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concbench/concbench/impl/breaker"
	"github.com/concbench/concbench/internal/benchname"
	"github.com/concbench/concbench/internal/nilness"
)

// breakerConfig never leaves the state a benchmark put the breaker in: the
// open timeout outlasts any run. A breaker that declares a FixedConfig gets
// its library's values in place of these (see benchBreakerOpen).
func breakerConfig(impl breaker.Impl) breaker.Config {
	return impl.EffectiveConfig(breaker.Config{FailuresToOpen: 5, OpenTimeout: time.Hour, HalfOpenProbes: 1, CallTimeout: time.Second})
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
// A breaker whose library cannot be configured declares its own values
// (breaker.Deviations.FixedConfig), which replace these: path=open opens it
// with its own number of failures, and skips (b.Skip, saying why: go test
// -v and runbench bench print it) where its own open timeout could end
// within a run of this -benchtime, since the calls after it would be
// half-open probes, not rejections; a shorter -benchtime measures it.
// Undeclared, such a breaker fails its own path=open, and no other leaf.
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
//
// Two built-in breakers leave goroutines behind by design, which a test
// binary whose TestMain calls goleak.VerifyTestMain must ignore where it
// runs them (examples/mybench's TestMain shows how): hystrix's registry
// keeps two per breaker for the life of the process
// (Deviations.RegistryGoroutines), and resiliency's path=open breaker
// sleeps out its hour's open timeout on a timer goroutine
// (Deviations.StartsTimerGoroutine).
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
			benches = append(benches, Bench{name, alone(impl.Name, func(b *testing.B) { benchBreaker(b, impl, path == "open") })})
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
	if impl.New == nil {
		b.Fatalf("breaker.Impl %q: New is nil", impl.Name)
	}
	cfg := breakerConfig(impl)
	if open {
		skipShortFixedTimeout(b, impl, cfg)
	}
	br := impl.New(cfg)
	if nilness.Is(br) {
		b.Fatalf("breaker.Impl %q: New(%+v) returned nil", impl.Name, cfg)
	}
	defer br.Close()
	fn := succeed
	if open {
		openBreaker(b, impl, br, cfg)
		fn = fail // a call let through reopens it
	}
	bulkhead := !open && impl.Deviations.Bulkhead > 0
	var rejected, admitted atomic.Int64
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		defer failOnPanic(b, impl.Name)
		for pb.Next() {
			err := br.Execute(ctx, fn)
			switch {
			case bulkhead && errors.Is(err, breaker.ErrRejected):
				rejected.Add(1)
			case open && !errors.Is(err, breaker.ErrRejected):
				admitted.Add(1)
			case !open && err != nil:
				b.Errorf("closed: Execute = %v", err)
				return
			}
		}
	})
	if bulkhead {
		b.ReportMetric(float64(rejected.Load())/float64(b.N), "rejected/op")
	}
	if open {
		checkAdmitted(b, impl, cfg, admitted.Load())
	}
}

// openBreaker opens br with cfg.FailuresToOpen failures, or fails the
// leaf. A breaker that declares AsyncCounts gets up to a second to see its
// failures.
func openBreaker(b *testing.B, impl breaker.Impl, br breaker.Breaker, cfg breaker.Config) {
	b.Helper()
	ctx := context.Background()
	for range cfg.FailuresToOpen {
		_ = br.Execute(ctx, fail)
	}
	for deadline := time.Now().Add(time.Second); impl.Deviations.AsyncCounts && br.State() != breaker.Open && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	if s := br.State(); s != breaker.Open {
		b.Fatalf("after %d failures: state %v, want open; if the library cannot be given Config.FailuresToOpen, "+
			"declare its own in Deviations.FixedConfig", cfg.FailuresToOpen, s)
	}
}

// openPathCost bounds what one call on the open path can take, to tell
// how long a run of -benchtime Nx lasts: a rejection costs tens of
// nanoseconds.
const openPathCost = 10 * time.Microsecond

// skipShortFixedTimeout skips the open path of a breaker whose open
// timeout is its library's (Deviations.FixedConfig) and may end before a
// run of this -benchtime does: the calls after it would find the breaker
// half-open. It decides before anything runs, so that the leaf prints no
// result, only the reason (go test -v, runbench bench).
func skipShortFixedTimeout(b *testing.B, impl breaker.Impl, cfg breaker.Config) {
	b.Helper()
	f := impl.Deviations.FixedConfig
	if f == nil || f.OpenTimeout == 0 {
		return
	}
	run := time.Second // go test's default -benchtime
	if fl := flag.Lookup("test.benchtime"); fl != nil {
		v := fl.Value.String()
		if n, ok := strings.CutSuffix(v, "x"); ok {
			if iters, err := strconv.Atoi(n); err == nil {
				run = time.Duration(iters) * openPathCost
			}
		} else if d, err := time.ParseDuration(v); err == nil {
			run = d
		}
	}
	// The last of a benchmark's runs may last some more than -benchtime.
	if cfg.OpenTimeout <= 2*run {
		b.Skipf("impl=%s: path=open not measured: the library's own open timeout, %v (Deviations.FixedConfig), could end "+
			"within a run of -benchtime %v, after which calls would be half-open probes, not rejections; "+
			"a -benchtime under %v measures it", impl.Name, cfg.OpenTimeout, run, cfg.OpenTimeout/2)
	}
}

// checkAdmitted fails the open path if calls ran fn: a breaker open for
// an hour admits none. One whose open timeout is its library's may admit
// a probe each time it ends, which fails and reopens it: counted as
// probes/op, they fail the leaf only if more than 1% of its calls were.
func checkAdmitted(b *testing.B, impl breaker.Impl, cfg breaker.Config, admitted int64) {
	b.Helper()
	if admitted == 0 {
		return
	}
	if f := impl.Deviations.FixedConfig; f != nil && f.OpenTimeout != 0 {
		b.ReportMetric(float64(admitted)/float64(b.N), "probes/op")
		if admitted*100 <= int64(b.N) {
			return
		}
	}
	b.Errorf("open: %d of %d calls ran fn, want every call rejected (open timeout %v)", admitted, b.N, cfg.OpenTimeout)
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
