package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/concbench/concbench/internal/child"
	"github.com/concbench/concbench/internal/clockcost"
	"github.com/concbench/concbench/internal/sidecar"
	"github.com/concbench/concbench/scenarios"
)

// Executor runs one trial and returns its record.
type Executor func(ctx context.Context, ts scenarios.TrialSpec) (sidecar.Trial, error)

// ErrRunStopped wraps an executor's error that stops the whole run: the
// trial it returns with it is recorded, the results are written as partial,
// and no further trial starts.
var ErrRunStopped = errors.New("run stopped")

// InProcess runs trials in this process: for tests, and for quick looks
// where isolation does not matter. A trial with Procs set changes
// GOMAXPROCS for its duration and restores it after.
//
// The watchdog is the same as Isolated's, but a goroutine cannot be killed:
// a trial still running at its timeout (or 5 s after an interrupt) is
// reported hung (or partial) with every goroutine's stack, left behind, and
// the run stops with ErrRunStopped, since this process is no longer a clean
// place to measure anything. The CLI exits right after, which ends it.
func InProcess(reg *scenarios.Registry) Executor {
	return func(ctx context.Context, ts scenarios.TrialSpec) (sidecar.Trial, error) {
		type result struct {
			tr  sidecar.Trial
			err error
		}
		done := make(chan result, 1)
		// Owned by this function on every path that returns normally; on a
		// hang it is abandoned on purpose (see above) and the run stops.
		go func() {
			if ts.Procs > 0 {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(ts.Procs))
			}
			tr, err := scenarios.RunTrial(ctx, ts, reg)
			done <- result{tr, err}
		}()
		watchdog := time.NewTimer(ts.Spec.Timeout.Duration)
		defer watchdog.Stop()
		fail := failedTrial(ts, reg)
		select {
		case r := <-done:
			return r.tr, r.err
		case <-watchdog.C:
			fail.Status, fail.Error = sidecar.StatusHung, fmt.Sprintf("no result after the %v timeout; stacks follow; the in-process run stops here", ts.Spec.Timeout.Duration)
		case <-ctx.Done():
			// scenarios.RunTrial stops its generator on ctx; a target deaf to it
			// gets a grace period.
			select {
			case r := <-done:
				return r.tr, r.err
			case <-time.After(interruptGrace):
			}
			fail.Status, fail.Error = sidecar.StatusPartial, fmt.Sprintf("interrupted, and the trial did not stop within %v; stacks follow", interruptGrace)
		}
		fail.Stacks = allStacks()
		return fail, fmt.Errorf("%w: trial %s rep %d: %s", ErrRunStopped, fail.Name, ts.Rep, fail.Error)
	}
}

// interruptGrace is how long an interrupted in-process trial may take to
// stop.
const interruptGrace = 5 * time.Second

// allStacks returns every goroutine's stack, as a SIGQUIT would print them.
func allStacks() string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) || len(buf) >= 64<<20 {
			return string(buf[:n])
		}
		buf = make([]byte, 2*len(buf))
	}
}

// failedTrial is the record of a trial that produced none of its own.
func failedTrial(ts scenarios.TrialSpec, reg *scenarios.Registry) sidecar.Trial {
	return sidecar.Trial{
		Name: ts.Name(reg), Scenario: ts.Spec.Name, Pattern: ts.Spec.Pattern, Impl: ts.Impl,
		Params: ts.Params, Rep: ts.Rep, Model: string(ts.Spec.Load.Model),
	}
}

// Isolated runs each trial in a child process started as argv, which must
// read a scenarios.TrialSpec as JSON on stdin, run it with scenarios.RunTrial and write the
// sidecar.Trial as JSON on stdout (`runbench trial` does). A child still
// running at the spec's timeout is sent SIGQUIT, so that the Go runtime
// prints every goroutine's stack, then killed; the trial is reported hung
// with those stacks. A child that dies is reported crashed with its output.
// Every child is started by package child: it leads its own process group,
// which is killed on every path out of here, and on Linux it dies with this
// process however this process dies.
func Isolated(argv []string, reg *scenarios.Registry) Executor {
	return func(ctx context.Context, ts scenarios.TrialSpec) (sidecar.Trial, error) {
		in, err := json.Marshal(ts)
		if err != nil {
			return sidecar.Trial{}, err
		}
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Stdin = bytes.NewReader(in)
		// All goroutines in the SIGQUIT dump, whatever the caller's setting.
		cmd.Env = append(os.Environ(), "GOTRACEBACK=all")
		if ts.Procs > 0 {
			cmd.Env = append(cmd.Env, fmt.Sprintf("GOMAXPROCS=%d", ts.Procs))
		}
		// Wait returns this long after the child exits even if something it
		// started still holds its output open.
		cmd.WaitDelay = 5 * time.Second
		var stdout bytes.Buffer
		stderr := &tailBuffer{max: 1 << 20}
		cmd.Stdout, cmd.Stderr = &stdout, stderr
		exited, err := child.Start(cmd)
		if err != nil {
			return sidecar.Trial{}, fmt.Errorf("start trial process: %w", err)
		}
		// Whatever happens below, the child's group goes: a trial process
		// may have started processes of its own.
		defer child.KillGroup(cmd)
		watchdog := time.NewTimer(ts.Spec.Timeout.Duration)
		defer watchdog.Stop()
		fail := failedTrial(ts, reg)
		select {
		case err := <-exited:
			if err != nil || stdout.Len() == 0 {
				fail.Status, fail.Error, fail.Stacks = sidecar.StatusCrashed, fmt.Sprintf("trial process: %v", err), stderr.String()
				return fail, nil
			}
		case <-watchdog.C:
			_ = cmd.Process.Signal(syscall.SIGQUIT)
			select {
			case <-exited:
			case <-time.After(5 * time.Second):
				child.KillGroup(cmd)
				<-exited
			}
			fail.Status, fail.Error, fail.Stacks = sidecar.StatusHung, fmt.Sprintf("no result after the %v timeout; stacks at SIGQUIT follow", ts.Spec.Timeout.Duration), stderr.String()
			return fail, nil
		case <-ctx.Done():
			child.KillGroup(cmd)
			<-exited
			fail.Status, fail.Error = sidecar.StatusPartial, "interrupted"
			return fail, nil
		}
		var tr sidecar.Trial
		if err := json.Unmarshal(stdout.Bytes(), &tr); err != nil {
			fail.Status, fail.Error, fail.Stacks = sidecar.StatusCrashed, fmt.Sprintf("trial process wrote no result: %v", err), stderr.String()
			return fail, nil
		}
		return tr, nil
	}
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = t.buf[over:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.buf) }

// Options of Run.
type Options struct {
	OutDir string   // results.txt and results.jsonl go here
	Exec   Executor // how a trial runs
	// Progress, if set, is called after every trial with how many of the
	// plan's trials are done and the one just recorded.
	Progress func(done, total int, tr sidecar.Trial)
	Config   []KV // extra file configuration (commit, …)
}

// KV is one configuration line of a results file.
type KV struct{ Key, Value string }

// Summary is what Run did.
type Summary struct {
	Results string // path of the benchfmt file
	Trials  []sidecar.Trial
	Partial bool
}

// Failed returns the trials whose status is not ok, but for those that
// ended as their demonstration declares (see Demonstrated).
func (s Summary) Failed() []sidecar.Trial {
	var bad []sidecar.Trial
	for _, t := range s.Trials {
		if t.Status != sidecar.StatusOK && !t.Demonstrated {
			bad = append(bad, t)
		}
	}
	return bad
}

// Demonstrated returns the trials of demonstration implementations that
// ended with a status their implementation declares (ImplInfo.DemoEnds):
// a hang or a leak they exist to show, which does not fail the run. (The
// conformance suite checks that each demonstrates what it declares.)
func (s Summary) Demonstrated() []sidecar.Trial {
	var out []sidecar.Trial
	for _, t := range s.Trials {
		if t.Demonstrated {
			out = append(out, t)
		}
	}
	return out
}

// markDemo records on tr what its implementation demonstrates, if it is a
// demonstration, and whether tr ended as that demonstration declares.
func markDemo(reg *scenarios.Registry, ts scenarios.TrialSpec, tr *sidecar.Trial) {
	pat, ok := reg.Lookup(ts.Spec.Pattern)
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

// Run runs the plan, rewriting OutDir/results.txt and results.jsonl
// atomically after every trial, so an interrupted run keeps every finished
// trial and says it is partial. An empty plan writes an empty pair.
func Run(ctx context.Context, plan []scenarios.TrialSpec, reg *scenarios.Registry, opts Options) (Summary, error) {
	if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
		return Summary{}, err
	}
	sum := Summary{Results: filepath.Join(opts.OutDir, "results.txt")}
	out := &resultWriter{path: sum.Results, config: opts.Config, reg: reg}
	for i, ts := range plan {
		if ctx.Err() != nil {
			sum.Partial = true
			break
		}
		tr, err := opts.Exec(ctx, ts)
		markDemo(reg, ts, &tr)
		if err != nil {
			// Keep what finished, and the record of this trial if the
			// executor made one, marked partial.
			sum.Partial = true
			if tr.Name != "" {
				sum.Trials = append(sum.Trials, tr)
				err = errors.Join(err, out.add(ts, tr))
			}
			if ferr := out.flush(true); ferr != nil {
				err = errors.Join(err, ferr)
			}
			if errors.Is(err, ErrRunStopped) {
				return sum, err
			}
			return sum, fmt.Errorf("trial %s rep %d: %w", ts.Name(reg), ts.Rep, err)
		}
		if tr.Status == sidecar.StatusPartial {
			sum.Partial = true
		}
		sum.Trials = append(sum.Trials, tr)
		if err := out.add(ts, tr); err != nil {
			return sum, err
		}
		if err := out.flush(sum.Partial || i+1 < len(plan)); err != nil {
			return sum, err
		}
		if opts.Progress != nil {
			opts.Progress(i+1, len(plan), tr)
		}
	}
	if len(plan) == 0 {
		// An empty shard of a study: an empty, complete pair of files, so
		// that the merge step finds every shard's results.
		return sum, out.flush(false)
	}
	if sum.Partial {
		return sum, out.flush(true)
	}
	return sum, nil
}

// HostConfig returns the configuration lines that make a result attributable.
func HostConfig(commit string) []KV {
	return []KV{
		{"goos", runtime.GOOS}, {"goarch", runtime.GOARCH}, {"cpu", cpuName()},
		{"goversion", runtime.Version()}, {"gomaxprocs", fmt.Sprint(runtime.GOMAXPROCS(0))},
		{"commit", commit}, {"date", time.Now().UTC().Format(time.RFC3339)},
		// What a clock read costs here: where it dominates a cost, a
		// ratio is this machine's, not the design's (report says so).
		{"clock-ns", strconv.FormatFloat(clockcost.Measure(), 'f', 1, 64)},
	}
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
