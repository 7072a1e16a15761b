// Package units is the one table of the units concbench's scenario results
// carry: each unit's name, the direction benchstat needs, whether the
// report's tables show it, and how it is computed from a trial's record.
// The result writer and the report both read it, so a new unit is one row
// here (plus whatever measures it).
package units

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/concbench/concbench/record"
)

// Direction says which way a unit improves.
type Direction int

const (
	LowerIsBetter  Direction = -1
	HigherIsBetter Direction = +1
)

// Better is the value of a benchfmt `Unit … better=` line.
func (d Direction) Better() string {
	if d == HigherIsBetter {
		return "higher"
	}
	return "lower"
}

// Unit is one row of the table.
type Unit struct {
	Name   string // as written in result files
	Better Direction
	// Shown: a column of the report's scenario tables. Units not shown
	// are still written; the charts show them better (the latency
	// spectrum holds mean, max and lateness).
	Shown bool
	// Pattern, if set, is the one pattern whose trials record the unit (a
	// breaker's rejected calls); OpenOnly, that only open-loop trials do
	// (the generator's wake error). A headline or a claim may name a unit
	// only where its scenario's trials record it.
	Pattern  string
	OpenOnly bool
	Doc      string
	// Value computes the unit from a trial's record; false leaves it out
	// of the trial's line (no operation started: no service time).
	Value func(tr *record.Trial) (float64, bool)
}

// Scenario returns the units of a scenario result line, in the order they
// are written and shown. Counters of a target (the breaker's) are rows
// too: their Value reads Trial.Counters.
//
// Long: the table itself, one row per unit, is clearer whole than split.
func Scenario() []Unit {
	return []Unit{
		{Name: "ops/s", Better: HigherIsBetter, Shown: true, Doc: "completions inside the window per second",
			Value: func(tr *record.Trial) (float64, bool) {
				return float64(tr.WindowOps) / (float64(tr.WindowNs) / 1e9), tr.WindowNs > 0
			}},
		{Name: "ok-ops/s", Better: HigherIsBetter, Shown: false, Doc: "operations that succeeded per second: the measured operations (intended to start inside the window) that returned no error, over the window",
			Value: func(tr *record.Trial) (float64, bool) {
				return float64(tr.Ops-tr.Errors) / (float64(tr.WindowNs) / 1e9), tr.WindowNs > 0
			}},
		{Name: "mean-ns", Better: LowerIsBetter, Shown: false, Doc: "mean latency from the intended start",
			Value: latency(func(t *record.Trial) float64 { return t.Latency.Mean() })},
		{Name: "p50-ns", Better: LowerIsBetter, Shown: true, Doc: "median latency from the intended start",
			Value: latencyQ(50)},
		{Name: "p99-ns", Better: LowerIsBetter, Shown: true, Doc: "p99 latency from the intended start",
			Value: latencyQ(99)},
		{Name: "p999-ns", Better: LowerIsBetter, Shown: true, Doc: "p99.9 latency from the intended start",
			Value: latencyQ(99.9)},
		{Name: "max-ns", Better: LowerIsBetter, Shown: false, Doc: "slowest operation, from its intended start",
			Value: latency(func(t *record.Trial) float64 { return float64(t.Latency.Max()) })},
		{Name: "svc-p99-ns", Better: LowerIsBetter, Shown: true, Doc: "p99 service time (completion minus actual start)",
			Value: started(func(t *record.Trial) float64 { return float64(t.Service.ValueAtQuantile(99)) })},
		{Name: "late-p99-ns", Better: LowerIsBetter, Shown: false, Doc: "p99 start lateness (actual minus intended start)",
			Value: started(func(t *record.Trial) float64 { return float64(t.Lateness.ValueAtQuantile(99)) })},
		{Name: "wake-p50-ns", Better: LowerIsBetter, Shown: false, OpenOnly: true, Doc: "median wake error of the open-loop generator (end of an idle wait minus intended start): the harness's own lateness",
			Value: wakeQ(50)},
		{Name: "wake-p99-ns", Better: LowerIsBetter, Shown: false, OpenOnly: true, Doc: "p99 wake error of the open-loop generator (end of an idle wait minus intended start): the harness's own lateness",
			Value: wakeQ(99)},
		{Name: "spin-ns/s", Better: LowerIsBetter, Shown: false, OpenOnly: true, Doc: "open-loop generator's spin per second of window (ns/s: 1e7 is 1% of a core)",
			Value: func(tr *record.Trial) (float64, bool) {
				return float64(tr.SpinNs) / (float64(tr.WindowNs) / 1e9), tr.Model == "open" && tr.Sleeper != "" && tr.WindowNs > 0
			}},
		{Name: "solo-p50-ns", Better: LowerIsBetter, Shown: false, Doc: "median service time of the target's operation run back to back on one goroutine after the load, nothing else of the harness running: the reference for svc-vs-solo",
			Value: func(tr *record.Trial) (float64, bool) { return float64(tr.SoloP50Ns), tr.SoloOps > 0 }},
		{Name: "svc-vs-solo", Better: LowerIsBetter, Shown: false, Doc: "median service time under the load over solo-p50-ns: how much the load, the harness's presence included, changed the target's service time (1: not at all). At low load, beyond 1.5× marks the trial disturbed",
			Value: func(tr *record.Trial) (float64, bool) {
				ok := tr.SoloOps > 0 && tr.SoloP50Ns > 0 && tr.Service != nil && tr.Service.TotalCount() > 0
				if !ok {
					return 0, false
				}
				return float64(tr.Service.ValueAtQuantile(50)) / float64(tr.SoloP50Ns), true
			}},
		{Name: "cpu-ns/op", Better: LowerIsBetter, Shown: true, Doc: "CPU time (user and system) of the whole trial process over the window per completion in it, less the open-loop generator's spin before starts (spin-ns/s): the target's and the runtime's, with the harness's bookkeeping; at low rates also every idle runtime's wake-up, which the harness floor's row shows at the same schedule",
			Value: func(t *record.Trial) (float64, bool) {
				return cost(func(c *record.Cost, ops float64) float64 { return float64(max(c.CPUNs-t.SpinNs, 0)) / ops })(t)
			}},
		{Name: "B/op", Better: LowerIsBetter, Shown: true, Doc: "heap bytes allocated over the window per completion in it (/gc/heap/allocs:bytes)",
			Value: cost(func(c *record.Cost, ops float64) float64 { return float64(c.AllocBytes) / ops })},
		{Name: "allocs/op", Better: LowerIsBetter, Shown: true, Doc: "heap objects allocated over the window per completion in it (/gc/heap/allocs:objects)",
			Value: cost(func(c *record.Cost, ops float64) float64 { return float64(c.AllocObjects) / ops })},
		{Name: "gc-cycles/s", Better: LowerIsBetter, Shown: false, Doc: "GC cycles completed per second of window",
			Value: windowCost(func(c *record.Cost) float64 { return float64(c.GCCycles) / (float64(c.SpanNs) / 1e9) })},
		{Name: "gc-pause-p99-ns", Better: LowerIsBetter, Shown: false, Doc: "p99 of the stop-the-world GC pauses in the window (0: none)",
			Value: windowCost(func(c *record.Cost) float64 { return c.GCPauseP99Ns })},
		{Name: "sched-p50-ns", Better: LowerIsBetter, Shown: false, Doc: "median time goroutines waited runnable before they ran, over the window (/sched/latencies:seconds)",
			Value: windowCost(func(c *record.Cost) float64 { return c.SchedP50Ns })},
		{Name: "sched-p99-ns", Better: LowerIsBetter, Shown: true, Doc: "p99 time goroutines waited runnable before they ran, over the window (/sched/latencies:seconds)",
			Value: windowCost(func(c *record.Cost) float64 { return c.SchedP99Ns })},
		{Name: "mutex-wait-ns/op", Better: LowerIsBetter, Shown: true, Doc: "time goroutines spent blocked on a sync.Mutex or RWMutex over the window per completion in it (/sync/mutex/wait/total:seconds)",
			Value: cost(func(c *record.Cost, ops float64) float64 { return c.MutexWaitNs / ops })},
		{Name: "peak-goroutines", Better: LowerIsBetter, Shown: true, Doc: "goroutines at the highest sample",
			Value: count(func(t *record.Trial) int64 { return int64(t.PeakGoroutines) })},
		{Name: "peak-stack-bytes", Better: LowerIsBetter, Shown: true, Doc: "goroutine stack memory at the highest sample",
			Value: count(func(t *record.Trial) int64 { return int64(t.PeakStackBytes) })},
		{Name: "leaked-goroutines", Better: LowerIsBetter, Shown: true, Doc: "goroutines above the baseline after Close and the grace period",
			Value: count(func(t *record.Trial) int64 { return int64(t.LeakedGoroutines) })},
		{Name: "quiesce-ns", Better: LowerIsBetter, Shown: false, Doc: "from Close's return to goroutines back at the baseline",
			Value: count(func(t *record.Trial) int64 { return t.QuiesceNs })},
		{Name: "errors", Better: LowerIsBetter, Shown: true, Doc: "measured operations that failed",
			Value: count(func(t *record.Trial) int64 { return t.Errors })},
		{Name: "dropped", Better: LowerIsBetter, Shown: true, Doc: "operations refused by the in-flight cap",
			Value: count(func(t *record.Trial) int64 { return t.Dropped })},
		{Name: "unstarted", Better: LowerIsBetter, Shown: true, Doc: "operations the open loop never started before its hard stop",
			Value: count(func(t *record.Trial) int64 { return t.Unstarted })},
		{Name: "rejected", Better: LowerIsBetter, Shown: true, Pattern: "breaker", Doc: "breaker: calls rejected while open or over the probe limit",
			Value: counter("rejected")},
		{Name: "downstream-calls", Better: LowerIsBetter, Shown: true, Pattern: "breaker", Doc: "breaker: calls that reached the downstream",
			Value: counter("downstream-calls")},
		{Name: "downstream-failures", Better: LowerIsBetter, Shown: true, Pattern: "breaker", Doc: "breaker: downstream calls that failed",
			Value: counter("downstream-failures")},
		{Name: "wrong-results", Better: LowerIsBetter, Shown: true, Pattern: "fanout", Doc: "fanout: results lost or not fn of their input, in calls that returned no error",
			Value: counter("wrong-results")},
	}
}

// RecordedBy reports whether trials of pattern, open loop or not, record
// u.
func (u Unit) RecordedBy(pattern string, open bool) bool {
	return (u.Pattern == "" || u.Pattern == pattern) && (!u.OpenOnly || open)
}

// Lookup returns the row of a scenario unit.
func Lookup(name string) (Unit, bool) {
	i := slices.IndexFunc(Scenario(), func(u Unit) bool { return u.Name == name })
	if i < 0 {
		return Unit{}, false
	}
	return Scenario()[i], true
}

// Names returns the names of the units for which keep is true, in order.
func Names(keep func(Unit) bool) []string {
	var names []string
	for _, u := range Scenario() {
		if keep(u) {
			names = append(names, u.Name)
		}
	}
	return names
}

// windowCost computes a unit of the window as a whole (a rate, a
// quantile) from the trial's window cost; none without a cost. A window
// without a completion has one: a burst whose tasks all end after the
// window still made its goroutines wait for a P.
func windowCost(f func(c *record.Cost) float64) func(*record.Trial) (float64, bool) {
	return func(t *record.Trial) (float64, bool) {
		if t.Cost == nil || t.Cost.SpanNs <= 0 {
			return 0, false
		}
		return f(t.Cost), true
	}
}

// cost computes a unit per operation from the trial's window cost and the
// completions between its snapshots; none without a cost or a completion.
func cost(f func(c *record.Cost, ops float64) float64) func(*record.Trial) (float64, bool) {
	return func(t *record.Trial) (float64, bool) {
		if t.Cost == nil || t.Cost.Ops <= 0 || t.Cost.SpanNs <= 0 {
			return 0, false
		}
		return f(t.Cost, float64(t.Cost.Ops)), true
	}
}

func latency(f func(*record.Trial) float64) func(*record.Trial) (float64, bool) {
	return func(t *record.Trial) (float64, bool) {
		if t.Latency == nil || t.Latency.Histogram == nil {
			return 0, false
		}
		return f(t), true
	}
}

func latencyQ(q float64) func(*record.Trial) (float64, bool) {
	return latency(func(t *record.Trial) float64 { return float64(t.Latency.ValueAtQuantile(q)) })
}

// started is for units of operations that started: a trial none of whose
// measured operations started (all unstarted) leaves them out rather than
// writing 0.
func started(f func(*record.Trial) float64) func(*record.Trial) (float64, bool) {
	return func(t *record.Trial) (float64, bool) {
		if t.Service == nil || t.Service.Histogram == nil || t.Service.TotalCount() == 0 {
			return 0, false
		}
		return f(t), true
	}
}

// wakeQ is a quantile of the generator's wake error; left out where no
// operation waited (a closed loop, or an open loop always behind).
func wakeQ(q float64) func(*record.Trial) (float64, bool) {
	return func(t *record.Trial) (float64, bool) {
		if t.Wake == nil || t.Wake.Histogram == nil || t.Wake.TotalCount() == 0 {
			return 0, false
		}
		return float64(t.Wake.ValueAtQuantile(q)), true
	}
}

func count(f func(*record.Trial) int64) func(*record.Trial) (float64, bool) {
	return func(t *record.Trial) (float64, bool) { return float64(f(t)), true }
}

func counter(name string) func(*record.Trial) (float64, bool) {
	return func(t *record.Trial) (float64, bool) {
		v, ok := t.Counters[name]
		return float64(v), ok
	}
}

// FormatDuration writes d as Go does, without its zero minutes and seconds:
// "24h", "1h30m", "250ms".
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// FormatBytes writes a size in the largest binary unit it reaches, with
// three significant digits: "16 MiB", "3.05 TiB".
func FormatBytes(b float64) string {
	names := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	for math.Abs(b) >= 1024 && i < len(names)-1 {
		b /= 1024
		i++
	}
	return strconv.FormatFloat(b, 'g', 3, 64) + " " + names[i]
}
