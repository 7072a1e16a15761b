package conformance_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/conformance"
)

// failing is what TestFailingChecks wants of one check of TestBroken's
// child: its status and what its output says.
type failing struct {
	check   string   // its name under TestBroken/
	status  string   // PASS, FAIL or SKIP
	says    []string // in its output
	saysNot []string // not in its output
}

// TestFailingChecks runs TestBroken's broken implementations in child
// processes (the test binary again) and reads their verbose output: each
// failing check fails alone, naming itself and the way out, and the checks
// after it run and report; the binary ends as a failed test run does
// (exit status 1), not by a panic. The pool whose Close spins and the
// breaker whose callers wait on a lock (the seed breaker without its
// SerialisesCalls) run in a child of their own, whose watchdog's bound is
// 1.5s, on the checks around the one each gets stuck in (run whole, they
// pass the others).
func TestFailingChecks(t *testing.T) {
	children := []struct {
		name, run string
		env       []string
		want      []failing
	}{
		{name: "default", run: "^TestBroken$/^(blockingexecute|fixedthreshold|canceledfailure|ignoresctx|idlelimit|stopslate|unordered|nils)$",
			want: slicesConcat(breakerFailures(), poolFailures(), otherFailures(), nilFailures())},
		{name: "stuck", run: "^TestBroken$/^(spinclose|serialises)$/" +
			"^(SubmitAfterClose|SubmitRacingClose|WorkerLimitOverTime|Generations|FnRunsOnCallersGoroutine)$",
			env: []string{conformance.CheckTimeoutEnv + "=1.5s"},
			want: []failing{
				{check: "spinclose/SubmitAfterClose", status: "PASS"},
				{check: "spinclose/SubmitRacingClose", status: "FAIL", says: []string{"spinclose/SubmitRacingClose: still running after 1.5s of real time",
					conformance.CheckTimeoutEnv, "spinClosePool).Close"}},
				{check: "spinclose/WorkerLimitOverTime", status: "PASS"},
				// Callers wait for a lock held across a blocked fn: not
				// durably blocked, so the bubble stands still.
				{check: "serialises/Generations", status: "FAIL", says: []string{"serialises/Generations: still running after 1.5s",
					"declare Deviations.SerialisesCalls", "sync.(*RWMutex)"}},
				{check: "serialises/FnRunsOnCallersGoroutine", status: "PASS"},
			}},
	}
	for _, c := range children {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			out, code := runBroken(t, c.run, c.env)
			if code != 1 || !strings.HasSuffix(strings.TrimSpace(out), "FAIL") || regexp.MustCompile(`(?m)^panic: `).MatchString(out) {
				t.Fatalf("the child ended with exit status %d, want 1 and its FAIL line, with no panic of the binary:\n%s", code, out)
			}
			blocks, status := readVerbose(out)
			for _, w := range c.want {
				name := "TestBroken/" + w.check
				said := within(blocks, name)
				if status[name] != w.status {
					t.Errorf("%s: %q, want %s; its output:\n%s", name, status[name], w.status, said)
				}
				for _, s := range w.says {
					if !strings.Contains(said, s) {
						t.Errorf("%s does not say %q; its output:\n%s", name, s, said)
					}
				}
				for _, s := range w.saysNot {
					if strings.Contains(said, s) {
						t.Errorf("%s says %q; its output:\n%s", name, s, said)
					}
				}
			}
		})
	}
}

func breakerFailures() []failing {
	return []failing{
		// A bubble every goroutine of which blocks, the check's own in Execute.
		{check: "blockingexecute/StateMachine", status: "PASS"},
		{check: "blockingexecute/DeadlineExceededIsFailure", status: "FAIL",
			says: []string{"deadlock: all goroutines in bubble are blocked", "blockingBreaker.Execute"}},
		{check: "blockingexecute/CanceledCountsAsNeither", status: "PASS"},
		{check: "blockingexecute/PanicIsFailure", status: "PASS"},
		// The library's own threshold, undeclared: Generations fails with
		// its slow call blocked in fn, and its bubble ends all the same.
		{check: "fixedthreshold/StateMachine", status: "FAIL",
			says: []string{"after 3 failures: State() = closed, want open", "declare Deviations.FixedConfig"}},
		{check: "fixedthreshold/Generations", status: "FAIL",
			says: []string{"opening: still closed after 3 failures", "declare Deviations.FixedConfig"}, saysNot: []string{"deadlock"}},
		{check: "fixedthreshold/FnRunsOnCallersGoroutine", status: "PASS"},
		{check: "fixedthreshold/Close", status: "PASS"},
		{check: "canceledfailure/CanceledCountsAsNeither", status: "FAIL",
			says: []string{"State() = open, want closed", "gobreaker v1", "declare Deviations.CanceledCountsAsFailure"}},
		{check: "canceledfailure/ProbeLimit", status: "PASS"},
	}
}

func poolFailures() []failing {
	var fs []failing
	// The pool that exceeds its limit only after an idle period passes
	// every other check.
	for _, check := range []string{"Capacity", "EveryTaskRunsExactlyOnce", "SubmitWhenSaturated", "SubmitAfterClose",
		"CloseWaitsForAcceptedTasks", "PanickingTask", "PanicDuringClose", "SubmitRacingClose"} {
		fs = append(fs, failing{check: "idlelimit/" + check, status: "PASS"})
	}
	return append(fs,
		failing{check: "idlelimit/WorkerLimitOverTime", status: "FAIL",
			says: []string{"2 tasks ran at once on a pool of 1 workers", "idle", "declare Deviations.Unbounded"}},
		failing{check: "ignoresctx/SubmitWhenSaturated", status: "FAIL",
			says: []string{"Submit still blocked after its ctx ended; if the pool cannot honour ctx while Submit is blocked, declare Deviations.IgnoresCtxWhileBlocked"}},
		failing{check: "ignoresctx/SubmitAfterClose", status: "PASS"},
		failing{check: "ignoresctx/WorkerLimitOverTime", status: "PASS"},
	)
}

func otherFailures() []failing {
	return []failing{
		{check: "stopslate/FirstError", status: "FAIL", says: []string{"declare Impl.StopsLate"}},
		{check: "stopslate/NoGoroutineOutlivesCall", status: "PASS"},
		{check: "unordered/Ordered", status: "FAIL", says: []string{"out of input order", "declare Impl.Unordered"}},
		{check: "unordered/Parallelism", status: "PASS"},
	}
}

// nilFailures: in TestBroken/nils, the second and third WorkerPool's
// checks share their names with a #01 or #02 suffix, but queue=0's.
func nilFailures() []failing {
	return []failing{{check: "nils", status: "FAIL", says: []string{
		`workerpool.Impl "nilnew": New is nil`,
		`breaker.Impl "nilnew": New is nil`,
		`fanout.Impl "nilmap": Map is nil`,
		`pipeline.Impl "nilrun": Run is nil`,
		"went on after every nil",
	}}, {check: "nils/SubmitRacingClose", status: "FAIL", says: []string{`workerpool.Impl "nilpool": New(2) returned nil`}},
		{check: "nils/queue=0/Capacity", status: "FAIL", says: []string{`workerpool.Impl "nilqueue": WithQueue(1, 0) returned nil`}},
		{check: "nils/StateMachine", status: "FAIL", says: []string{`breaker.Impl "nilbreaker": New(`, "returned nil"}},
		{check: "nils/InvalidConfigPanics", status: "FAIL", says: []string{"returned nil, want a panic"}},
	}
}

func slicesConcat[T any](ss ...[]T) []T {
	var out []T
	for _, s := range ss {
		out = append(out, s...)
	}
	return out
}

// runBroken runs TestBroken's subtests that pattern selects in a child
// process, verbose, and returns its output and exit status.
func runBroken(t *testing.T, pattern string, env []string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run="+pattern, "-test.v", "-test.count=1")
	cmd.Env = append(append(os.Environ(), brokenEnv+"=1"), env...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	case err != nil:
		t.Fatalf("the child did not run: %v\n%s", err, out)
	}
	return string(out), 0
}

// within returns the output of the test name and of its subtests.
func within(blocks map[string]string, name string) string {
	var said strings.Builder
	for test, lines := range blocks {
		if test == name || strings.HasPrefix(test, name+"/") {
			said.WriteString(lines)
		}
	}
	return said.String()
}

// readVerbose reads go test -v output: each test's lines (those after an
// "=== RUN", "=== NAME" or "=== CONT" line naming it) and its status (from
// its "--- PASS/FAIL/SKIP" line).
func readVerbose(out string) (blocks, status map[string]string) {
	blocks, status = map[string]string{}, map[string]string{}
	result := regexp.MustCompile(`^\s*--- (PASS|FAIL|SKIP): (\S+)`)
	cur := ""
	for line := range strings.SplitSeq(out, "\n") {
		if f := strings.Fields(line); len(f) >= 3 && (f[0] == "===" && (f[1] == "RUN" || f[1] == "NAME" || f[1] == "CONT")) {
			cur = f[2]
			continue
		}
		if m := result.FindStringSubmatch(line); m != nil {
			status[m[2]] = m[1]
			continue
		}
		blocks[cur] += line + "\n"
	}
	return blocks, status
}
