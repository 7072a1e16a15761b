package benchsuite_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/benchsuite"
	"github.com/concbench/concbench/impl/breaker"
	"github.com/concbench/concbench/impl/fanout"
	"github.com/concbench/concbench/impl/pipeline"
	"github.com/concbench/concbench/impl/workerpool"
)

// leafEnd is how a leaf ended under testing.Benchmark, as runbench bench
// runs it.
type leafEnd string

const (
	ran     leafEnd = "ran"
	failed  leafEnd = "failed"
	skipped leafEnd = "skipped"
)

// runLeaves runs once each leaf of benches whose name holds every part of
// match, and returns how each ended, by name.
func runLeaves(t *testing.T, benches []benchsuite.Bench, err error, match ...string) map[string]leafEnd {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer oncePerBenchmark()()
	ends := map[string]leafEnd{}
	for _, x := range benches {
		if slices.ContainsFunc(match, func(m string) bool { return !strings.Contains(x.Name, m) }) {
			continue
		}
		var f, s bool
		testing.Benchmark(func(b *testing.B) {
			defer func() { f, s = b.Failed(), b.Skipped() }() // also after FailNow, SkipNow
			x.F(b)
		})
		switch {
		case f:
			ends[x.Name] = failed
		case s:
			ends[x.Name] = skipped
		default:
			ends[x.Name] = ran
		}
	}
	return ends
}

// wantEnds compares ends with want, by leaf name.
func wantEnds(t *testing.T, ends, want map[string]leafEnd) {
	t.Helper()
	for name, w := range want {
		if ends[name] != w {
			t.Errorf("%s: %q, want %s", name, ends[name], w)
		}
	}
}

// registryBreaker returns the built-in breaker entry name.
func registryBreaker(name string) breaker.Impl {
	impls := breaker.Impls()
	return impls[slices.IndexFunc(impls, func(i breaker.Impl) bool { return i.Name == name })]
}

// fixedBreaker is mutex with 8 failures to open and an open timeout of
// timeout whatever its Config says, as a library that cannot be configured
// is; declared says whether its entry declares them.
func fixedBreaker(name string, timeout time.Duration, declared bool) breaker.Impl {
	impl := registryBreaker("mutex")
	impl.Name = name
	inner := impl.New
	impl.New = func(cfg breaker.Config) breaker.Breaker {
		cfg.FailuresToOpen, cfg.OpenTimeout = 8, timeout
		return inner(cfg)
	}
	if declared {
		impl.Deviations.FixedConfig = &breaker.Config{FailuresToOpen: 8, OpenTimeout: timeout}
	}
	return impl
}

type panicking struct{ breaker.Breaker }

func (panicking) Execute(context.Context, func(context.Context) error) error {
	panic("Execute panicked")
}

// TestLeavesFailAlone: an implementation whose New is nil, returns nil, or
// whose Execute panics, and a breaker whose own threshold is undeclared,
// fail their own leaves; every other leaf runs.
func TestLeavesFailAlone(t *testing.T) {
	mutex := registryBreaker("mutex")
	nilNew := breaker.Impl{Name: "nilnew", Doc: "no New"}
	nilBreaker := breaker.Impl{Name: "nilbreaker", Doc: "New returns nil", New: func(breaker.Config) breaker.Breaker { return nil }}
	panics := breaker.Impl{Name: "panics", Doc: "Execute panics",
		New: func(cfg breaker.Config) breaker.Breaker { return panicking{mutex.New(cfg)} }}
	benches, err := benchsuite.BreakerBenches(nilNew, mutex, nilBreaker, panics, fixedBreaker("undeclared", time.Hour, false))
	wantEnds(t, runLeaves(t, benches, err), map[string]leafEnd{
		"impl=nilnew/path=closed": failed, "impl=nilnew/path=open": failed,
		"impl=mutex/path=closed": ran, "impl=mutex/path=open": ran,
		"impl=nilbreaker/path=closed": failed, "impl=nilbreaker/path=open": failed,
		"impl=panics/path=closed":     failed,
		"impl=undeclared/path=closed": ran, "impl=undeclared/path=open": failed,
		"impl=none/path=closed": ran,
	})

	pools, err := benchsuite.WorkerPoolBenches(workerpool.Impl{Name: "nilnew", Doc: "no New"}, workerpool.Impls()[0],
		workerpool.Impl{Name: "nilpool", Doc: "New returns nil", New: func(int) workerpool.Pool { return nil }})
	wantEnds(t, runLeaves(t, pools, err, "workers=1/", "work=none"), map[string]leafEnd{
		"impl=nilnew/workers=1/work=none": failed, "impl=channels/workers=1/work=none": ran,
		"impl=nilpool/workers=1/work=none": failed, "impl=rawchan/workers=1/work=none": ran,
	})

	fans, err := benchsuite.FanOutBenches(fanout.Impl[int, int]{Name: "nilmap", Doc: "no Map"}, fanout.Impls[int, int]()[0])
	wantEnds(t, runLeaves(t, fans, err, "workers=1/", "work=none"), map[string]leafEnd{
		"impl=nilmap/workers=1/work=none": failed, "impl=channels/workers=1/work=none": ran, "impl=serial/workers=1/work=none": ran,
	})

	pipes, err := benchsuite.PipelineBenches(pipeline.Impl[int]{Name: "nilrun", Doc: "no Run"}, pipeline.Impls[int]()[0])
	wantEnds(t, runLeaves(t, pipes, err, "workers=1/", "work=none", "ordered=false"), map[string]leafEnd{
		"impl=nilrun/stages=3/workers=1/work=none/ordered=false":   failed,
		"impl=channels/stages=3/workers=1/work=none/ordered=false": ran,
	})
}

// TestBreakerFixedConfig: a breaker that declares its library's own
// threshold is opened with it; one whose own open timeout ends inside the
// run skips path=open, saying why, and fails nothing.
func TestBreakerFixedConfig(t *testing.T) {
	benches, err := benchsuite.BreakerBenches(fixedBreaker("fixed", time.Hour, true), fixedBreaker("brief", time.Nanosecond, true))
	wantEnds(t, runLeaves(t, benches, err), map[string]leafEnd{
		"impl=fixed/path=closed": ran, "impl=fixed/path=open": ran,
		"impl=brief/path=closed": ran, "impl=brief/path=open": skipped,
	})
}
