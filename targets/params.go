package targets

import "time"

// Ranges of pattern parameters. Their Check refuses a value out of range
// before a target is built; `runbench list` shows each range.
const (
	// maxWorkers bounds the goroutines of a pool or a fan-out: 16 per P at
	// MaxGOMAXPROCS; beyond it a trial measures goroutine scheduling, not
	// the design, and setting up takes longer than the window.
	maxWorkers = 4096
	// maxQueue bounds a pool's queue (the workerpool parameter queue): as
	// many waiting tasks as maxWorkers running ones; each holds a slot of
	// the pool's queue, allocated when the pool is built.
	maxQueue = 4096
	// maxStages and maxStageWorkers bound a pipeline, which starts stages ×
	// workers goroutines: at most 64 Ki, about 128 MiB of stacks.
	maxStages       = 64
	maxStageWorkers = 1024
	// maxItems bounds the items of one Run or Map: each call allocates
	// them (8 bytes each) and runs the work on every one.
	maxItems = 1_000_000
	// maxBreakerCount bounds a breaker's failures and probes: the atomic
	// breaker packs each count in 20 bits (at most 1,048,575).
	maxBreakerCount = 1_000_000
	// maxParamDuration bounds duration parameters (open, calltimeout,
	// deadline): longer than an hour outlasts any sensible window.
	maxParamDuration = time.Hour
)
