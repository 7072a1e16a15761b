package harness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/concbench/concbench/internal/clockcost"
	"github.com/concbench/concbench/record"
	"github.com/concbench/concbench/targets"
	"github.com/concbench/concbench/trial"
)

// Options of Run.
type Options struct {
	OutDir string         // results.txt and results.jsonl go here
	Exec   trial.Executor // how a trial runs
	// Progress, if set, is called after every trial with how many of the
	// plan's trials are done and the one just recorded.
	Progress func(done, total int, tr record.Trial)
	Config   []KV // extra file configuration (commit, …)
	// RetryDisturbed is how many times a trial the machine disturbed
	// (record.Trial.Noise past its bounds) is run again, at most; the
	// record kept is the last attempt's, which lists the reasons of those
	// it replaced (record.Trial.Retries).
	RetryDisturbed int
}

// KV is one configuration line of a results file.
type KV struct{ Key, Value string }

// Summary is what Run did. It holds an outcome per trial, not its record:
// a run's memory does not grow with its histograms, which go to the
// sidecar as each trial ends.
type Summary struct {
	Results string // path of the benchfmt file
	Trials  []Outcome
	Partial bool
}

// Outcome is what the summary keeps of one trial.
type Outcome struct {
	Name   string
	Impl   string
	Rep    int
	Status string
	Error  string
	// Demo is what a demonstration implementation demonstrates;
	// Demonstrated, that the trial ended as its demonstration declares.
	Demo         string
	Demonstrated bool
	Ops, Errors  int64 // measured operations, and of them those that failed
	Disturbed    string
	Retries      int // disturbed attempts run again
}

func outcome(tr record.Trial) Outcome {
	return Outcome{Name: tr.Name, Impl: tr.Impl, Rep: tr.Rep, Status: tr.Status, Error: tr.Error, Demo: tr.Demo,
		Demonstrated: tr.Demonstrated, Ops: tr.Ops, Errors: tr.Errors, Disturbed: tr.Disturbed, Retries: len(tr.Retries)}
}

// Failed returns the trials whose status is not ok, but for those that
// ended as their demonstration declares (see Demonstrated).
func (s Summary) Failed() []Outcome {
	var bad []Outcome
	for _, t := range s.Trials {
		if t.Status != record.StatusOK && !t.Demonstrated {
			bad = append(bad, t)
		}
	}
	return bad
}

// AllFailed returns the trials that ended ok although every operation
// they measured failed: throughput of instant errors, which reads as a
// fast design unless it is said.
func (s Summary) AllFailed() []Outcome {
	var out []Outcome
	for _, t := range s.Trials {
		if t.Status == record.StatusOK && t.Ops > 0 && t.Errors == t.Ops {
			out = append(out, t)
		}
	}
	return out
}

// Disturbed returns the trials whose numbers are not their target's
// alone (record.Trial.Disturbed).
func (s Summary) Disturbed() []Outcome {
	var out []Outcome
	for _, t := range s.Trials {
		if t.Disturbed != "" {
			out = append(out, t)
		}
	}
	return out
}

// RetriedClean counts the trials that the machine disturbed and that ran
// again undisturbed (Options.RetryDisturbed).
func (s Summary) RetriedClean() int {
	n := 0
	for _, t := range s.Trials {
		if t.Retries > 0 && t.Disturbed == "" {
			n++
		}
	}
	return n
}

// Demonstrated returns the trials of demonstration implementations that
// ended with a status their implementation declares (ImplInfo.DemoEnds):
// a hang or a leak they exist to show, which does not fail the run. (The
// conformance suite checks that each demonstrates what it declares.)
func (s Summary) Demonstrated() []Outcome {
	var out []Outcome
	for _, t := range s.Trials {
		if t.Demonstrated {
			out = append(out, t)
		}
	}
	return out
}

// markDemo records on tr what its implementation demonstrates, if it is a
// demonstration, and whether tr ended as that demonstration declares.
func markDemo(reg *targets.Registry, ts trial.Spec, tr *record.Trial) {
	pat, ok := reg.Lookup(ts.Scenario.Pattern)
	if !ok {
		return
	}
	for _, impl := range pat.Impls {
		if impl.Name == ts.Impl && impl.Demo != "" {
			tr.Demo = impl.Demo
			tr.Demonstrated = slices.Contains(impl.DemoEnds, tr.Status)
		}
	}
}

// Run runs the plan and writes OutDir/results.txt and results.jsonl as it
// goes: each trial's lines are appended when it ends, so that an
// interrupted run keeps every finished trial, its results saying
// run-status partial until the last trial of a whole run, when they are
// made complete. An empty plan writes an empty, complete pair. Run's
// memory stays bounded whatever the length of the plan: it keeps an
// Outcome per trial, and writes each record once.
func Run(ctx context.Context, plan []trial.Spec, reg *targets.Registry, opts Options) (Summary, error) {
	if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
		return Summary{}, err
	}
	sum := Summary{Results: filepath.Join(opts.OutDir, "results.txt")}
	out, err := createResults(sum.Results, opts.Config, reg)
	if err != nil {
		return sum, err
	}
	defer out.close()
	seq := newSequential(reg)
	for i, ts := range plan {
		if ctx.Err() != nil {
			sum.Partial = true
			break
		}
		if err := seq.finishBefore(ts, out); err != nil {
			return sum, err
		}
		if seq.skip(ts) {
			continue
		}
		tr, err := execRetrying(ctx, opts, ts)
		seq.add(ts, tr)
		markDemo(reg, ts, &tr)
		if err != nil {
			// Keep what finished, and the record of this trial if the
			// executor made one, marked partial.
			sum.Partial = true
			if tr.Name != "" {
				sum.Trials = append(sum.Trials, outcome(tr))
				err = errors.Join(err, out.add(ts, tr))
			}
			if errors.Is(err, trial.ErrRunStopped) {
				return sum, err
			}
			return sum, fmt.Errorf("trial %s rep %d: %w", ts.Name(reg), ts.Rep, err)
		}
		if tr.Status == record.StatusPartial {
			sum.Partial = true
		}
		sum.Trials = append(sum.Trials, outcome(tr))
		if err := out.add(ts, tr); err != nil {
			return sum, err
		}
		if opts.Progress != nil {
			opts.Progress(i+1, len(plan), tr)
		}
	}
	if sum.Partial {
		return sum, nil
	}
	if err := seq.finishBefore(trial.Spec{}, out); err != nil {
		return sum, err
	}
	return sum, out.complete()
}

// execRetrying runs one trial, and again, up to opts.RetryDisturbed
// times, while the machine disturbed it.
func execRetrying(ctx context.Context, opts Options, ts trial.Spec) (record.Trial, error) {
	tr, err := opts.Exec(ctx, ts)
	var replaced []string
	for range opts.RetryDisturbed {
		if err != nil || ctx.Err() != nil || tr.Noise == nil || tr.Noise.Disturbed(tr.GOMAXPROCS) == "" {
			break
		}
		replaced = append(replaced, tr.Disturbed)
		tr, err = opts.Exec(ctx, ts)
	}
	tr.Retries = replaced
	return tr, err
}

// HostConfig returns the configuration lines that make a result
// attributable: the machine, the toolchain, the commit, the date, what a
// clock read costs, and the runtime settings from the environment that
// reach every trial process and change what it measures (GODEBUG, GOGC,
// GOMEMLIMIT), where they are set.
func HostConfig(commit string) []KV {
	kv := []KV{
		{"goos", runtime.GOOS}, {"goarch", runtime.GOARCH}, {"cpu", cpuName()},
		{"goversion", runtime.Version()}, {"gomaxprocs", fmt.Sprint(runtime.GOMAXPROCS(0))},
		{"commit", commit}, {"date", time.Now().UTC().Format(time.RFC3339)},
		// What a clock read costs here: where it dominates a cost, a
		// ratio is this machine's, not the design's (report says so).
		{"clock-ns", strconv.FormatFloat(clockcost.Measure(), 'f', 1, 64)},
	}
	for _, env := range []string{"GODEBUG", "GOGC", "GOMEMLIMIT"} {
		if v, ok := os.LookupEnv(env); ok {
			kv = append(kv, KV{strings.ToLower(env), v})
		}
	}
	return kv
}

func cpuName() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				return strings.TrimSpace(v)
			}
		}
	}
	return runtime.GOARCH
}
