package trial

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
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

// Isolated runs each trial in a child process started as argv, which must
// read a Spec as JSON on stdin, run it with Run and write the
// record.Trial as JSON on stdout (`runbench trial` does). A child still
// running at the spec's timeout is sent SIGQUIT, so that the Go runtime
// prints every goroutine's stack, then killed; the trial is reported hung
// with those stacks. A child that dies is reported crashed with its output.
// Every child is started by package child: it leads its own process group,
// which is killed on every path out of here, and on Linux it dies with this
// process however this process dies.
func Isolated(argv []string, reg *targets.Registry) Executor {
	return func(ctx context.Context, ts Spec) (record.Trial, error) {
		in, err := json.Marshal(ts)
		if err != nil {
			return record.Trial{}, err
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
			return record.Trial{}, fmt.Errorf("start trial process: %w", err)
		}
		// Whatever happens below, the child's group goes: a trial process
		// may have started processes of its own.
		defer child.KillGroup(cmd)
		watchdog := time.NewTimer(ts.Scenario.Timeout.Duration)
		defer watchdog.Stop()
		fail := ts.Record(reg)
		select {
		case err := <-exited:
			if err != nil || stdout.Len() == 0 {
				fail.Status, fail.Error, fail.Stacks = record.StatusCrashed, fmt.Sprintf("trial process: %v", err), stderr.String()
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
			fail.Status, fail.Error, fail.Stacks = record.StatusHung, fmt.Sprintf("no result after the %v timeout; stacks at SIGQUIT follow", ts.Scenario.Timeout.Duration), stderr.String()
			return fail, nil
		case <-ctx.Done():
			child.KillGroup(cmd)
			<-exited
			fail.Status, fail.Error = record.StatusPartial, "interrupted"
			return fail, nil
		}
		var tr record.Trial
		if err := json.Unmarshal(stdout.Bytes(), &tr); err != nil {
			fail.Status, fail.Error, fail.Stacks = record.StatusCrashed, fmt.Sprintf("trial process wrote no result: %v", err), stderr.String()
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
