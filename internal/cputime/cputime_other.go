//go:build !unix

package cputime

import (
	"runtime/metrics"
	"time"
)

// Process is the runtime's estimate of the process's CPU time so far
// (/cpu/classes/total:cpu-seconds), where the OS offers no getrusage.
func Process() time.Duration {
	s := []metrics.Sample{{Name: "/cpu/classes/total:cpu-seconds"}}
	metrics.Read(s)
	return time.Duration(s[0].Value.Float64() * 1e9)
}
