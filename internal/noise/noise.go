// Package noise measures what the machine did to a trial while it ran:
// CPU time the hypervisor stole, CPU time other processes used, how long
// the trial's threads waited on a run queue, involuntary context
// switches, cgroup throttling, and how many CPUs the trial could use. A
// trial takes a [Snapshot] when its window opens and another when it
// closes; [Between] turns the two into a [Reading], recorded beside the
// trial's results. Linux reads all of it from /proc and the cgroup
// filesystem; elsewhere a reading holds what the OS offers and names what
// it lacks in Missing.
package noise

import (
	"fmt"
	"time"
)

// Snapshot is the machine's counters at one moment.
type Snapshot struct {
	at         time.Time
	cpu        cpuTimes // machine-wide, all CPUs
	ownCPU     time.Duration
	runqWait   time.Duration // summed over the process's threads
	invol      int64         // involuntary context switches
	throttled  time.Duration
	nThrottled int64
	missing    []string
}

// cpuTimes are /proc/stat's machine-wide CPU times.
type cpuTimes struct {
	busy, steal time.Duration // busy: user, nice, system, irq, softirq (guest time is in user)
}

// Reading is what the machine did between two snapshots. Durations are
// in nanoseconds; a field the OS could not give is zero and named in
// Missing.
type Reading struct {
	SpanNs int64 `json:"span_ns"`
	// StealNs is CPU time the hypervisor took from this machine's CPUs,
	// all of them together.
	StealNs int64 `json:"steal_ns"`
	// OtherCPUNs is CPU time used by every process but this one, all
	// CPUs together.
	OtherCPUNs int64 `json:"other_cpu_ns"`
	// OwnCPUNs is this process's CPU time, all its threads.
	OwnCPUNs int64 `json:"own_cpu_ns"`
	// RunqWaitNs is the time this process's threads spent runnable but
	// waiting for a CPU, summed over its threads.
	RunqWaitNs int64 `json:"runq_wait_ns"`
	// InvoluntarySwitches are this process's threads taken off a CPU
	// before they gave it up.
	InvoluntarySwitches int64 `json:"involuntary_switches"`
	// ThrottledNs and ThrottledPeriods are the cgroup's CPU throttling:
	// time and periods its quota held its threads back.
	ThrottledNs      int64 `json:"throttled_ns,omitempty"`
	ThrottledPeriods int64 `json:"throttled_periods,omitempty"`
	// CPUs is how many CPUs the process may use: its affinity, less what
	// a cgroup quota allows, if lower (fractional: a quota of 1.5 CPUs).
	// MachineCPUs are the machine's online CPUs.
	CPUs        float64 `json:"cpus"`
	MachineCPUs int     `json:"machine_cpus"`
	// Missing names what this OS did not give.
	Missing []string `json:"missing,omitempty"`
}

// Take returns the machine's counters now.
func Take() Snapshot {
	s := Snapshot{at: time.Now()}
	take(&s)
	return s
}

// Between returns what happened from a to b.
func Between(a, b Snapshot) Reading {
	r := Reading{
		SpanNs:              int64(b.at.Sub(a.at)),
		StealNs:             int64(b.cpu.steal - a.cpu.steal),
		OwnCPUNs:            int64(b.ownCPU - a.ownCPU),
		RunqWaitNs:          max(int64(b.runqWait-a.runqWait), 0),
		InvoluntarySwitches: b.invol - a.invol,
		ThrottledNs:         int64(b.throttled - a.throttled),
		ThrottledPeriods:    b.nThrottled - a.nThrottled,
		Missing:             b.missing,
	}
	r.OtherCPUNs = max(int64(b.cpu.busy-a.cpu.busy)-r.OwnCPUNs, 0)
	r.CPUs, r.MachineCPUs = cpus()
	return r
}

// Lost is the share of the process's capacity the machine took during
// the span: the stolen share of the machine's CPUs, plus the run-queue
// wait of the process's threads over the CPUs it may use (at most
// gomaxprocs). 0.1 is a tenth of the trial's CPU time gone.
func (r Reading) Lost(gomaxprocs int) float64 {
	if r.SpanNs <= 0 {
		return 0
	}
	span := float64(r.SpanNs)
	lost := 0.0
	if r.MachineCPUs > 0 {
		lost += float64(r.StealNs) / (span * float64(r.MachineCPUs))
	}
	if use := min(float64(gomaxprocs), r.CPUs); use > 0 {
		lost += float64(r.RunqWaitNs) / (span * use)
	}
	return lost
}

// Others is the share of the machine's CPUs that other processes used
// during the span.
func (r Reading) Others() float64 {
	if r.SpanNs <= 0 || r.MachineCPUs == 0 {
		return 0
	}
	return float64(r.OtherCPUNs) / (float64(r.SpanNs) * float64(r.MachineCPUs))
}

// The bounds of a disturbed trial. The machine disturbed a trial when its
// threads lost at least LostBound of their CPU capacity (steal and
// run-queue wait, [Reading.Lost]) while other processes, with the
// hypervisor's steal, took at least OthersBound of the machine
// ([Reading.Others]): the waiting was theirs, not the trial's own
// threads'. Or when the cgroup's quota held the trial back for at least
// ThrottledBound of its span. Measured on the 2-core VM over 74 trials of
// workerpool-knee, workerpool-cpu and breaker-outage: quiet, a trial's
// threads lost 1–25% (p50 8%: every wake-up from idle waits a little),
// with others at 0–14% when nothing else ran; with two CPU-bound
// processes holding both cores, they lost 14–89% (p50 44%) with others at
// 52–88%. Lost alone cannot tell: a trial's own threads wait for each
// other too; others alone cannot either: a machine with spare CPUs lends
// them to others without cost.
const (
	LostBound      = 0.10
	OthersBound    = 0.25
	ThrottledBound = 0.10
)

// Disturbed says how the machine disturbed the trial, "" if it did not
// beyond the bounds.
func (r Reading) Disturbed(gomaxprocs int) string {
	if r.SpanNs <= 0 {
		return ""
	}
	lost, others := r.Lost(gomaxprocs), r.Others()
	steal := 0.0
	if r.MachineCPUs > 0 {
		steal = float64(r.StealNs) / (float64(r.SpanNs) * float64(r.MachineCPUs))
	}
	throttled := float64(r.ThrottledNs) / float64(r.SpanNs)
	switch {
	case lost >= LostBound && others+steal >= OthersBound:
		return fmt.Sprintf("the machine took %.0f%% of the trial's CPU (run-queue wait and steal) while other processes used %.0f%% of its %d CPUs and the hypervisor stole %.0f%% (bounds: %.0f%% and %.0f%%)",
			100*lost, 100*others, r.MachineCPUs, 100*steal, 100*LostBound, 100*OthersBound)
	case throttled >= ThrottledBound:
		return fmt.Sprintf("the cgroup's CPU quota throttled the trial for %.0f%% of its span (%d periods; bound %.0f%%)", 100*throttled, r.ThrottledPeriods, 100*ThrottledBound)
	}
	return ""
}
