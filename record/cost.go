package record

// Cost is what a trial's measurement window cost its process, from the
// runtime's own accounting (runtime/metrics) and the OS's (getrusage):
// the differences between the window's opening and its close.
type Cost struct {
	SpanNs int64 `json:"span_ns"` // from the snapshot at the window's opening to the one at its close
	// Ops are the completions between the two snapshots: what the costs
	// are per operation of (exact to an operation in flight at each end).
	Ops int64 `json:"ops"`
	// CPUNs is the whole process's user and system CPU time: the target's,
	// the generator's, the runtime's.
	CPUNs        int64  `json:"cpu_ns"`
	AllocBytes   uint64 `json:"alloc_bytes"`   // heap bytes allocated
	AllocObjects uint64 `json:"alloc_objects"` // heap objects allocated
	GCCycles     uint64 `json:"gc_cycles"`     // GC cycles completed
	// GCPauseP99Ns is the p99 of the stop-the-world GC pauses, and the
	// Sched quantiles those of the time goroutines waited runnable before
	// they ran (/sched/latencies:seconds), each the upper edge of its
	// runtime/metrics bucket; 0 where none was recorded.
	GCPauseP99Ns float64 `json:"gc_pause_p99_ns"`
	SchedP50Ns   float64 `json:"sched_p50_ns"`
	SchedP99Ns   float64 `json:"sched_p99_ns"`
	// MutexWaitNs is the time goroutines spent blocked on a sync.Mutex or
	// RWMutex (/sync/mutex/wait/total:seconds).
	MutexWaitNs float64 `json:"mutex_wait_ns"`
}
