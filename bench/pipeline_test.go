package bench

import (
	"context"
	"testing"

	"concbench/impl/pipeline"
	"concbench/internal/benchname"
	"concbench/internal/work"
)

// pipelineItems is the number of items per Run: enough that the start and
// teardown of a Run (goroutines, channels, contexts) are a small share of
// ns/item, few enough that one Run at work=cpu1us stays in milliseconds.
const pipelineItems = 1024

// pipelineStages is the number of stages of every pipeline benchmarked: the
// per-stage targets compare ns/item at the same stage count.
const pipelineStages = 3

// BenchmarkPipeline runs pipelineItems ints through pipelineStages stages,
// each adding 1 after burning work's CPU, for every implementation ×
// workers per stage × work, unordered, and ordered for every implementation
// that honours Options.Ordered; plus impl=rawchan, the floor: the same
// stages as plain buffered channels with one goroutine each, no ctx and no
// errors. ns/item is ns/op divided by pipelineItems.
func BenchmarkPipeline(b *testing.B) {
	works := []struct {
		name   string
		rounds int // of work.Spin per item per stage
	}{
		{"none", 0},
		{"cpu1us", work.RoundsPerMicrosecond()},
	}
	src := make([]int, pipelineItems)
	for i := range src {
		src[i] = i
	}
	for _, impl := range pipeline.Impls[int]() {
		for _, ordered := range []bool{false, true} {
			if ordered && impl.Unordered {
				continue // declared: Run would return ErrUnordered
			}
			for _, workers := range []int{1, 4} {
				for _, w := range works {
					name := benchname.Join(benchname.P("impl", impl.Name), benchname.P("stages", pipelineStages),
						benchname.P("workers", workers), benchname.P("work", w.name), benchname.P("ordered", ordered))
					stages := make([]pipeline.Stage[int], pipelineStages)
					for i := range stages {
						stages[i] = pipeline.Stage[int]{Name: "spin", Workers: workers,
							Fn: func(_ context.Context, v int) (int, error) { return spinAdd(v, w.rounds), nil }}
					}
					opts := pipeline.Options{Ordered: ordered}
					b.Run(name, func(b *testing.B) {
						b.ReportAllocs()
						for b.Loop() {
							if _, err := impl.Run(context.Background(), src, stages, opts); err != nil {
								b.Fatalf("Run: %v", err)
							}
						}
						reportPerItem(b)
					})
				}
			}
		}
	}
	for _, w := range works {
		name := benchname.Join(benchname.P("impl", "rawchan"), benchname.P("stages", pipelineStages),
			benchname.P("workers", 1), benchname.P("work", w.name), benchname.P("ordered", false))
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rawchan(src, pipelineStages, w.rounds)
			}
			reportPerItem(b)
		})
	}
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
