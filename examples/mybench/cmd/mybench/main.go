// Command mybench is runbench with example.com/mybench's pool and function
// registered beside the built-in implementations: every subcommand, and
// trials that run this binary.
package main

import (
	"github.com/concbench/concbench/impl/workerpool"
	"github.com/concbench/concbench/runbench"

	"example.com/mybench"
)

func main() {
	runbench.Main(runbench.Config{
		WorkerPools: []workerpool.Impl{mybench.Impl()},
		Funcs: []runbench.Func{{
			Name: "checksum", Doc: "CRC-32 of a 4 KiB page (example.com/mybench)", Call: mybench.Checksum,
		}},
	})
}
