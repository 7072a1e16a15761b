package runbench

import (
	"errors"
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/benchsuite"
	"github.com/concbench/concbench/impl/breaker"
	"github.com/concbench/concbench/impl/fanout"
	"github.com/concbench/concbench/impl/pipeline"
	"github.com/concbench/concbench/impl/workerpool"
	"github.com/concbench/concbench/internal/gobench"
)

// benchPkg is the pkg: line of bench's results: the package whose go test
// benchmarks they are, so that a file lines up under benchstat with go
// test's over bench/ (results/reference/bench).
const benchPkg = "github.com/concbench/concbench/bench"

// benchSuite is one benchmark function of bench/ that bench runs: its name
// there and its leaves over the built-in implementations and a Config's.
type benchSuite struct {
	name   string
	leaves func(Config) ([]benchsuite.Bench, error)
}

// benchSuites are bench/'s benchmark functions, in bench/'s order (that of
// bench_test.go), each with the implementations its family's registry
// holds: the built-in ones, then the Config's, as targets.Extend orders
// them. Fan-outs run at [int, int], the instantiation the registry holds.
// BenchmarkAdapter is not here: it measures concbench's own adapters
// against their libraries and runs under go test only.
var benchSuites = []benchSuite{
	{"BenchmarkBreaker", func(x Config) ([]benchsuite.Bench, error) {
		return benchsuite.BreakerBenches(append(breaker.Impls(), x.Breakers...)...)
	}},
	{"BenchmarkFanout", func(x Config) ([]benchsuite.Bench, error) {
		return benchsuite.FanOutBenches(append(fanout.Impls[int, int](), x.FanOuts...)...)
	}},
	{"BenchmarkPipeline", func(x Config) ([]benchsuite.Bench, error) {
		return benchsuite.PipelineBenches(append(pipeline.Impls[int](), x.Pipelines...)...)
	}},
	{"BenchmarkWorkerPool", func(x Config) ([]benchsuite.Bench, error) {
		return benchsuite.WorkerPoolBenches(append(workerpool.Impls(), x.WorkerPools...)...)
	}},
	{"BenchmarkWorkerPoolCapacity", func(x Config) ([]benchsuite.Bench, error) {
		return benchsuite.WorkerPoolCapacityBenches(append(workerpool.Impls(), x.WorkerPools...)...)
	}},
	{"BenchmarkClock", func(Config) ([]benchsuite.Bench, error) { return benchsuite.ClockBenches(), nil }},
}

// benchLeaf is one leaf benchmark under its full name, as go test names
// it without the -N suffix: BenchmarkWorkerPool/impl=channels/workers=1/work=none.
type benchLeaf struct {
	name string
	f    func(*testing.B)
}

// selectLeaves returns the leaves of every suite that pattern selects, in
// the order go test runs them. An implementation whose name cannot name a
// benchmark is bad input.
func selectLeaves(cfg Config, pattern *gobench.Pattern) ([]benchLeaf, error) {
	var leaves []benchLeaf
	for _, s := range benchSuites {
		benches, err := s.leaves(cfg)
		if err != nil {
			return nil, usageError{fmt.Errorf("runbench.Config: %w", err)}
		}
		for _, x := range benches {
			if name := s.name + "/" + x.Name; pattern.Match(name) {
				leaves = append(leaves, benchLeaf{name, x.F})
			}
		}
	}
	return leaves, nil
}

// noBenchMatched is the error of a -bench pattern that selects nothing.
func noBenchMatched(pattern *gobench.Pattern) error {
	names := make([]string, len(benchSuites))
	for i, s := range benchSuites {
		names[i] = s.name
	}
	return usageError{fmt.Errorf("bench: -bench %q matches no benchmark. The suites are %s; a benchmark's name is "+
		"its suite's, then key=value parts, each matched by its own part of the pattern: "+
		"BenchmarkWorkerPool/impl=channels/workers=1/work=none ('runbench list' names the implementations). "+
		"BenchmarkAdapter runs under go test only",
		pattern, strings.Join(names, ", "))}
}

// benchRun is what to run and how often: the flags that bench passes on
// to its child process, which parses them again.
type benchRun struct {
	count     int
	cpus      []int // GOMAXPROCS values; nil: as it is
	pattern   *gobench.Pattern
	benchtime string // "": go test's default, 1s
}

// maxBenchCount bounds -count: 1000 runs of every benchmark is already
// days of work; more is a typo.
const maxBenchCount = 1000

// benchRunFlags defines the flags of a benchRun on fs and returns the
// function that checks them once fs is parsed. A bad value is bad usage,
// refused before anything runs.
func benchRunFlags(fs *flag.FlagSet) func() (benchRun, error) {
	count := fs.Int("count", 6, "runs of each benchmark, 1 to 1000 (benchstat wants >= 6 for a confidence interval)")
	cpu := fs.String("cpu", "", "GOMAXPROCS `LIST` to run each benchmark at, e.g. 1,2,4, each value once; a result's name ends in -N at N > 1 (default: GOMAXPROCS as it is)")
	pattern := fs.String("bench", ".", "benchmarks to run, a go test -bench `REGEXP` matched against the full name, each '/'-separated part on its own: e.g. WorkerPool or 'Breaker/.*/path=closed'")
	benchtime := fs.String("benchtime", "", "`TIME` of each run, as go test -benchtime: a duration such as 200ms, or N iterations as Nx (default 1s)")
	return func() (benchRun, error) {
		if *count < 1 || *count > maxBenchCount {
			return benchRun{}, usageError{fmt.Errorf("bench: -count %d: want 1 to %d", *count, maxBenchCount)}
		}
		p, err := gobench.ParsePattern(*pattern)
		if err != nil {
			return benchRun{}, usageError{fmt.Errorf("bench: -bench %q: %w", *pattern, err)}
		}
		cpus, err := parseCPUList(*cpu)
		if err != nil {
			return benchRun{}, usageError{fmt.Errorf("bench: -cpu %q: %w", *cpu, err)}
		}
		if *benchtime != "" {
			if err := checkBenchtime(*benchtime); err != nil {
				return benchRun{}, usageError{fmt.Errorf("bench: -benchtime %q: %w", *benchtime, err)}
			}
		}
		return benchRun{*count, cpus, p, *benchtime}, nil
	}
}

// args returns the flags that give r again.
func (r benchRun) args() []string {
	args := []string{"-count", strconv.Itoa(r.count), "-bench", r.pattern.String()}
	if r.cpus != nil {
		cpus := make([]string, len(r.cpus))
		for i, c := range r.cpus {
			cpus[i] = strconv.Itoa(c)
		}
		args = append(args, "-cpu", strings.Join(cpus, ","))
	}
	if r.benchtime != "" {
		args = append(args, "-benchtime", r.benchtime)
	}
	return args
}

// parseCPUList parses -cpu: GOMAXPROCS values from 1 to 1024, each once,
// since the value names the results (the -N suffix): a repeat would pool
// two samples under one name.
func parseCPUList(list string) ([]int, error) {
	if list == "" {
		return nil, nil
	}
	var cpus []int
	for c := range strings.SplitSeq(list, ",") {
		n, err := strconv.Atoi(c)
		if err != nil || n < 1 || n > 1024 {
			return nil, errors.New("want a comma-separated list of GOMAXPROCS values from 1 to 1024")
		}
		if slices.Contains(cpus, n) {
			return nil, fmt.Errorf("%d twice: its results would pool under one name (for more runs, use -count)", n)
		}
		cpus = append(cpus, n)
	}
	return cpus, nil
}

func checkBenchtime(v string) error {
	if n, ok := strings.CutSuffix(v, "x"); ok {
		if i, err := strconv.Atoi(n); err != nil || i < 1 {
			return errors.New("want N iterations as Nx with N >= 1, or a duration such as 200ms")
		}
		return nil
	}
	if d, err := time.ParseDuration(v); err != nil || d <= 0 || d > 24*time.Hour {
		return errors.New("want a duration from 1ns to 24h such as 200ms, or N iterations as Nx")
	}
	return nil
}
