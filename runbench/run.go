package runbench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/harness"
	"github.com/concbench/concbench/internal/dirlock"
	"github.com/concbench/concbench/record"
	"github.com/concbench/concbench/report"
	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"
	"github.com/concbench/concbench/trial"
)

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// runFlags are run's flags, checked.
// maxRetry bounds -retry-disturbed: a machine busy for a whole trial and
// its retries is busy, and the run should say so rather than wait.
const maxRetry = 5

type runFlags struct {
	names          stringList
	params         stringList // -param name=v1,v2
	impls          []string   // -impl, split
	count          int
	out            string
	noReport       bool
	inProcess      bool
	floor          bool // -floor: harness-floor trials for open-loop scenarios
	shard          bool
	shardI, shardN int
	progress       progressMode
	retry          int // -retry-disturbed
}

func cmdRun(ctx context.Context, reg *targets.Registry, args []string, stdout, stderr io.Writer) error {
	f, err := parseRunFlags(args, stderr)
	if err != nil {
		return err
	}
	specs, plan, err := planRun(reg, f, stderr)
	if err != nil {
		return err
	}
	if !f.inProcess && testing.Testing() {
		// Each trial process re-executes this binary: a test binary would
		// run its tests again, and the trial's would run its own, without
		// end.
		return usageError{errors.New("run: this is a test binary (runbench.Run called from go test): trials in their own processes re-execute it, which would run the tests again; pass -in-process, or run the command a main calling runbench.Main builds")}
	}
	if f.inProcess {
		var left []string
		plan, left = withoutHangingDemos(reg, plan)
		if len(left) > 0 {
			fmt.Fprintf(stderr, "run: -in-process leaves out the demonstrations that hang or crash on purpose (%s): one process cannot contain a hang; run without -in-process to see them\n", strings.Join(left, ", "))
		}
		if len(plan) == 0 && len(left) > 0 {
			return usageError{errors.New("run: -in-process: no trial left once the demonstrations that hang or crash are left out")}
		}
	}
	lock, dir, err := outDir(f.out, time.Now())
	if err != nil {
		return err
	}
	defer lock.Release()
	opts, err := runOptions(reg, f, dir)
	if err != nil {
		return err
	}
	prog := newProgress(stderr, isTerminal(stderr), time.Now)
	switch f.progress {
	case progressAlways:
		prog.terminal = false
	case progressNever:
		prog.quiet = true // it still counts, for the closing summary
	}
	opts.Progress = prog.trial
	fmt.Fprintf(stdout, "running %d trials of %d scenarios into %s\n", len(plan), len(specs), dir)
	sum, runErr := harness.Run(ctx, plan, reg, opts)
	if runErr != nil && !errors.Is(runErr, trial.ErrRunStopped) {
		return runErr
	}
	fmt.Fprintln(stdout, prog.summary())
	return finishRun(sum, runErr, dir, f.noReport, stdout)
}

func parseRunFlags(args []string, stderr io.Writer) (runFlags, error) {
	var f runFlags
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Var(&f.params, "param", "`name=v1,v2`: run every scenario whose pattern has parameter name at these values, in place of its own, checked as a scenario file's are; repeatable (runbench list shows each pattern's parameters)")
	fs.Var(&f.names, "scenario", "scenario `NAME` (embedded) or FILE (.yaml); repeatable; default: the embedded quick suite")
	impls := fs.String("impl", "", "comma-separated implementations to run in each scenario of their pattern, in place of its list (scenarios of other patterns are left out); with a leading + on each (+mine,+theirs), beside its list")
	fs.IntVar(&f.count, "count", 0, "repetitions of every trial, overriding each scenario's repeat")
	fs.IntVar(&f.retry, "retry-disturbed", 0, "run a trial the machine disturbed (other processes or the hypervisor took its CPU past the bounds the report states) again, up to `N` times (0 to "+strconv.Itoa(maxRetry)+"); the last attempt is kept and lists the others' reasons")
	fs.StringVar(&f.out, "out", "", "output `DIR` (default: results/local/<UTC time>)")
	fs.BoolVar(&f.noReport, "no-report", false, "write results only, no charts or HTML")
	fs.BoolVar(&f.floor, "floor", true, "add the harness floor to every open-loop scenario: a pipe echo to another goroutine (targets.Floor) under the same schedule (impl="+targets.FloorImpl+", "+strconv.Itoa(harness.FloorRepeat)+" repetitions at each rate), kept whatever -impl says; -floor=false leaves it out")
	fs.BoolVar(&f.inProcess, "in-process", false, "run trials in this process instead of one child process each (faster, not isolated; leaves out the demonstrations that hang or crash on purpose)")
	progress := fs.String("progress", "auto", "progress while running: `auto` (one updating line on a terminal, a line every 10 s otherwise), always (a line every 10 s), never")
	shard := fs.String("shard", "", "run only shard `i/n` of the plan (i from 0): whole cells (a scenario at one parameter point, every implementation and repetition) dealt to n machines; merge their files with runbench report")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: runbench run [flags]

Runs scenarios: every (scenario, implementation, parameters, repetition) is one
trial in its own child process, repetitions interleaved across implementations.
Writes DIR/results.txt (Go benchmark format: go tool benchstat reads it),
DIR/results.jsonl (histograms and time series), then DIR/report.html with its
PNG charts, and prints the report's path last. Exit status 1 if a trial
crashed, hung or leaked goroutines (a demonstration's trial doing so is listed
as demonstrated, and does not count); 2 for a bad scenario file or flag.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return f, err
	}
	if fs.NArg() > 0 {
		return f, usageError{fmt.Errorf("run: unexpected argument %q (scenarios go after -scenario)", fs.Arg(0))}
	}
	if f.retry < 0 || f.retry > maxRetry {
		return f, usageError{fmt.Errorf("run: -retry-disturbed %d: want 0 to %d", f.retry, maxRetry)}
	}
	if f.count < 0 || f.count > scenarios.MaxCount {
		return f, usageError{fmt.Errorf("run: -count %d: want 0 (each scenario's repeat) to %d", f.count, scenarios.MaxCount)}
	}
	if *shard != "" {
		var err error
		f.shard = true
		if f.shardI, f.shardN, err = parseShard(*shard); err != nil {
			return f, usageError{err}
		}
	}
	if *impls != "" {
		f.impls = strings.Split(*impls, ",")
	}
	var err error
	if f.progress, err = parseProgress(*progress); err != nil {
		return f, usageError{fmt.Errorf("run: %w", err)}
	}
	return f, nil
}

// runOptions picks the executor: a child process of this binary per trial,
// or this process.
func runOptions(reg *targets.Registry, f runFlags, dir string) (harness.Options, error) {
	exe := trial.InProcess(reg)
	if !f.inProcess {
		self, err := os.Executable()
		if err != nil {
			return harness.Options{}, fmt.Errorf("run: cannot find own binary to start trials: %w", err)
		}
		exe = trial.Isolated([]string{self, "trial"}, reg)
	}
	cfg := harness.HostConfig(gitCommit())
	if f.shard {
		// Every line of a shard says so: a report of some shards only is a
		// partial study, and says so too.
		cfg = append(cfg, harness.KV{Key: "shard", Value: fmt.Sprintf("%d/%d", f.shardI, f.shardN)})
	}
	return harness.Options{OutDir: dir, Exec: exe, Config: cfg, RetryDisturbed: f.retry}, nil
}

// outDir takes the run's results folder: out, which must be new or empty,
// or a new folder results/local/<UTC time> (with a -2, -3, … where runs
// start in the same second). The folder is ours, and writable, before the
// first trial runs: a second run into it, or an unwritable one, is
// refused now rather than after minutes of trials, and a run never writes
// beside another's results (which it would replace, leaving the other's
// charts beside its report).
func outDir(out string, now time.Time) (*dirlock.Lock, string, error) {
	if out == "" {
		base := filepath.Join("results", "local", now.UTC().Format("20060102-150405"))
		if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
			return nil, "", usageError{fmt.Errorf("run: %w", err)}
		}
		for i := 1; ; i++ {
			out = base
			if i > 1 {
				out = fmt.Sprintf("%s-%d", base, i)
			}
			err := os.Mkdir(out, 0o755)
			if err == nil {
				break
			}
			if !errors.Is(err, fs.ErrExist) || i == 1000 {
				return nil, "", usageError{fmt.Errorf("run: %w", err)}
			}
		}
	}
	lock, err := dirlock.Acquire(out, "runbench run")
	if err != nil {
		return nil, "", usageError{fmt.Errorf("run: %w", err)}
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		lock.Release()
		return nil, "", usageError{fmt.Errorf("run: %w", err)}
	}
	for _, e := range entries {
		if e.Name() != dirlock.Name {
			lock.Release()
			return nil, "", usageError{fmt.Errorf("run: -out %s is not empty (it holds %s): a run writes into a new or empty folder, so that it never replaces another run's results or leaves them beside its own", out, e.Name())}
		}
	}
	return lock, out, nil
}

// warnDisturbed lists (the first few of) the trials whose numbers are
// not their target's alone.
func warnDisturbed(stdout io.Writer, ts []harness.Outcome) {
	if len(ts) == 0 {
		return
	}
	retried := 0
	for _, t := range ts {
		if t.Retries > 0 {
			retried++
		}
	}
	fmt.Fprintf(stdout, "WARNING: %d trials disturbed; their numbers are not their target's alone (the report marks them", len(ts))
	if retried > 0 {
		fmt.Fprintf(stdout, "; %d of them after -retry-disturbed ran them again", retried)
	}
	fmt.Fprintln(stdout, "):")
	for i, t := range ts {
		if i == 5 {
			fmt.Fprintf(stdout, "  … and %d more\n", len(ts)-5)
			break
		}
		fmt.Fprintf(stdout, "  %s rep %d: %s\n", t.Name, t.Rep, t.Disturbed)
	}
}

// finishRun says what the run left, writes the report, and maps the
// outcome to the exit status.
// A failure of a demonstration implementation (demo reports which) is what
// it is there to show: it is listed as demonstrated and does not make the
// run fail.
func finishRun(sum harness.Summary, runErr error, dir string, noReport bool, stdout io.Writer) error {
	fmt.Fprintf(stdout, "results: %s\n", sum.Results)
	switch {
	case runErr != nil:
		fmt.Fprintf(stdout, "stopped: %v\nthe results hold the trials that finished and say partial\n", runErr)
	case sum.Partial:
		fmt.Fprintln(stdout, "interrupted: the results hold the trials that finished and say partial")
	}
	failed := sum.Failed()
	for _, t := range failed {
		fmt.Fprintf(stdout, "%s: %s rep %d: %s\n", t.Status, t.Name, t.Rep, t.Error)
	}
	for _, t := range sum.Demonstrated() {
		fmt.Fprintf(stdout, "%s, as demonstrated: %s rep %d\n", t.Status, t.Name, t.Rep)
	}
	if all := sum.AllFailed(); len(all) > 0 {
		fmt.Fprintf(stdout, "WARNING: every operation failed in %d trials; their numbers measure failures (is what they call up? declare error_budget to fail such a run):\n", len(all))
		for i, t := range all {
			if i == 5 {
				fmt.Fprintf(stdout, "  … and %d more\n", len(all)-5)
				break
			}
			fmt.Fprintf(stdout, "  %s rep %d: %d of %d operations failed\n", t.Name, t.Rep, t.Errors, t.Ops)
		}
	}
	warnDisturbed(stdout, sum.Disturbed())
	if n := sum.RetriedClean(); n > 0 {
		fmt.Fprintf(stdout, "%d trials the machine disturbed ran again undisturbed (-retry-disturbed); their records say so\n", n)
	}
	if !noReport {
		html, err := report.Generate(context.Background(), dir, []string{sum.Results}, report.Options{}) // an interrupted run still gets the report of what finished
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		fmt.Fprintf(stdout, "report: %s\n", html)
	}
	switch {
	case runErr != nil:
		return failedError{"run stopped early (see above)"}
	case len(failed) > 0:
		return failedError{fmt.Sprintf("%d of %d trials did not end ok (see above and the report)", len(failed), len(sum.Trials))}
	case sum.Partial:
		return failedError{"run interrupted"}
	}
	return nil
}

// parseShard parses "i/n" strictly: two whole numbers, 0 <= i < n.
func parseShard(v string) (i, n int, err error) {
	bad := fmt.Errorf("run: -shard %q: want i/n, two whole numbers with 0 <= i < n (e.g. 0/4)", v)
	a, b, ok := strings.Cut(v, "/")
	if !ok {
		return 0, 0, bad
	}
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || i < 0 || n < 1 || i >= n {
		return 0, 0, bad
	}
	return i, n, nil
}

// gitCommit names the code a run measured: the checkout's commit if the
// run starts in one, else the revision the binary was built from.
func gitCommit() string {
	out, err := exec.Command("git", "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		if bi, ok := debug.ReadBuildInfo(); ok {
			if rev, modified := buildRevision(bi); rev != "" {
				if modified {
					rev += "-dirty"
				}
				return rev
			}
		}
		return "unknown"
	}
	rev := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
		rev += "-dirty"
	}
	return rev
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// withoutHangingDemos returns plan without the trials of demonstrations
// that may hang or crash on purpose, and the names of those left out:
// in-process, a hang stops the whole run (a goroutine cannot be killed)
// and a crash ends it.
func withoutHangingDemos(reg *targets.Registry, plan []trial.Spec) ([]trial.Spec, []string) {
	var keep []trial.Spec
	var left []string
	for _, ts := range plan {
		hangs := false
		if pat, ok := reg.Lookup(ts.Scenario.Pattern); ok {
			for _, impl := range pat.Impls {
				if impl.Name == ts.Impl && (slices.Contains(impl.DemoEnds, record.StatusHung) || slices.Contains(impl.DemoEnds, record.StatusCrashed)) {
					hangs = true
				}
			}
		}
		if !hangs {
			keep = append(keep, ts)
		} else if name := ts.Scenario.Pattern + "/" + ts.Impl; !slices.Contains(left, name) {
			left = append(left, name)
		}
	}
	return keep, left
}
