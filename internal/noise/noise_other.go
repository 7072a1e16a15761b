//go:build !linux

package noise

import "runtime"

func take(s *Snapshot) {
	s.missing = []string{
		"steal and other processes' CPU", "own CPU and involuntary switches",
		"run-queue wait", "cgroup throttling",
	}
}

func cpus() (float64, int) { return float64(runtime.NumCPU()), runtime.NumCPU() }
