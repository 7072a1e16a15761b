package record

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/concbench/concbench/internal/noise"
)

// Trial statuses.
const (
	StatusOK      = "ok"      // ran to the end; goroutines back to baseline
	StatusLeaked  = "leaked"  // ran to the end; goroutines stayed above baseline after Close
	StatusHung    = "hung"    // the watchdog fired; Stacks holds every goroutine
	StatusCrashed = "crashed" // the trial process died; Stacks holds its last output
	StatusPartial = "partial" // cut short by an interrupt
	StatusErrors  = "errors"  // ran to the end; more operations failed than its scenario's error budget allows
)

// Trial is one line of a sidecar: one (scenario, implementation, parameters,
// repetition) run in its own process.
type Trial struct {
	Name     string `json:"name"` // the benchmark name, without "Benchmark": built from the fields below
	Scenario string `json:"scenario"`
	Pattern  string `json:"pattern"`
	Impl     string `json:"impl"`
	// Parts are the parts of Name after its scenario, pattern and impl, in
	// name order: the parameters that name the trial, then rate, sleeper
	// and procs where its scenario lists several. A reader groups trials
	// by these fields; it never parses Name.
	Parts  []Part            `json:"parts,omitempty"`
	Params map[string]string `json:"params,omitempty"` // every parameter's value, defaults included
	Rep    int               `json:"rep"`              // 1-based repetition
	// Floor marks a harness-floor trial: the no-op target under the same
	// open-loop schedule as the scenario's other trials (same name parts,
	// its own implementation name), so that a reader can show what of
	// their latency the harness itself accounts for.
	Floor bool `json:"floor,omitempty"`
	// Demo is set for a trial of a demonstration implementation (broken on
	// purpose): what it demonstrates. Its hang, leak or crash is the
	// demonstration, not a failure of the run.
	Demo string `json:"demo,omitempty"`
	// Demonstrated: the trial ended with a status its demonstration
	// declares (a hang, a leak): that is what it exists to show, and the
	// run does not count it as a failure.
	Demonstrated bool   `json:"demonstrated,omitempty"`
	Status       string `json:"status"`
	Error        string `json:"error,omitempty"`  // why the status is not ok
	Stacks       string `json:"stacks,omitempty"` // goroutine dump of a hung or crashed trial
	// Output is the last of what an ok trial's process printed (the code
	// under test's own output), at most a few KiB; a hung or crashed
	// trial's is in Stacks.
	Output string `json:"output,omitempty"`

	GOMAXPROCS int     `json:"gomaxprocs"`            // of the trial's process
	Model      string  `json:"model"`                 // open | closed
	TargetRate float64 `json:"target_rate,omitempty"` // ops/s asked for (open loop)

	// Ops are the measured operations: those intended to start inside the
	// measurement window, all of which completed; their latencies fill the
	// histograms. WindowOps are the completions, measured or not, that fell
	// inside the window of WindowNs: throughput is WindowOps/WindowNs.
	// ElapsedNs runs from the window's opening to the last measured
	// completion (at least WindowNs).
	Ops       int64 `json:"ops"`
	WindowOps int64 `json:"window_ops"`
	Issued    int64 `json:"issued"`    // operations the generator started, warm-up included
	Errors    int64 `json:"errors"`    // measured operations that failed (returned an error, or the target refused them)
	Dropped   int64 `json:"dropped"`   // operations refused by the in-flight cap (load.max_inflight)
	Unstarted int64 `json:"unstarted"` // operations never started before the open loop's hard stop; measured ones are in Ops and the latency histogram
	WindowNs  int64 `json:"window_ns"`
	ElapsedNs int64 `json:"elapsed_ns"`

	// Latency is completion minus intended start (corrected for coordinated
	// omission); Service is completion minus actual start; Lateness is
	// actual start minus intended start. For a pool the actual start is when
	// the task starts running, so its lateness includes the wait in Submit
	// and in the pool's queue. All in nanoseconds.
	Latency  *Hist `json:"latency,omitempty"`
	Service  *Hist `json:"service,omitempty"`
	Lateness *Hist `json:"lateness,omitempty"`
	// Wake is the open-loop generator's own error: for each measured
	// operation whose client was idle before its intended start, when its
	// wait ended minus the intended start (nanoseconds). An operation the
	// target delayed (its client busy past the intended start) has none.
	// Nil for a closed loop. [Read] leaves it nil: it is not decoded under
	// the report's [Budget], which covers the three histograms above.
	Wake *Hist `json:"wake,omitempty"`
	// SpinNs is the time the open-loop clients spent spinning (or yielding
	// in a loop) before measured operations, all clients together.
	SpinNs int64 `json:"spin_ns,omitempty"`
	// Sleeper is how the clients waited for intended starts:
	// clock_nanosleep+spin, go-timer, or none (a closed loop).
	Sleeper string `json:"sleeper,omitempty"`

	// SoloOps operations of the target, run back to back on one goroutine
	// after the load (nothing else of the generator running), took
	// SoloP50Ns at the median and SoloMeanNs on average: the target's
	// service time undisturbed, measured in the trial's own process.
	SoloOps    int   `json:"solo_ops,omitempty"`
	SoloP50Ns  int64 `json:"solo_p50_ns,omitempty"`
	SoloMeanNs int64 `json:"solo_mean_ns,omitempty"`
	// Disturbed, if set, says why the trial's numbers are not the
	// target's alone: the harness changed its service time, or the
	// machine took its CPU, beyond the stated bounds. The trial still
	// counts (its status is its own); the report marks it.
	Disturbed string `json:"disturbed,omitempty"`
	// Cost is what the measurement window cost the trial's process: CPU,
	// allocations, GC, scheduler latency, mutex wait (nil if the window
	// did not run whole).
	Cost *Cost `json:"cost,omitempty"`
	// Retries are the reasons of the disturbed attempts this record
	// replaced (runbench run -retry-disturbed), oldest first.
	Retries []string `json:"retries,omitempty"`
	// Noise is what the machine did during the trial's load: steal, other
	// processes' CPU, run-queue wait, throttling.
	Noise *noise.Reading `json:"noise,omitempty"`

	BaselineGoroutines int    `json:"baseline_goroutines"`
	PeakGoroutines     int    `json:"peak_goroutines"`
	PeakStackBytes     uint64 `json:"peak_stack_bytes"` // goroutine stacks, as runtime/metrics counts them
	LeakedGoroutines   int    `json:"leaked_goroutines"`
	// KeptGoroutines are goroutines the target's library keeps after Close
	// by design (a breaker it registers for the life of the process): the
	// leak check allows them above the baseline.
	KeptGoroutines int   `json:"kept_goroutines,omitempty"`
	QuiesceNs      int64 `json:"quiesce_ns"` // Close return to goroutines back at baseline
	// Counters are pattern-specific counts (a breaker's rejected calls, calls
	// that reached the downstream, …), each also a unit in the benchfmt line.
	Counters map[string]int64 `json:"counters,omitempty"`

	Series Series `json:"series"`
}

// partsOfName returns the parts of a scenario trial's name after its
// scenario, pattern and impl: what Trial.Parts holds. It serves records
// written before Parts existed, which name their trials in Name alone;
// no reader of a newer record parses a name.
func partsOfName(name string) []Part {
	rest, ok := strings.CutPrefix(name, ScenarioPrefix)
	if !ok {
		return nil
	}
	parts := []Part{}
	for _, p := range strings.Split(rest, "/") {
		k, v, _ := strings.Cut(p, "=")
		switch k {
		case "scenario", "pattern", "impl":
			continue
		}
		parts = append(parts, Part{Key: k, Value: v})
	}
	return parts
}

// ScenarioPrefix begins the benchmark name of every scenario trial
// (without "Benchmark"): "Scenario/scenario=…/pattern=…/impl=…/…".
const ScenarioPrefix = "Scenario/"

// Part is one key=value part of a trial's benchmark name.
type Part struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Series are samples taken every IntervalNs on the trial's clock; T[i] is
// the end of sample i in seconds since the measurement window opened
// (negative during warm-up). Rates and pause totals cover one interval.
type Series struct {
	IntervalNs int64     `json:"interval_ns"`
	T          []float64 `json:"t"`
	OpsPerSec  []float64 `json:"ops_per_sec"`
	P99Ns      []float64 `json:"p99_ns"` // corrected latency of ops completed in the interval
	Goroutines []float64 `json:"goroutines"`
	HeapBytes  []float64 `json:"heap_bytes"`
	StackBytes []float64 `json:"stack_bytes"`
	GCPauseNs  []float64 `json:"gc_pause_ns"`
	SchedP99Ns []float64 `json:"sched_p99_ns"` // runtime scheduling latency, p99 over the interval
	MutexWait  []float64 `json:"mutex_wait_ns"`
	State      []string  `json:"state,omitempty"` // breaker state, where the target has one
}

// Scenario describes a scenario whose trials the sidecar holds: what the
// report needs of the scenario file beyond the trials' names. The runner
// writes one, as a line {"kind":"scenario","spec":{…}}, before the first
// trial of each scenario.
type Scenario struct {
	Name        string   `json:"name"`
	File        string   `json:"file"`
	Hash        string   `json:"hash"` // SHA-256 of the scenario file
	Pattern     string   `json:"pattern"`
	Description string   `json:"description,omitempty"`
	Headline    []string `json:"headline,omitempty"` // units the report ranks on and names a winner for
	Claims      []Claim  `json:"claims,omitempty"`
	// Demos are the demonstration implementations the scenario runs, each
	// with what it demonstrates: never ranked, never a winner.
	Demos map[string]string `json:"demos,omitempty"`
	// Impls describe the implementations it runs, by name.
	Impls map[string]Impl `json:"impls,omitempty"`
}

// Claim is a claim a scenario answers (declared in its file's claims:): the implementation that follows
// the advice (Follows) against the one that ignores it (Ignores), in one
// unit of the results. The claim holds where Follows is significantly
// better in that unit (Mann–Whitney U, Holm-corrected over the scenario's
// parameter combinations, alpha 0.05) in each of them. A claim that the scenario cannot isolate gives Why instead
// of Unit, Follows and Ignores: the report states it as such.
type Claim struct {
	// Guide is the number of the guide's claim (1–12) this answers; 0 for
	// a claim of the user's own.
	Guide int `yaml:"guide" json:"guide,omitempty"`
	// Text is the claim as a reader knows it, one line.
	Text string `yaml:"text" json:"text"`
	// Unit is a unit of the results (ops/s, p99-ns, peak-goroutines, …) or
	// trials-<status> (trials-hung, trials-leaked, trials-crashed): the
	// fraction of trials that ended with that status.
	Unit    string `yaml:"unit" json:"unit,omitempty"`
	Follows string `yaml:"follows" json:"follows,omitempty"` // the implementation that follows the advice
	Ignores string `yaml:"ignores" json:"ignores,omitempty"` // the implementation that ignores it
	// Better is the unit's good direction, higher or lower; empty: the
	// unit's own (lower for trials-<status>).
	Better string `yaml:"better" json:"better,omitempty"`
	// Why says why the scenario cannot isolate the claim; set only without
	// Unit, Follows and Ignores.
	Why string `yaml:"why" json:"why,omitempty"`
	// Margin is the claim's practical margin, a percentage ("10%"): a
	// difference of medians smaller than this is no meaningful
	// difference, significant or not. Empty: DefaultMargin, or none for
	// trials-<status>.
	Margin string `yaml:"margin" json:"margin,omitempty"`
}

// DefaultMargin is a claim's practical margin where it declares none:
// the run-to-run drift of a median of six short trials on a shared VM
// (README, Reproducibility), below which a "significant" difference does
// not survive the next run.
const DefaultMargin = 0.10

// MarginFraction returns the claim's practical margin as a fraction: its
// own, else DefaultMargin, else 0 for a trials-<status> unit (a fraction
// of trials that hang is meaningful however small). ok is false for a
// margin that is not a percentage from 0 to 100.
func (c Claim) MarginFraction() (m float64, ok bool) {
	if c.Margin == "" {
		if strings.HasPrefix(c.Unit, "trials-") {
			return 0, true
		}
		return DefaultMargin, true
	}
	s, isPct := strings.CutSuffix(strings.TrimSpace(c.Margin), "%")
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if !isPct || err != nil || !(v >= 0 && v < 100) {
		return 0, false
	}
	return v / 100, true
}

// KindScenario is the kind of a Scenario line; a trial's line has none.
const KindScenario = "scenario"

// WriteScenario writes a Scenario line.
func WriteScenario(w io.Writer, s Scenario) error {
	line := struct {
		Kind string   `json:"kind"`
		Spec Scenario `json:"spec"`
	}{KindScenario, s}
	if err := json.NewEncoder(w).Encode(&line); err != nil {
		return fmt.Errorf("sidecar: scenario %s: %w", s.Name, err)
	}
	return nil
}

// Path returns the sidecar path of a benchfmt results file.
func Path(results string) string {
	return strings.TrimSuffix(results, ".txt") + ".jsonl"
}

// Write writes trials as JSON lines.
func Write(w io.Writer, trials []Trial) error {
	enc := json.NewEncoder(w)
	for i := range trials {
		if err := enc.Encode(&trials[i]); err != nil {
			return fmt.Errorf("sidecar: trial %s: %w", trials[i].Name, err)
		}
	}
	return nil
}

// MaxLine bounds one line of a sidecar. A trial's line holds three
// histograms (about 200 KB each at most), its goroutine dump (at most
// 1 MiB) and its time series; a longer line is skipped with a warning.
const MaxLine = 64 << 20

// File is what a sidecar holds.
type File struct {
	Run       *Run // nil in a sidecar written before runs said who they are
	Trials    []Trial
	Scenarios []Scenario
	Reps      []Reps // of scenarios with sequential repetitions
}

// Reps says how many repetitions a scenario with sequential repetitions
// (repeat: auto) took, and why it stopped: a line {"kind":"reps",
// "reps":{…}} after its last trial.
type Reps struct {
	Scenario string `json:"scenario"`
	Reps     int    `json:"reps"`
	Reason   string `json:"reason"`
}

// KindReps is the kind of a Reps line.
const KindReps = "reps"

// WriteReps writes a Reps line.
func WriteReps(w io.Writer, r Reps) error {
	line := struct {
		Kind string `json:"kind"`
		Reps Reps   `json:"reps"`
	}{KindReps, r}
	return json.NewEncoder(w).Encode(&line)
}

// Run says which run wrote a sidecar: its first line, {"kind":"run",
// "run":{…}}. Its date is the date line of the results file beside it, so
// that a reader can tell a sidecar of another run.
type Run struct {
	Date   string `json:"date,omitempty"`
	Commit string `json:"commit,omitempty"`
	// Module is the binary's main module (a user's own, where runbench.Main
	// is theirs), and Deps every module it was built with: the versions of
	// every library an implementation comes from.
	Module *Module  `json:"module,omitempty"`
	Deps   []Module `json:"deps,omitempty"`
}

// Module is a Go module at a version.
type Module struct {
	Path    string `json:"path"`
	Version string `json:"version,omitempty"`
}

// Impl describes an implementation a scenario ran: its one-line doc and
// the module its code comes from (the library it adapts, or the user's own
// module).
type Impl struct {
	Doc    string  `json:"doc,omitempty"`
	Module *Module `json:"module,omitempty"`
}

// KindRun is the kind of a Run line.
const KindRun = "run"

// WriteRun writes a Run line.
func WriteRun(w io.Writer, r Run) error {
	line := struct {
		Kind string `json:"kind"`
		Run  Run    `json:"run"`
	}{KindRun, r}
	return json.NewEncoder(w).Encode(&line)
}

// Read reads the trials of the sidecar at path; see ReadFile.
func Read(path string, budget *Budget) (trials []Trial, warnings []string, err error) {
	f, warnings, err := ReadFile(path, budget)
	return f.Trials, warnings, err
}

// ReadFile reads the sidecar at path. A missing file is not an error: results
// from plain `go test -bench` have none. A path that is not a regular file
// (a directory, a named pipe that would block) is an error, without being
// opened; so is a failure to read.
//
// Reading goes on past a bad line: a line that is not a JSON trial, or
// longer than MaxLine, is skipped, and a trial whose histograms are
// refused (see [Budget]) is kept without its histograms. Each is a warning
// "path:line: message".
//
// The histograms decoded are charged to budget, which the reads of one
// report share; nil gives this read a budget of its own.
func ReadFile(path string, budget *Budget) (File, []string, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return File{}, nil, nil
	}
	if err != nil {
		return File{}, nil, fmt.Errorf("sidecar: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return File{}, nil, fmt.Errorf("sidecar: %s: not a regular file (mode %v), not read", path, fi.Mode())
	}
	r, err := os.Open(path)
	if err != nil {
		return File{}, nil, fmt.Errorf("sidecar: %w", err)
	}
	defer r.Close()
	if budget == nil {
		budget = NewBudget()
	}
	return read(r, path, MaxLine, budget)
}

// record is a sidecar line as read: its histograms stay encoded until the
// rest of the line has been read, so that a refused histogram costs the
// trial its histograms only. (The outer fields hide Trial's own.)
type record struct {
	Trial
	Latency  json.RawMessage `json:"latency,omitempty"`
	Service  json.RawMessage `json:"service,omitempty"`
	Lateness json.RawMessage `json:"lateness,omitempty"`
	Wake     json.RawMessage `json:"wake,omitempty"` // not decoded: see Trial.Wake
	// A Scenario line has these instead; a Run line, Run.
	Kind string    `json:"kind"`
	Spec *Scenario `json:"spec"`
	Run  *Run      `json:"run"`
	Reps *Reps     `json:"reps"`
}

// read reads sidecar lines of at most maxLine bytes from r; path names
// them in warnings.
func read(r io.Reader, path string, maxLine int, budget *Budget) (f File, warnings []string, err error) {
	br := bufio.NewReader(r)
	skipped, dropped := 0, 0
	m := merger{}
	defer func() {
		if dropped > maxDropWarnings {
			warnings = append(warnings, fmt.Sprintf("%s: histograms of %d more trials dropped, for the same reason", path, dropped-maxDropWarnings))
		}
		if skipped > 0 {
			warnings = append(warnings, fmt.Sprintf("%s: %d trials not read: a report reads at most %d MiB of trial records (their histograms apart) in all; report fewer files at once", path, skipped, MaxTrialBytes>>20))
		}
	}()
	for line := 1; ; line++ {
		b, tooLong, rerr := readLine(br, maxLine)
		switch {
		case tooLong:
			warnings = append(warnings, fmt.Sprintf("%s:%d: line longer than %d bytes, skipped", path, line, maxLine))
		case len(bytes.TrimSpace(b)) > 0:
			var rec record
			if err := json.Unmarshal(b, &rec); err != nil {
				warnings = append(warnings, fmt.Sprintf("%s:%d: %v, line skipped", path, line, err))
				break
			}
			if rec.Kind != "" {
				if w := f.addLine(rec); w != "" {
					warnings = append(warnings, fmt.Sprintf("%s:%d: %s", path, line, w))
				}
				break
			}
			{
				if !budget.chargeRecord(len(b) - len(rec.Latency) - len(rec.Service) - len(rec.Lateness) - len(rec.Wake)) {
					skipped++
					break
				}
				t := rec.Trial
				if t.Parts == nil {
					t.Parts = partsOfName(t.Name)
				}
				if err := m.decode(budget, &t, rec.Latency, rec.Service, rec.Lateness, f.Trials); err != nil {
					dropped++
					if dropped <= maxDropWarnings {
						warnings = append(warnings, fmt.Sprintf("%s:%d: histograms of %s rep %d dropped: %v", path, line, t.Name, t.Rep, err))
					}
				}
				f.Trials = append(f.Trials, t)
			}
		}
		if rerr == io.EOF {
			return f, warnings, nil
		}
		if rerr != nil {
			return f, warnings, fmt.Errorf("sidecar: reading %s: %w", path, rerr)
		}
	}
}

// addLine adds a line of a kind other than a trial's to f, or says why
// it is skipped.
func (f *File) addLine(rec record) string {
	switch {
	case rec.Kind == KindScenario && rec.Spec != nil:
		f.Scenarios = append(f.Scenarios, *rec.Spec)
	case rec.Kind == KindScenario:
		return "a scenario line without its spec, skipped"
	case rec.Kind == KindRun && rec.Run != nil && f.Run == nil:
		f.Run = rec.Run
	case rec.Kind == KindRun:
		return "a second run line, or one without its run, skipped"
	case rec.Kind == KindReps && rec.Reps != nil:
		f.Reps = append(f.Reps, *rec.Reps)
	default:
		return fmt.Sprintf("a line of kind %q, which this version does not know, skipped", rec.Kind)
	}
	return ""
}

// maxDropWarnings bounds the warnings a read gives of dropped histograms,
// one per trial; the rest are counted in one more.
const maxDropWarnings = 10

// merger is a read's histograms merged so far, when its budget merges
// (Budget.MergeBy): the index in the file's trials of the trial that
// holds each key's, and the trials (name and repetition) merged, so that
// a trial that appears twice is merged once.
type merger struct {
	holder map[string]int
	seen   map[nameRep]bool
}

type nameRep struct {
	name string
	rep  int
}

// decode decodes t's histograms (see Budget.decode) or, when the budget
// merges and an earlier trial of trials holds t's key's, merges them into
// that trial's, leaving t none.
func (m *merger) decode(b *Budget, t *Trial, latency, service, lateness json.RawMessage, trials []Trial) error {
	key := ""
	if b.mergeKey != nil {
		key = b.mergeKey(t)
	}
	if key == "" {
		return b.decode(t, latency, service, lateness)
	}
	if m.holder == nil {
		m.holder, m.seen = map[string]int{}, map[nameRep]bool{}
	}
	if m.seen[nameRep{t.Name, t.Rep}] {
		return nil // a trial read twice, which the reader keeps once
	}
	m.seen[nameRep{t.Name, t.Rep}] = true
	i, ok := m.holder[key]
	if !ok {
		err := b.decode(t, latency, service, lateness)
		if err == nil && t.Latency != nil {
			m.holder[key] = len(trials)
		}
		return err
	}
	var own Trial
	if err := (&Budget{left: MaxTotalCounts}).decode(&own, latency, service, lateness); err != nil {
		return err
	}
	into := &trials[i]
	for _, h := range []struct{ dst, src **Hist }{{&into.Latency, &own.Latency}, {&into.Service, &own.Service}, {&into.Lateness, &own.Lateness}} {
		switch {
		case *h.src == nil:
		case *h.dst == nil:
			*h.dst = *h.src
		default:
			(*h.dst).Merge((*h.src).Histogram)
		}
	}
	return nil
}

// readLine returns the next line of br without its newline, or tooLong
// and no line if it is longer than maxLine bytes: the rest of a long line
// is read and dropped, so that reading goes on at the next line. err is
// io.EOF after the last line.
func readLine(br *bufio.Reader, maxLine int) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			line = append(line, chunk...)
			if len(bytes.TrimSuffix(line, []byte("\n"))) > maxLine {
				line, tooLong = nil, true
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimSuffix(line, []byte("\n")), tooLong, err
	}
}

// Hist is an HDR histogram that travels as the standard compressed V2
// encoding (base64), which other HDR tools read too and which is small:
// the dense snapshot of a 1 ns–10 min histogram is about 200 KB of JSON.
type Hist struct{ *hdrhistogram.Histogram }

// MarshalJSON encodes the histogram as a JSON string.
func (h *Hist) MarshalJSON() ([]byte, error) {
	b, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		return nil, err
	}
	return json.Marshal(string(b))
}

// UnmarshalJSON decodes a histogram written by MarshalJSON, if it is
// within the bounds [CheckEncoded] states; it is checked before anything
// is allocated for it. (It is how the harness reads a trial from its
// child process; Read decodes the histograms itself, under a budget.)
func (h *Hist) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("HDR histogram: %w", err)
	}
	if _, err := CheckEncoded(s); err != nil {
		return fmt.Errorf("HDR histogram: %w", err)
	}
	d, err := hdrhistogram.Decode([]byte(s))
	if err != nil {
		return fmt.Errorf("HDR histogram: %w", err)
	}
	h.Histogram = d
	return nil
}

// Merge merges histograms exactly into a new one; nil ones are skipped. It
// returns nil if there is nothing to merge.
func Merge(hs ...*Hist) *hdrhistogram.Histogram {
	var out *hdrhistogram.Histogram
	for _, h := range hs {
		if h == nil || h.Histogram == nil {
			continue
		}
		if out == nil {
			out = hdrhistogram.Import(h.Export())
			continue
		}
		out.Merge(h.Histogram)
	}
	return out
}
