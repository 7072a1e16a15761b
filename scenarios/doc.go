// Package scenarios is concbench's load driver: it reads scenario files,
// plans their trials, runs each trial (in a child process, normally) and
// writes the results that package report reads.
//
// # Scenario files
//
// YAML, decoded strictly: an unknown key, a wrong type or an out-of-range
// value is an [*InputError] naming the file, the line and the field
// ("bad.yaml:6: load.duraton: unknown field"). The schema is [Spec]; the
// embedded quick suite ([Quick]) lives in quick/, larger studies in more/.
// Each pattern ([Patterns]) declares its implementations and parameters;
// params in a file are crossed, and so are lists of load.rate (the knee) and
// of gomaxprocs.
//
// # Trials
//
// [Plan] lists the trials of a set of scenarios, repetitions interleaved
// across implementations (A B C A B C …) so that drift in the machine hits
// all alike; [Shard] splits that list across machines by whole cells (one
// scenario at one parameter point, rate and GOMAXPROCS, with all its
// implementations and repetitions), so that no comparison spans two
// machines. [Run] runs a plan with
// an [Executor] — [Isolated] (a child process per trial, with a watchdog that
// collects every goroutine's stack with SIGQUIT before it kills a hung
// trial) or [InProcess] — and rewrites results.txt and results.jsonl
// atomically after every trial.
//
// # Measurement
//
// [RunTrial] runs one trial: a warm-up, then the measurement window.
//
//   - Open loop: every client owns an equal share of the rate and its own
//     schedule of intended start times (constant or Poisson). Latency is
//     completion minus intended start, so an implementation that stalls pays
//     for every operation it delayed (no coordinated omission); service time
//     (completion minus actual start) and lateness (actual minus intended
//     start) are recorded beside it. A client that falls so far behind that
//     it reaches the hard stop, twice the window, counts each operation it
//     never started as unstarted and records its latency up to the stop.
//   - Closed loop: each client waits for its operation to complete (for a
//     pool, for its task to finish) before issuing the next.
//   - Latencies go into HDR histograms, one per client (or per completion
//     shard, for pool tasks that complete on the pool's goroutines), merged
//     at the end. Only operations intended inside the window are measured;
//     throughput counts every completion inside the window.
//   - A sampler reads runtime/metrics (goroutines, goroutine stacks, heap,
//     GC pauses, scheduler latency, mutex wait) and the recorders on the
//     trial's clock.
//   - After Close, goroutines must return to the pre-trial baseline within
//     a second, or the trial is reported leaked.
//
// The harness pattern's noop target measures the driver's own cost per
// operation; every report states it.
package scenarios
