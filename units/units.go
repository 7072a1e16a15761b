// Package units is the one table of the units concbench's scenario results
// carry: each unit's name, the direction benchstat needs, whether the
// report's tables show it, and how it is computed from a trial's record.
// The result writer and the report both read it, so a new unit is one row
// here (plus whatever measures it).
package units

import (
	"slices"
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
	Doc   string
	// Value computes the unit from a trial's record; false leaves it out
	// of the trial's line (no operation started: no service time).
	Value func(tr *record.Trial) (float64, bool)
}

// Scenario returns the units of a scenario result line, in the order they
// are written and shown. Counters of a target (the breaker's) are rows
// too: their Value reads Trial.Counters.
func Scenario() []Unit {
	return []Unit{
		{"ops/s", HigherIsBetter, true, "completions inside the window per second", func(tr *record.Trial) (float64, bool) {
			return float64(tr.WindowOps) / (float64(tr.WindowNs) / 1e9), tr.WindowNs > 0
		}},
		{"ok-ops/s", HigherIsBetter, false, "operations that succeeded per second: the measured operations (intended to start inside the window) that returned no error, over the window", func(tr *record.Trial) (float64, bool) {
			return float64(tr.Ops-tr.Errors) / (float64(tr.WindowNs) / 1e9), tr.WindowNs > 0
		}},
		{"mean-ns", LowerIsBetter, false, "mean latency from the intended start", latency(func(t *record.Trial) float64 { return t.Latency.Mean() })},
		{"p50-ns", LowerIsBetter, true, "median latency from the intended start", latencyQ(50)},
		{"p99-ns", LowerIsBetter, true, "p99 latency from the intended start", latencyQ(99)},
		{"p999-ns", LowerIsBetter, true, "p99.9 latency from the intended start", latencyQ(99.9)},
		{"max-ns", LowerIsBetter, false, "slowest operation, from its intended start", latency(func(t *record.Trial) float64 { return float64(t.Latency.Max()) })},
		{"svc-p99-ns", LowerIsBetter, true, "p99 service time (completion minus actual start)", started(func(t *record.Trial) float64 { return float64(t.Service.ValueAtQuantile(99)) })},
		{"late-p99-ns", LowerIsBetter, false, "p99 start lateness (actual minus intended start)", started(func(t *record.Trial) float64 { return float64(t.Lateness.ValueAtQuantile(99)) })},
		{"wake-p50-ns", LowerIsBetter, false, "median wake error of the open-loop generator (end of an idle wait minus intended start): the harness's own lateness", wakeQ(50)},
		{"wake-p99-ns", LowerIsBetter, false, "p99 wake error of the open-loop generator (end of an idle wait minus intended start): the harness's own lateness", wakeQ(99)},
		{"spin-ns/s", LowerIsBetter, false, "open-loop generator's spin per second of window (ns/s: 1e7 is 1% of a core)", func(tr *record.Trial) (float64, bool) {
			return float64(tr.SpinNs) / (float64(tr.WindowNs) / 1e9), tr.Model == "open" && tr.Sleeper != "" && tr.WindowNs > 0
		}},
		{"peak-goroutines", LowerIsBetter, true, "goroutines at the highest sample", count(func(t *record.Trial) int64 { return int64(t.PeakGoroutines) })},
		{"peak-stack-bytes", LowerIsBetter, true, "goroutine stack memory at the highest sample", count(func(t *record.Trial) int64 { return int64(t.PeakStackBytes) })},
		{"leaked-goroutines", LowerIsBetter, true, "goroutines above the baseline after Close and the grace period", count(func(t *record.Trial) int64 { return int64(t.LeakedGoroutines) })},
		{"quiesce-ns", LowerIsBetter, false, "from Close's return to goroutines back at the baseline", count(func(t *record.Trial) int64 { return t.QuiesceNs })},
		{"errors", LowerIsBetter, true, "measured operations that failed", count(func(t *record.Trial) int64 { return t.Errors })},
		{"dropped", LowerIsBetter, true, "operations refused by the in-flight cap", count(func(t *record.Trial) int64 { return t.Dropped })},
		{"unstarted", LowerIsBetter, true, "operations the open loop never started before its hard stop", count(func(t *record.Trial) int64 { return t.Unstarted })},
		{"rejected", LowerIsBetter, true, "breaker: calls rejected while open or over the probe limit", counter("rejected")},
		{"downstream-calls", LowerIsBetter, true, "breaker: calls that reached the downstream", counter("downstream-calls")},
		{"downstream-failures", LowerIsBetter, true, "breaker: downstream calls that failed", counter("downstream-failures")},
		{"wrong-results", LowerIsBetter, true, "fanout: results lost or not fn of their input, in calls that returned no error", counter("wrong-results")},
	}
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
