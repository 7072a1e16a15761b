package bench

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/afex/hystrix-go/hystrix"
	"github.com/cenk/backoff"
	"github.com/destel/rill"
	resiliency "github.com/eapache/go-resiliency/breaker"
	"github.com/failsafe-go/failsafe-go/circuitbreaker"
	mercari "github.com/mercari/go-circuitbreaker"
	circuit "github.com/rubyist/circuitbreaker"
	"github.com/sony/gobreaker/v2"
	"github.com/sourcegraph/conc/stream"

	"github.com/concbench/concbench/impl/breaker"
	"github.com/concbench/concbench/impl/pipeline"
	"github.com/concbench/concbench/internal/benchname"
)

// benchBreakerAndPipelineAdapters (BenchmarkAdapter) measures what each third-party entry's adapter costs: the
// library called bare, as its docs show, beside concbench's adapter of it
// (its registry entry), in the same run, named
//
//	lib=<entry>/way=bare|adapter/path=closed|open            (breakers)
//	lib=<entry>/way=bare|adapter/stages=3/workers=<n>/work=none (pipelines)
//
// so that `go tool benchstat -col /way` shows the adapter's share. It lives
// here, not in benchsuite: benchsuite measures a contract for anyone's
// implementation, while this measures concbench's own adapters against the
// libraries they wrap, so it needs the libraries' bare APIs and the adapters'
// configurations, which are concbench's business.
//
// Each bare breaker is configured as its adapter is (5 failures open it, an
// hour open, one probe), called with the same trivially succeeding fn from
// b.RunParallel callers as BenchmarkBreaker does, and leaves out what the
// contract adds (see each adapter's doc comment for why it is needed):
//   - gobreaker: the IsExcluded hook and its closure (the caller's Canceled
//     is neither success nor failure) and the mapping of its errors;
//   - resiliency: the closure that hands a caller's Canceled over as nil;
//   - failsafe: classify and the deferred panic check (RecordError instead);
//   - hystrix: the recover on its goroutine and the ctx-error wrapping;
//   - rubyist, mercari: classify and the deferred panic check.
//
// path=open: 5 failures opened both (hystrix's monitor gets up to a second
// to count them) and every op is rejected. The bare pipelines run 1024 ints
// through 3 stages adding 1 with the library alone, no ctx checks, no
// cancellation, no error path: conc's streams chained by callbacks, rill's
// FromSlice, Map and ToSlice (its README's way); the adapters add the
// contract's ctx and first-error handling.
func benchBreakerAndPipelineAdapters(b *testing.B) {
	for _, lib := range bareBreakers() {
		impl, ok := findBreaker(lib.name)
		if !ok {
			b.Fatalf("no breaker entry %q", lib.name)
		}
		for _, path := range []string{"closed", "open"} {
			open := path == "open"
			b.Run(benchname.Join(benchname.P("lib", lib.name), benchname.P("way", "bare"), benchname.P("path", path)), func(b *testing.B) {
				call, isOpen := lib.new(adapterConfig())
				benchBare(b, call, isOpen, open, lib.bulkheadErr)
			})
			var bulkheadErr error // the adapter's rejections: counted only where declared
			if impl.Deviations.Bulkhead > 0 {
				bulkheadErr = breaker.ErrRejected
			}
			b.Run(benchname.Join(benchname.P("lib", lib.name), benchname.P("way", "adapter"), benchname.P("path", path)), func(b *testing.B) {
				br := impl.New(adapterConfig())
				defer br.Close()
				call := func(ctx context.Context, fn func(context.Context) error) error { return br.Execute(ctx, fn) }
				benchBare(b, call, func() bool { return br.State() == breaker.Open }, open, bulkheadErr)
			})
		}
	}
	src := make([]int, adapterItems)
	for i := range src {
		src[i] = i
	}
	for _, lib := range barePipelines() {
		impl, ok := findPipeline(lib.name)
		if !ok {
			b.Fatalf("no pipeline entry %q", lib.name)
		}
		for _, workers := range []int{1, 4} {
			name := func(way string) string {
				return benchname.Join(benchname.P("lib", lib.name), benchname.P("way", way), benchname.P("stages", adapterStages),
					benchname.P("workers", workers), benchname.P("work", "none"))
			}
			b.Run(name("bare"), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if got := lib.run(src, adapterStages, workers); len(got) != len(src) {
						b.Fatalf("bare %s: %d results of %d", lib.name, len(got), len(src))
					}
				}
				reportPerItem(b)
			})
			stages := make([]pipeline.Stage[int], adapterStages)
			for i := range stages {
				stages[i] = pipeline.Stage[int]{Name: "add", Workers: workers, Fn: func(_ context.Context, v int) (int, error) { return v + 1, nil }}
			}
			b.Run(name("adapter"), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if got, err := impl.Run(context.Background(), src, stages, pipeline.Options{}); err != nil || len(got) != len(src) {
						b.Fatalf("%s: %d results of %d, %v", lib.name, len(got), len(src), err)
					}
				}
				reportPerItem(b)
			})
		}
	}
}

// adapterConfig is benchsuite's breaker configuration: 5 failures open, an
// hour open, so that a benchmark never leaves the state it set.
func adapterConfig() breaker.Config {
	return breaker.Config{FailuresToOpen: 5, OpenTimeout: time.Hour, HalfOpenProbes: 1, CallTimeout: time.Second}
}

// adapterItems and adapterStages are benchsuite's pipeline shape.
const adapterItems, adapterStages = 1024, 3

func reportPerItem(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*adapterItems), "ns/item")
}

var errAdapterBench = errors.New("bench: failure")

func succeed(context.Context) error { return nil }
func fail(context.Context) error    { return errAdapterBench }

// benchBare opens the breaker behind call if open (5 failures, then up to a
// second for isOpen), and times one call per op from RunParallel callers.
// On the closed path an error matching bulkheadErr (hystrix's bulkhead) is
// counted and reported as rejected/op rather than failed.
func benchBare(b *testing.B, call func(context.Context, func(context.Context) error) error, isOpen func() bool, open bool, bulkheadErr error) {
	ctx := context.Background()
	if open {
		for range adapterConfig().FailuresToOpen {
			_ = call(ctx, fail)
		}
		for deadline := time.Now().Add(time.Second); !isOpen() && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
		if !isOpen() {
			b.Fatal("5 failures did not open the breaker")
		}
	}
	bulkhead := !open && bulkheadErr != nil
	var rejected atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			err := call(ctx, succeed)
			if bulkhead && errors.Is(err, bulkheadErr) {
				rejected.Add(1)
				continue
			}
			if open != (err != nil) {
				b.Errorf("open=%v: call = %v", open, err)
				return
			}
		}
	})
	if bulkhead {
		b.ReportMetric(float64(rejected.Load())/float64(b.N), "rejected/op")
	}
}

// bareBreaker is a library used without an adapter: new returns its call,
// which runs fn as the library's docs show, and whether it is open.
type bareBreaker struct {
	name string
	new  func(breaker.Config) (call func(context.Context, func(context.Context) error) error, isOpen func() bool)
	// bulkheadErr is the library's rejection by its bulkhead, if it has one.
	bulkheadErr error
}

func bareBreakers() []bareBreaker {
	return []bareBreaker{
		{"gobreaker", func(cfg breaker.Config) (func(context.Context, func(context.Context) error) error, func() bool) {
			n := uint32(cfg.FailuresToOpen)
			cb := gobreaker.NewCircuitBreaker[struct{}](gobreaker.Settings{Name: "bare", MaxRequests: uint32(cfg.HalfOpenProbes),
				Timeout: cfg.OpenTimeout, ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= n }})
			return func(ctx context.Context, fn func(context.Context) error) error {
				_, err := cb.Execute(func() (struct{}, error) { return struct{}{}, fn(ctx) })
				return err
			}, func() bool { return cb.State() == gobreaker.StateOpen }
		}, nil},
		{"resiliency", func(cfg breaker.Config) (func(context.Context, func(context.Context) error) error, func() bool) {
			cb := resiliency.New(cfg.FailuresToOpen, 1, cfg.OpenTimeout)
			return func(ctx context.Context, fn func(context.Context) error) error {
				return cb.Run(func() error { return fn(ctx) })
			}, func() bool { return cb.GetState() == resiliency.Open }
		}, nil},
		{"failsafe", func(cfg breaker.Config) (func(context.Context, func(context.Context) error) error, func() bool) {
			cb := circuitbreaker.NewBuilder[any]().WithFailureThreshold(uint(cfg.FailuresToOpen)).WithDelay(cfg.OpenTimeout).
				WithSuccessThresholdRatio(1, uint(cfg.HalfOpenProbes)).Build()
			return func(ctx context.Context, fn func(context.Context) error) error {
				if !cb.TryAcquirePermit() {
					return circuitbreaker.ErrOpen
				}
				err := fn(ctx)
				if err != nil {
					cb.RecordError(err)
				} else {
					cb.RecordSuccess()
				}
				return err
			}, cb.IsOpen
		}, nil},
		{"hystrix", func(cfg breaker.Config) (func(context.Context, func(context.Context) error) error, func() bool) {
			name := "concbench-bare-" + strconv.FormatUint(rand.Uint64(), 36)
			hystrix.ConfigureCommand(name, hystrix.CommandConfig{Timeout: int(cfg.CallTimeout / time.Millisecond), MaxConcurrentRequests: 1024,
				RequestVolumeThreshold: cfg.FailuresToOpen, SleepWindow: int(cfg.OpenTimeout / time.Millisecond)})
			c, _, _ := hystrix.GetCircuit(name)
			return func(ctx context.Context, fn func(context.Context) error) error {
				return hystrix.Do(name, func() error { return fn(ctx) }, nil)
			}, c.IsOpen
		}, hystrix.ErrMaxConcurrency},
		{"rubyist", func(cfg breaker.Config) (func(context.Context, func(context.Context) error) error, func() bool) {
			cb := circuit.NewBreakerWithOptions(&circuit.Options{BackOff: backoff.NewConstantBackOff(cfg.OpenTimeout),
				ShouldTrip: circuit.ConsecutiveTripFunc(int64(cfg.FailuresToOpen))})
			return func(ctx context.Context, fn func(context.Context) error) error {
				if !cb.Ready() {
					return circuit.ErrBreakerOpen
				}
				err := fn(ctx)
				if err != nil {
					cb.Fail()
				} else {
					cb.Success()
				}
				return err
			}, cb.Tripped
		}, nil},
		{"mercari", func(cfg breaker.Config) (func(context.Context, func(context.Context) error) error, func() bool) {
			cb := mercari.New(mercari.WithTripFunc(mercari.NewTripFuncConsecutiveFailures(int64(cfg.FailuresToOpen))),
				mercari.WithOpenTimeout(cfg.OpenTimeout), mercari.WithHalfOpenMaxSuccesses(1),
				mercari.WithFailOnContextDeadline(true), mercari.WithCounterResetInterval(-1))
			return func(ctx context.Context, fn func(context.Context) error) error {
				if !cb.Ready() {
					return mercari.ErrOpen
				}
				return cb.Done(ctx, fn(ctx))
			}, func() bool { return cb.State() == mercari.StateOpen }
		}, nil},
	}
}

// barePipeline is a library running the benchmark's pipeline by itself.
type barePipeline struct {
	name string
	run  func(src []int, stages, workers int) []int
}

func barePipelines() []barePipeline {
	return []barePipeline{
		{"conc", func(src []int, stages, workers int) []int {
			streams := make([]*stream.Stream, stages)
			for i := range streams {
				streams[i] = stream.New().WithMaxGoroutines(workers)
			}
			results := make([]int, 0, len(src))
			var submit func(i, v int)
			submit = func(i, v int) {
				if i == stages {
					results = append(results, v)
					return
				}
				streams[i].Go(func() stream.Callback {
					r := v + 1
					return func() { submit(i+1, r) }
				})
			}
			for _, v := range src {
				submit(0, v)
			}
			for _, s := range streams {
				s.Wait()
			}
			return results
		}},
		{"rill", func(src []int, stages, workers int) []int {
			items := rill.FromSlice(src, nil)
			for range stages {
				items = rill.Map(items, workers, func(v int) (int, error) { return v + 1, nil })
			}
			results, _ := rill.ToSlice(items)
			return results
		}},
	}
}

func findBreaker(name string) (breaker.Impl, bool) {
	for _, impl := range breaker.Impls() {
		if impl.Name == name {
			return impl, true
		}
	}
	return breaker.Impl{}, false
}

func findPipeline(name string) (pipeline.Impl[int], bool) {
	for _, impl := range pipeline.Impls[int]() {
		if impl.Name == name {
			return impl, true
		}
	}
	return pipeline.Impl[int]{}, false
}
