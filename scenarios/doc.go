// Package scenarios holds the scenario file format: its YAML schema
// ([Spec]), strict decoding ([Parse]), defaults, validation and limits,
// the embedded suites (quick/ and more/), and [Dims], the one cross product
// of a scenario's lists. Running a trial is package trial, planning and
// running many is package harness, the CLI is package runbench.
//
// In the layers it sits above targets (whose patterns a file names),
// loadgen, units, record and internal/*, which it may import, and below
// trial, harness, compare, report and runbench, which it must not import.
//
// # Scenario files
//
// YAML, decoded strictly: an unknown key, a wrong type or an out-of-range
// value is an [*InputError] naming the file, the line and the field
// ("bad.yaml:6: load.duraton: unknown field"), and [Parse] reports every
// bad field of a file at once. The schema is [Spec]; the embedded quick
// suite ([Quick]) lives in quick/, larger studies in more/. Each pattern of
// a [targets.Registry] ([targets.Builtin], or [targets.Extend] with a
// user's implementations and [targets.Func]s) declares its implementations
// and parameters; params in a file are crossed, and so are lists of
// load.rate (the knee), of load.sleeper (auto, precise, go-timer: how the
// open-loop generator waits; precise is refused where the OS has none) and
// of gomaxprocs.
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
// A trial process reads its trial spec (package trial) through
// [DecodeJSON] and [CheckPoint], which put the spec through the same checks.
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
//	repeat                     1 to 1000, or auto               more add nothing benchstat can use; auto: 4 to 6, each scenario stopping once its comparisons are decided
//	error_budget               0 to 1                           a fraction of a trial's operations that may fail
//	timeout                    the trial's need to 72h          need: warmup + duration (2 x for an open loop) + 3s; longer lets a hung trial hold a run for days
//	params.<name>              per parameter (runbench list)    refused before the target is built
//	open-loop memory           at most 4 GiB                    rate × (warmup + 2 × duration) × stack, of a design with a goroutine per operation
//	trials in one run          at most 100000                   repeat × impls × params × rates × gomaxprocs, summed; checked before planning
//	runbench run -count        0 to 1000                        0 keeps each scenario's repeat; N fixes N, auto or not
//	file size                  at most 1 MiB                    a scenario is a few hundred bytes; also a trial spec on stdin
//
// [Dims.Size] counts a scenario's trials without allocating them, for the
// planner to check a run's size before planning; [CheckUnique] refuses two
// scenarios of one name in a run.
package scenarios
