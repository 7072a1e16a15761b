package scenarios

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/concbench/concbench/loadgen"
	"github.com/concbench/concbench/units"
)

// Limits of a scenario file, and of the trial spec that carries one to a
// trial process. Every numeric field has a range, checked before anything
// is allocated for it; [Limits] is the table of them that the package doc
// and the README quote.
const (
	// MaxRate is the highest offered load of an open loop, in operations
	// per second: beyond it no generator holds its schedule on any machine.
	MaxRate = 1e8
	// MinOpsPerTrial is the fewest operations (rate × duration) an open loop
	// may schedule in its window: with none the trial measures nothing, and
	// a rate so low that one client's gap between operations overflows the
	// trial clock would hang its schedule.
	MinOpsPerTrial = 1
	// MaxOpsPerTrial is the most operations an open loop may schedule in
	// its window: recording the ones it never started would take longer
	// than the trial.
	MaxOpsPerTrial = 1e8
	// MaxClients bounds load.clients: each client holds about 1 MiB of HDR
	// histograms (four of about 200 KB), allocated before the trial starts.
	MaxClients = 1024
	// MaxInflight bounds load.max_inflight (0 is no cap): a million tasks in
	// flight hold at least a million goroutine stacks, gigabytes, before
	// any larger cap could bind.
	MaxInflight = 1_000_000
	// MinDuration and MaxDuration bound the measurement window: shorter
	// than a millisecond is below the timer's resolution; longer than a
	// day is a soak test, and a trial keeps everything it measures in
	// memory until it ends.
	MinDuration = time.Millisecond
	MaxDuration = 24 * time.Hour
	// MaxWarmup bounds load.warmup: any steady state is reached long before
	// an hour; more only delays the window.
	MaxWarmup = time.Hour
	// MaxThink bounds load.think: a client that pauses longer issues almost
	// nothing even in the longest window.
	MaxThink = time.Hour
	// MinWorkMean and MaxWorkMean bound work.mean for kind cpu or sleep: a
	// nanosecond is the clock's resolution; one task longer than an hour
	// outlasts any sensible window.
	MinWorkMean = time.Nanosecond
	MaxWorkMean = time.Hour
	// MaxSigma bounds work.sigma (above 0): a lognormal with a larger shape
	// draws durations beyond what a time.Duration holds (292 years).
	MaxSigma = 4.0
	// MaxWorkStack bounds work.stack: a task's goroutine doubles its stack
	// to hold it, copying what it holds at each doubling, and beyond a few
	// MiB a task measures that copy rather than the design around it (the
	// runtime's own limit is 1 GB).
	MaxWorkStack = 8 << 20
	// MaxOutageAt and MaxOutageFor bound faults.outage.at and .for (for
	// above 0): an outage starts and ends within the longest window.
	MaxOutageAt  = 24 * time.Hour
	MaxOutageFor = 24 * time.Hour
	// MaxOutageLatency bounds faults.outage.latency: a hung call, deaf to
	// cancellation, may hold a client no longer than MaxWorkMean allows
	// a task.
	MaxOutageLatency = time.Hour
	// MaxGOMAXPROCS bounds each gomaxprocs value: more Ps than any machine
	// here has cores add only idle Ps, each with its own caches.
	MaxGOMAXPROCS = 256
	// MaxRepeat bounds repeat: repetitions are for statistics, and beyond a
	// thousand they add nothing benchstat can use but run time.
	MaxRepeat = 1000
	// MaxCount bounds runbench run's -count (0 keeps each scenario's
	// repeat), for the reason of MaxRepeat.
	MaxCount = 1000
	// MaxTimeout bounds timeout, which must also cover the trial's own
	// need: a watchdog set beyond three days holds a run hostage to one hung
	// trial.
	MaxTimeout = loadgen.MaxLatency
	// MaxPlanTrials bounds the trials of one run, summed over its
	// scenarios: each is a child process, and the plan of them is held in
	// memory before the first starts.
	MaxPlanTrials = 100_000
	// MaxFileSize bounds a scenario file (and a trial spec on stdin): a
	// scenario is a few hundred bytes, and a bigger input (or /dev/zero)
	// is refused before it is read whole.
	MaxFileSize = 1 << 20
	// MaxTrialMemory bounds the worst-case memory of an open-loop trial of
	// a design with a goroutine per operation: its operations × their
	// stacks. Beyond it the trial process would die of memory before it
	// measured anything.
	MaxTrialMemory = 4 << 30
	// LeakGrace is how long a trial's goroutines may take to return to
	// their baseline after its target's Close before the trial counts
	// them as leaked; a trial's timeout must cover it.
	LeakGrace = time.Second
)

// Limit is one row of the limits table.
type Limit struct {
	Field  string // path in a scenario file; a list's range applies to each element
	Range  string // the values accepted, as error messages write them
	Reason string
}

// Limits returns the limits of a scenario file and of a run, one row per
// field, in schema order.
func Limits() []Limit {
	rows := limitRows()
	out := make([]Limit, len(rows))
	for i, r := range rows {
		out[i] = Limit{Field: r.field, Range: r.rangeText(), Reason: r.reason}
	}
	return out
}

// limitsTable renders Limits as the fixed-width text that the package doc
// and the README quote.
func limitsTable() string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FIELD\tRANGE\tWHY")
	for _, l := range Limits() {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", l.Field, l.Range, l.Reason)
	}
	tw.Flush()
	return b.String()
}

// limitRow is a field's limit: a numeric bound that validation checks, or,
// for limits that are not one field's range, the range in words.
type limitRow struct {
	field  string
	b      *bound
	text   string // the range in words; if set, docs show it instead of b
	reason string
}

func (r limitRow) rangeText() string {
	if r.text != "" {
		return r.text
	}
	return r.b.String()
}

func limitRows() []limitRow {
	ints := func(lo, hi int) *bound { return &bound{min: float64(lo), max: float64(hi), kind: intBound} }
	durs := func(lo, hi time.Duration) *bound {
		return &bound{min: float64(lo), max: float64(hi), kind: durationBound}
	}
	return []limitRow{
		{field: "load.rate", b: &bound{max: MaxRate, above: true, unit: " ops/s"}, reason: "beyond it no generator keeps its schedule"},
		{field: "load.rate × load.duration", text: fmt.Sprintf("%d to %g operations", MinOpsPerTrial, float64(MaxOpsPerTrial)),
			reason: "at least one operation in the window; more take longer to record than to run"},
		{field: "load.clients", b: ints(1, MaxClients), reason: "each client holds about 1 MiB of HDR histograms"},
		{field: "load.max_inflight", b: ints(0, MaxInflight), reason: "0 is no cap; a larger cap would not bind before memory does"},
		{field: "load.duration", b: durs(MinDuration, MaxDuration), reason: "below the timer's resolution; longer is a soak test, held in memory"},
		{field: "load.warmup", b: durs(0, MaxWarmup), reason: "steady state comes sooner; more only delays the window"},
		{field: "load.think", b: durs(0, MaxThink), reason: "a longer pause issues almost nothing"},
		{field: "work.mean", b: durs(MinWorkMean, MaxWorkMean), reason: "kinds cpu and sleep only; one task longer would outlast any window"},
		{field: "work.sigma", b: &bound{max: MaxSigma, above: true}, reason: "larger lognormal shapes overflow a time.Duration"},
		{field: "work.stack", b: &bound{max: MaxWorkStack, kind: bytesBound}, reason: "a task's goroutine grows its stack to hold it; larger measures the copy, not the design"},
		{field: "faults.error_rate", b: &bound{max: 1}, reason: "a fraction of operations"},
		{field: "faults.outage.at", b: durs(0, MaxOutageAt), reason: "inside the longest window"},
		{field: "faults.outage.for", b: durs(time.Nanosecond, MaxOutageFor), reason: "inside the longest window"},
		{field: "faults.outage.latency", b: durs(0, MaxOutageLatency), reason: "a hung call no longer than the longest task"},
		{field: "gomaxprocs", b: ints(1, MaxGOMAXPROCS), reason: "more Ps than any machine here has cores"},
		{field: "repeat", b: ints(1, MaxRepeat), text: fmt.Sprintf("1 to %d, or auto", MaxRepeat), reason: fmt.Sprintf("more add nothing benchstat can use; auto: %d to %d, each scenario stopping once its comparisons are decided", SequentialMin, SequentialMax)},
		{field: "error_budget", b: &bound{max: 1}, reason: "a fraction of a trial's operations that may fail"},
		{field: "timeout", b: durs(0, MaxTimeout), text: fmt.Sprintf("the trial's need to %s", units.FormatDuration(MaxTimeout)),
			reason: "need: warmup + duration (2 x for an open loop) + 3s; longer lets a hung trial hold a run for days"},
		{field: "params.<name>", text: "per parameter (runbench list)", reason: "refused before the target is built"},
		{field: "open-loop memory", text: "at most 4 GiB", reason: "rate × (warmup + 2 × duration) × stack, of a design with a goroutine per operation"},
		{field: "trials in one run", text: fmt.Sprintf("at most %d", MaxPlanTrials), reason: "repeat × impls × params × rates × gomaxprocs, summed; checked before planning"},
		{field: "runbench run -count", text: fmt.Sprintf("0 to %d", MaxCount), reason: "0 keeps each scenario's repeat; N fixes N, auto or not"},
		{field: "file size", text: "at most 1 MiB", reason: "a scenario is a few hundred bytes; also a trial spec on stdin"},
	}
}

// bounds returns the bound of every numeric field, by path; a list's
// bound applies to each element.
func bounds() map[string]*bound {
	m := map[string]*bound{}
	for _, r := range limitRows() {
		if r.b != nil {
			m[r.field] = r.b
		}
	}
	return m
}

// unindexed returns field without its list indexes: "gomaxprocs" for
// "gomaxprocs[2]".
func unindexed(field string) string {
	if !strings.Contains(field, "[") {
		return field
	}
	return listIndex.ReplaceAllString(field, "")
}

var listIndex = regexp.MustCompile(`\[\d+\]`)

type boundKind int

const (
	floatBound boundKind = iota
	intBound
	durationBound // nanoseconds
	bytesBound    // bytes, written as Bytes writes them
)

// bound is a closed range of a numeric field (open at min if above).
type bound struct {
	min, max float64
	above    bool // min itself is refused
	kind     boundKind
	unit     string // for docs: " ops/s"
}

// contains reports whether v is in range; NaN is not.
func (b *bound) contains(v float64) bool {
	return (v > b.min || !b.above && v == b.min) && v <= b.max
}

func (b *bound) String() string {
	if b.above {
		return fmt.Sprintf("above %s and at most %s%s", b.format(b.min), b.format(b.max), b.unit)
	}
	return fmt.Sprintf("%s to %s%s", b.format(b.min), b.format(b.max), b.unit)
}

func (b *bound) format(v float64) string {
	switch b.kind {
	case intBound:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case durationBound:
		return units.FormatDuration(time.Duration(v))
	case bytesBound:
		return Bytes(v).String()
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// durationSyntax matches what time.ParseDuration reads, whatever the
// magnitude: a string it matches that fails to parse has overflowed.
var durationSyntax = regexp.MustCompile(`^[-+]?((\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$`)

// overflowMsg is the range message for a duration field whose text is a
// duration too large for a time.Duration ("10000000h"), or "" if the text
// is something else or the field has no range.
func overflowMsg(field, text string) string {
	field = unindexed(field)
	if !durationSyntax.MatchString(text) {
		return ""
	}
	if _, err := time.ParseDuration(text); err == nil {
		return ""
	}
	for _, r := range limitRows() {
		if r.field == field && r.b != nil && r.b.kind == durationBound {
			return fmt.Sprintf("%s: want %s", text, r.rangeText())
		}
	}
	return ""
}
