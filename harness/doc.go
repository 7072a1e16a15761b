// Package harness is the orchestrator of a run: it plans the trials of a
// set of scenarios ([PlanWith]: every point of each scenario's cross
// product, repetitions interleaved across implementations, the harness
// floor beside every open-loop point), refuses a plan too large before
// allocating it ([CheckPlanSize]), deals whole cells to the shards of a
// study ([Shard]), runs the trials one after another through a
// trial.Executor ([Run]: in a child process each, or in this one), and
// writes the results as it goes: results.txt in the Go benchmark format
// and its sidecar of trial records, each rewritten whole after every
// trial so that an interrupted run keeps what finished. [HostConfig]
// describes the machine in the results' configuration lines.
//
// It imports the trial, the scenario format, the registry, the record and
// the unit table; nothing imports it but runbench.
package harness
