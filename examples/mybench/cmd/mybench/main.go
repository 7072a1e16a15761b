// Command mybench is runbench with example.com/mybench's implementations
// registered beside the built-in ones: its tokens pool, its adapters of
// gobreaker v1 (a breaker) and pond v1 (a fan-out and a pipeline), and its
// checksum function. Every subcommand works with them: list, run (trials
// that run this binary), bench (benchsuite's benchmarks over the built-in
// implementations and these), report and compare.
package main

import (
	"github.com/concbench/concbench/impl/breaker"
	"github.com/concbench/concbench/impl/fanout"
	"github.com/concbench/concbench/impl/pipeline"
	"github.com/concbench/concbench/impl/workerpool"
	"github.com/concbench/concbench/runbench"

	"example.com/mybench"
)

func main() {
	runbench.Main(runbench.Config{
		WorkerPools: []workerpool.Impl{mybench.Impl()},
		Breakers:    []breaker.Impl{mybench.BreakerImpl()},
		FanOuts:     []fanout.Impl[int, int]{mybench.FanOutImpl()},
		Pipelines:   []pipeline.Impl[int]{mybench.PipelineImpl()},
		Funcs: []runbench.Func{{
			Name: "checksum", Doc: "CRC-32 of a 4 KiB page (example.com/mybench)", Call: mybench.Checksum,
		}},
	})
}
