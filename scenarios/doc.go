// Package scenarios holds what a scenario is: the strict spec of scenario
// files and its limits, the embedded suites, and the pattern adapters that
// turn an implementation into a load target; [RunTrial] runs one trial of
// one of them through package loadgen. Planning, child-process isolation
// and result writing are in internal/runner; the CLI is package runbench.
//
// # Scenario files
//
// YAML, decoded strictly: an unknown key, a wrong type or an out-of-range
// value is an [*InputError] naming the file, the line and the field
// ("bad.yaml:6: load.duraton: unknown field"), and [Parse] reports every
// bad field of a file at once. The schema is [Spec]; the embedded quick
// suite ([Quick]) lives in quick/, larger studies in more/. Each pattern of
// a [Registry] ([Builtin], or [Extend] with a user's implementations and
// [Func]s) declares its implementations and parameters; params in a
// file are crossed, and so are lists of load.rate (the knee), of
// load.sleeper (auto, precise, go-timer: how the open-loop generator waits;
// precise is refused where the OS has none) and of gomaxprocs.
//
// Defaults apply only to keys a file leaves out. A key it gives keeps its
// value, zero or empty included: "duration: 0s" is refused, not run for
// the default second. A key the harness would not use is an error too: a
// mean, dist or sigma for work kind none, a sigma for a dist other than
// lognormal, think on an open loop, rate, arrival, max_inflight or sleeper
// on a closed one, faults on a pattern that cannot fail, an empty list, a key
// with no value. An absent timeout is 30s, or the trial's need if more.
//
// A file is one YAML document of UTF-8 text, at most 1 MiB, indented with
// spaces, without aliases or merge keys; [Find] reads only regular files.
// A trial process reads its [TrialSpec] with [ReadTrialSpec], which puts
// the spec through the same checks.
//
// # Limits
//
// Every number has a range, checked before anything is built for it
// ([Limits]; the README quotes the same table):
//
//	FIELD                      RANGE                            WHY
//	load.rate                  above 0 and at most 1e+08 ops/s  beyond it no generator keeps its schedule
//	load.rate × load.duration  1 to 1e+08 operations            at least one operation in the window; more take longer to record than to run
//	load.clients               1 to 1024                        each client holds about 1 MiB of HDR histograms
//	load.max_inflight          0 to 1000000                     0 is no cap; a larger cap would not bind before memory does
//	load.duration              1ms to 24h                       below the timer's resolution; longer is a soak test, held in memory
//	load.warmup                0s to 1h                         steady state comes sooner; more only delays the window
//	load.think                 0s to 1h                         a longer pause issues almost nothing
//	work.mean                  1ns to 1h                        kinds cpu and sleep only; one task longer would outlast any window
//	work.sigma                 above 0 and at most 4            larger lognormal shapes overflow a time.Duration
//	work.stack                 0B to 8MiB                       a task's goroutine grows its stack to hold it; larger measures the copy, not the design
//	faults.error_rate          0 to 1                           a fraction of operations
//	faults.outage.at           0s to 24h                        inside the longest window
//	faults.outage.for          1ns to 24h                       inside the longest window
//	faults.outage.latency      0s to 1h                         a hung call no longer than the longest task
//	gomaxprocs                 1 to 256                         more Ps than any machine here has cores
//	repeat                     1 to 1000                        more repetitions add nothing benchstat can use
//	timeout                    the trial's need to 72h          need: warmup + duration (2 x for an open loop) + 3s; longer lets a hung trial hold a run for days
//	params.<name>              per parameter (runbench list)    refused before the target is built
//	trials in one run          at most 100000                   repeat × impls × params × rates × gomaxprocs, summed; checked before planning
//	runbench run -count        0 to 1000                        0 keeps each scenario's repeat
//	file size                  at most 1 MiB                    a scenario is a few hundred bytes; also a trial spec on stdin
//
// [CheckPlanSize] sizes a run's plan without allocating it, to be called
// before planning; [CheckUnique] refuses two scenarios of one name in a run.
//
// # Measurement
//
// [RunTrial] runs one trial: it builds the target from its pattern, takes
// the goroutine baseline, runs the load through package loadgen (open or
// closed loop, latency from the intended start, HDR histograms, a
// runtime/metrics sampler; see its package doc), then closes the target.
//
//   - After Close, goroutines must return to the pre-trial baseline within
//     a second, or the trial is reported leaked.
//
// The harness pattern's noop target measures the driver's own cost per
// operation; every report states it. The harness floor ([FloorImpl]) runs
// the same no-op target under an open-loop scenario's own schedule, named
// like its trials, so that a report shows beside each rate what of the
// latency is the generator's.
package scenarios
