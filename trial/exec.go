package trial

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"time"

	"github.com/concbench/concbench/internal/child"
	"github.com/concbench/concbench/record"
	"github.com/concbench/concbench/targets"
)

// Executor runs one trial and returns its record.
type Executor func(ctx context.Context, ts Spec) (record.Trial, error)

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
func InProcess(reg *targets.Registry) Executor {
	return func(ctx context.Context, ts Spec) (record.Trial, error) {
		type result struct {
			tr  record.Trial
			err error
		}
		done := make(chan result, 1)
		// Owned by this function on every path that returns normally; on a
		// hang it is abandoned on purpose (see above) and the run stops.
		go func() {
			if ts.Procs > 0 {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(ts.Procs))
			}
			tr, err := Run(ctx, ts, reg)
			done <- result{tr, err}
		}()
		watchdog := time.NewTimer(ts.Scenario.Timeout.Duration)
		defer watchdog.Stop()
		fail := ts.Record(reg)
		select {
		case r := <-done:
			return r.tr, r.err
		case <-watchdog.C:
			fail.Status, fail.Error = record.StatusHung, fmt.Sprintf("no result after the %v timeout; stacks follow; the in-process run stops here", ts.Scenario.Timeout.Duration)
		case <-ctx.Done():
			// Run stops its generator on ctx; a target deaf to it gets a
			// grace period.
			select {
			case r := <-done:
				return r.tr, r.err
			case <-time.After(interruptGrace):
			}
			fail.Status, fail.Error = record.StatusPartial, fmt.Sprintf("interrupted, and the trial did not stop within %v; stacks follow", interruptGrace)
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

// ResultEnv names the environment variable that gives a trial process
// the file to write its record to ([Serve]). The record does not travel
// on the child's standard output: the code under test owns that, and may
// print to it.
const ResultEnv = "CONCBENCH_TRIAL_RESULT"

// maxOutput bounds what is kept of a trial process's standard output and
// error, together: the last MiB, which holds a SIGQUIT's goroutine dump.
const maxOutput = 1 << 20

// Isolated runs each trial in a child process started as argv, which must
// serve it ([Serve]: `runbench trial` does): read its Spec as JSON on
// stdin, run it, and write its record to the file [ResultEnv] names.
// What the child writes to its standard output and error is its own (the
// code under test may print); the last of it is kept, in the record's
// Output, or in Stacks where the trial hung or crashed.
//
// A child still running at the spec's timeout is sent SIGQUIT, so that the
// Go runtime prints every goroutine's stack, then killed; the trial is
// reported hung with those stacks. A child that exits without a record is
// reported crashed, with its exit status and output: one that exits 0
// without a record had something in it call os.Exit. Every child is
// started by package child: it leads its own process group, which is
// killed on every path out of here, and on Linux it dies with this process
// however this process dies.
func Isolated(argv []string, reg *targets.Registry) Executor {
	return func(ctx context.Context, ts Spec) (record.Trial, error) {
		in, err := json.Marshal(ts)
		if err != nil {
			return record.Trial{}, err
		}
		result, err := os.CreateTemp("", "concbench-trial-*.json")
		if err != nil {
			return record.Trial{}, fmt.Errorf("trial result file: %w", err)
		}
		result.Close()
		defer os.Remove(result.Name())
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Stdin = bytes.NewReader(in)
		// All goroutines in the SIGQUIT dump, whatever the caller's setting.
		cmd.Env = append(os.Environ(), "GOTRACEBACK=all", ResultEnv+"="+result.Name())
		if ts.Procs > 0 {
			cmd.Env = append(cmd.Env, fmt.Sprintf("GOMAXPROCS=%d", ts.Procs))
		}
		// Wait returns this long after the child exits even if something it
		// started still holds its output open: the record is in its file,
		// and a second is ample for the rest of its output to drain.
		cmd.WaitDelay = time.Second
		output := &tailBuffer{max: maxOutput}
		cmd.Stdout, cmd.Stderr = output, output
		exited, err := child.Start(cmd)
		if err != nil {
			return record.Trial{}, fmt.Errorf("start trial process: %w", err)
		}
		// Whatever happens below, the child's group goes: a trial process
		// may have started processes of its own.
		defer child.KillGroup(cmd)
		return watch(ctx, ts, reg, cmd, exited, output, result.Name()), nil
	}
}

// watch waits for a trial process, or its watchdog, or ctx, and returns
// the trial's record: the child's, or one that says why there is none.
func watch(ctx context.Context, ts Spec, reg *targets.Registry, cmd *exec.Cmd, exited <-chan error, output *tailBuffer, result string) record.Trial {
	watchdog := time.NewTimer(ts.Scenario.Timeout.Duration)
	defer watchdog.Stop()
	fail := ts.Record(reg)
	select {
	case err := <-exited:
		tr, rerr := readResult(result)
		switch {
		case rerr == nil:
			tr.Output = output.Tail(maxKeptOutput)
			return tr
		case err == nil || errors.Is(err, exec.ErrWaitDelay):
			fail.Status, fail.Error = record.StatusCrashed, "the trial process exited with status 0 before writing its result: something in the code under test called os.Exit"
		default:
			fail.Status, fail.Error = record.StatusCrashed, fmt.Sprintf("trial process: %v, and no result (%v)", err, rerr)
		}
		fail.Stacks = output.String()
	case <-watchdog.C:
		_ = cmd.Process.Signal(syscall.SIGQUIT)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			child.KillGroup(cmd)
			<-exited
		}
		fail.Status, fail.Error, fail.Stacks = record.StatusHung, fmt.Sprintf("no result after the %v timeout; stacks at SIGQUIT follow", ts.Scenario.Timeout.Duration), output.String()
	case <-ctx.Done():
		child.KillGroup(cmd)
		<-exited
		fail.Status, fail.Error = record.StatusPartial, "interrupted"
	}
	return fail
}

// maxKeptOutput bounds the output an ok trial's record keeps: the last of
// what the code under test printed, for the report to show.
const maxKeptOutput = 8 << 10

// readResult reads the record a trial process wrote to path: absent or
// empty if it wrote none.
func readResult(path string) (record.Trial, error) {
	f, err := os.Open(path)
	if err != nil {
		return record.Trial{}, err
	}
	defer f.Close()
	var tr record.Trial
	dec := json.NewDecoder(io.LimitReader(f, record.MaxLine))
	if err := dec.Decode(&tr); err != nil {
		if errors.Is(err, io.EOF) {
			return tr, errors.New("it wrote no record")
		}
		return tr, fmt.Errorf("its record does not decode: %w", err)
	}
	return tr, nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	max int
	buf []byte
}

// Write keeps the tail of p; it never fails, and never holds more than
// max bytes and one write's tail.
func (t *tailBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if len(p) > t.max {
		p = p[len(p)-t.max:]
	}
	if over := len(t.buf) + len(p) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	t.buf = append(t.buf, p...)
	return n, nil
}

func (t *tailBuffer) String() string { return string(t.buf) }

// Tail returns the last n bytes kept, from a line's start where one
// begins within them.
func (t *tailBuffer) Tail(n int) string {
	b := t.buf
	if len(b) > n {
		b = b[len(b)-n:]
		if i := bytes.IndexByte(b, '\n'); i >= 0 && i < len(b)-1 {
			b = b[i+1:]
		}
	}
	return string(b)
}
