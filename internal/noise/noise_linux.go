//go:build linux

package noise

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// userHz is the unit of /proc/stat's CPU times: USER_HZ, 100 on every
// Linux that Go runs on.
const userHz = 100

func take(s *Snapshot) {
	var err error
	if s.cpu, err = readCPUTimes(); err != nil {
		s.missing = append(s.missing, "steal and other processes' CPU (/proc/stat)")
	}
	var ru unix.Rusage
	if unix.Getrusage(unix.RUSAGE_SELF, &ru) == nil {
		s.ownCPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		s.invol = ru.Nivcsw
	} else {
		s.missing = append(s.missing, "own CPU and involuntary switches (getrusage)")
	}
	if s.runqWait, err = readRunqWait(); err != nil {
		s.missing = append(s.missing, "run-queue wait (/proc/self/task/*/schedstat)")
	}
	s.throttled, s.nThrottled = readThrottling()
}

// readCPUTimes reads /proc/stat's first line: cpu user nice system idle
// iowait irq softirq steal guest guest_nice, in USER_HZ ticks.
func readCPUTimes() (cpuTimes, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuTimes{}, err
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := strings.Fields(string(line))
	if len(f) < 9 || f[0] != "cpu" {
		return cpuTimes{}, os.ErrInvalid
	}
	tick := func(i int) time.Duration {
		v, _ := strconv.ParseInt(f[i], 10, 64)
		return time.Duration(v) * time.Second / userHz
	}
	return cpuTimes{busy: tick(1) + tick(2) + tick(3) + tick(6) + tick(7), steal: tick(8)}, nil
}

// readRunqWait sums the second field of every thread's schedstat: the
// time it waited on a run queue, in ns.
func readRunqWait() (time.Duration, error) {
	tasks, err := filepath.Glob("/proc/self/task/*/schedstat")
	if err != nil || len(tasks) == 0 {
		return 0, os.ErrNotExist
	}
	var sum time.Duration
	for _, p := range tasks {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // a thread that exited since the glob
		}
		f := strings.Fields(string(b))
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		sum += time.Duration(v)
	}
	return sum, nil
}

// cgroupDir is the process's cgroup v2 directory, or "".
func cgroupDir() string {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "0::"); ok {
			return filepath.Join("/sys/fs/cgroup", rest)
		}
	}
	return ""
}

// readThrottling reads the cgroup's cpu.stat: throttled time and periods
// (zero where there is no cgroup v2 CPU controller, which is no
// throttling).
func readThrottling() (time.Duration, int64) {
	dir := cgroupDir()
	if dir == "" {
		return 0, 0
	}
	f, err := os.Open(filepath.Join(dir, "cpu.stat"))
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	var usec, n int64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), " ")
		switch k {
		case "throttled_usec":
			usec, _ = strconv.ParseInt(v, 10, 64)
		case "nr_throttled":
			n, _ = strconv.ParseInt(v, 10, 64)
		}
	}
	return time.Duration(usec) * time.Microsecond, n
}

// cpus returns the CPUs the process may use (its affinity, less a cgroup
// quota if lower) and the machine's online CPUs.
func cpus() (float64, int) {
	use := float64(runtime.NumCPU()) // the affinity mask's count
	if dir := cgroupDir(); dir != "" {
		if b, err := os.ReadFile(filepath.Join(dir, "cpu.max")); err == nil {
			if f := strings.Fields(string(b)); len(f) == 2 && f[0] != "max" {
				q, e1 := strconv.ParseFloat(f[0], 64)
				p, e2 := strconv.ParseFloat(f[1], 64)
				if e1 == nil && e2 == nil && p > 0 {
					use = min(use, q/p)
				}
			}
		}
	}
	online := 0
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if len(line) > 3 && line[:3] == "cpu" && line[3] >= '0' && line[3] <= '9' {
				online++
			}
		}
	}
	if online == 0 {
		online = runtime.NumCPU()
	}
	return use, online
}
