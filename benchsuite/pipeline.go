package benchsuite

import (
	"context"
	"testing"

	"github.com/concbench/concbench/impl/pipeline"
	"github.com/concbench/concbench/internal/benchname"
	"github.com/concbench/concbench/internal/work"
)

// pipelineItems is the number of items per Run: enough that the start and
// teardown of a Run (goroutines, channels, contexts) are a small share of
// ns/item, few enough that one Run at work=cpu1us stays in milliseconds.
const pipelineItems = 1024

// pipelineStages is the number of stages of every pipeline benchmarked: the
// per-stage targets compare ns/item at the same stage count.
const pipelineStages = 3

// Pipeline runs BenchmarkPipeline's sub-benchmarks for impls, named
// impl=<name>/stages=3/workers=<n>/work=<kind>/ordered=<bool>: 1024 ints
// through 3 stages, each adding 1 after burning work's CPU (none, or cpu1us:
// about a microsecond, calibrated on this machine), at 1 and 4 workers per
// stage, unordered, and ordered for every implementation that does not
// declare Unordered. ns/op is one Run; the ns/item metric is ns/op divided
// by 1024.
//
// Demonstrations (Demo set) are left out: they are broken on purpose.
//
// impl=rawchan is the floor, run whatever impls holds: the same stages as
// plain channels buffered like pipeline.DefaultBuffer with one goroutine
// each, no ctx and no errors (workers=1, ordered=false).
func Pipeline(b *testing.B, impls ...pipeline.Impl[int]) {
	benches, err := PipelineBenches(impls...)
	runBenches(b, benches, err)
}

// pipelineWork is the work of every stage: rounds of work.Spin per item,
// got when a benchmark runs (cpu1us calibrates once, on first use).
type pipelineWork struct {
	name   string
	rounds func() int
}

// PipelineBenches returns the leaves [Pipeline] runs, in its order, or an
// error if an implementation's name cannot name a benchmark.
func PipelineBenches(impls ...pipeline.Impl[int]) ([]Bench, error) {
	if err := checkNames("rawchan", implNames(impls, func(i pipeline.Impl[int]) string { return i.Name })); err != nil {
		return nil, err
	}
	works := []pipelineWork{{"none", func() int { return 0 }}, {"cpu1us", work.RoundsPerMicrosecond}}
	src := make([]int, pipelineItems)
	for i := range src {
		src[i] = i
	}
	var benches []Bench
	for _, impl := range impls {
		if impl.Demo != "" {
			continue // broken on purpose (it may hang or ignore ctx): never ranked
		}
		for _, ordered := range []bool{false, true} {
			if ordered && impl.Unordered {
				continue // declared: Run would return ErrUnordered
			}
			for _, workers := range []int{1, 4} {
				for _, w := range works {
					name := benchname.Join(benchname.P("impl", impl.Name), benchname.P("stages", pipelineStages),
						benchname.P("workers", workers), benchname.P("work", w.name), benchname.P("ordered", ordered))
					benches = append(benches, Bench{name, alone(impl.Name, func(b *testing.B) { benchPipeline(b, impl, src, workers, w, ordered) })})
				}
			}
		}
	}
	for _, w := range works {
		name := benchname.Join(benchname.P("impl", "rawchan"), benchname.P("stages", pipelineStages),
			benchname.P("workers", 1), benchname.P("work", w.name), benchname.P("ordered", false))
		benches = append(benches, Bench{name, func(b *testing.B) {
			rounds := w.rounds()
			b.ReportAllocs()
			for b.Loop() {
				rawchan(src, pipelineStages, rounds)
			}
			reportPerItem(b)
		}})
	}
	return benches, nil
}

// benchPipeline measures one Run of impl over src per iteration, through
// pipelineStages stages of w's work with workers each.
func benchPipeline(b *testing.B, impl pipeline.Impl[int], src []int, workers int, w pipelineWork, ordered bool) {
	if impl.Run == nil {
		b.Fatalf("pipeline.Impl %q: Run is nil", impl.Name)
	}
	rounds := w.rounds()
	stages := make([]pipeline.Stage[int], pipelineStages)
	for i := range stages {
		stages[i] = pipeline.Stage[int]{Name: "spin", Workers: workers,
			Fn: func(_ context.Context, v int) (int, error) { return spinAdd(v, rounds), nil }}
	}
	opts := pipeline.Options{Ordered: ordered}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := impl.Run(context.Background(), src, stages, opts); err != nil {
			b.Fatalf("Run: %v", err)
		}
	}
	reportPerItem(b)
}

func spinAdd(v, rounds int) int {
	if rounds > 0 {
		work.Spin(rounds)
	}
	return v + 1
}

// rawchan is the floor: stages goroutines joined by channels buffered like
// pipeline.DefaultBuffer, each ranging over its input; the caller feeds and
// collects. No ctx, no errors, no parallelism within a stage.
func rawchan(src []int, stages, rounds int) []int {
	first := make(chan int, pipeline.DefaultBuffer)
	in := first
	for range stages {
		out := make(chan int, pipeline.DefaultBuffer)
		go func(in <-chan int) {
			defer close(out)
			for v := range in {
				out <- spinAdd(v, rounds)
			}
		}(in)
		in = out
	}
	go func() {
		defer close(first)
		for _, v := range src {
			first <- v
		}
	}()
	results := make([]int, 0, len(src))
	for v := range in {
		results = append(results, v)
	}
	return results
}

func reportPerItem(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*pipelineItems), "ns/item")
}
