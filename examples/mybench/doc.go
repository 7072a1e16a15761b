// Package mybench is a user's module in miniature: a worker pool of its
// own (tokens), three adapters of libraries concbench does not include (a
// breaker over github.com/sony/gobreaker v1, a fan-out and a pipeline over
// github.com/alitto/pond v1) and a plain function (Checksum). Each is
// checked by concbench's conformance suite, measured by its benchmarks
// beside the built-in implementations, and load-tested by its scenario
// driver through a runbench of its own (cmd/mybench).
//
// Everything here uses concbench's exported API only: the registry types
// (workerpool.Impl, breaker.Impl, fanout.Impl, pipeline.Impl) and the
// helpers the built-in adapters use (workerpool.CloseGuard and Panics,
// breaker.ErrRejected, fanout.CheckArgs and NewFirstError,
// pipeline.CheckArgs and StageError).
package mybench
