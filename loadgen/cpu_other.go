//go:build !unix

package loadgen

import (
	"runtime/metrics"
	"time"
)

// processCPU is the runtime's estimate of the process's CPU time so far
// (/cpu/classes/total:cpu-seconds), where the OS offers no getrusage.
func processCPU() time.Duration {
	s := []metrics.Sample{{Name: "/cpu/classes/total:cpu-seconds"}}
	metrics.Read(s)
	return time.Duration(s[0].Value.Float64() * 1e9)
}
