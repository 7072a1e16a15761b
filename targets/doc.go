// Package targets holds the registry of what a scenario can load, and the
// pattern adapters that turn each implementation into a load target: a
// [Registry] of [Pattern]s ([Builtin], or [Extend] with a user's [Extras]:
// implementations of the impl/* contracts, and [Func]s, plain functions
// that make the pattern func), each declaring its implementations, its
// parameters with their ranges, and how to build one trial's [Target].
//
// In the layers it sits above record, impl/*, units, loadgen and
// internal/*, which it may import; it must not import conformance or
// benchsuite (beside it), nor scenarios, trial, harness, compare, report
// or runbench (above it).
//
// Each pattern's parameters are crossed by a scenario file (package
// scenarios), whose checks use the registry to refuse an implementation,
// parameter or value the pattern lacks; a parameter's Check refuses a
// value out of range before a target is built.
//
// # The harness pattern and the floor
//
// The harness pattern's noop target ([Noop]) measures the driver's own
// cost per operation; every report states it. The harness floor
// ([FloorImpl], a name no pattern may give an implementation) runs the
// floor's target ([Floor]: a pipe echo to another goroutine, which needs
// the netpoller and a timer as real code does) under an open-loop
// scenario's own schedule, named like its trials, so that a report shows
// beside each rate what of the latency is the generator's, and whether the
// generator slowed a target that uses the runtime.
package targets
