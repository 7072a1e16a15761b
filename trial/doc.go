// Package trial holds one trial: its [Spec] (one implementation of a
// scenario's pattern at one point of the scenario: parameters, rate,
// sleeper, GOMAXPROCS, repetition), [Run], which runs it under the
// scenario's load, measured by package loadgen, and returns its record
// (package record), the workload of each operation, and both ends of the
// child protocol that isolates each trial in a process of its own:
// [Isolated] starts the child and keeps its watchdog, [Serve] is the
// child's side (and [InProcess] runs a trial without a child).
//
// In the layers it sits above scenarios, targets, loadgen, units, record
// and internal/*, which it may import, and below harness, compare, report
// and runbench, which it must not import.
//
// A trial's identity travels as fields: [Spec] names it with record.Parts,
// from which the record's benchmark name is built, never parsed back.
//
// # Measurement
//
// [Run] runs one trial: it builds the target from its pattern, takes the
// goroutine baseline, runs the load through package loadgen (open or
// closed loop, latency from the intended start, HDR histograms, a
// runtime/metrics sampler; see its package doc), then closes the target.
//
//   - After Close, goroutines must return to the pre-trial baseline within
//     scenarios.LeakGrace (a second), or the trial is reported leaked.
//
// A trial of the harness floor (implementation targets.FloorImpl, which
// package harness plans for open-loop scenarios) runs the no-op target
// under the scenario's own schedule, without its work or faults; its
// record is marked Floor, so that a report shows beside each rate what of
// the latency is the generator's.
package trial
