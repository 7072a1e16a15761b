// Command runbench runs concbench: scenarios, benchmarks, reports and
// comparisons. Run `runbench -h` for the subcommands. A user's module
// builds its own, with its own implementations inside: see package
// runbench.
package main

import "github.com/concbench/concbench/runbench"

func main() { runbench.Main(runbench.Config{}) }
