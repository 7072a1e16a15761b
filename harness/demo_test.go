package harness

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/record"
	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/trial"
)

// TestDemoTrialHangs runs a trial of the fanout deadlock demonstration in a
// child process, as `runbench run` does: the watchdog must report it hung
// with the stacks of the deadlocked sends, and the run goes on.
func TestDemoTrialHangs(t *testing.T) {
	s := quickSpec(t, "name: d\npattern: fanout\nimpls: [deadlock]\nload: {model: closed, clients: 1, duration: 10ms}\n")
	s.Timeout.Duration = time.Second // below what scenarios.Parse accepts: the trial hangs at its first call anyway
	plan := Plan([]scenarios.Spec{s}, testPatterns(), nil, 1)
	if len(plan) != 1 {
		t.Fatalf("%d trials planned, want 1", len(plan))
	}
	t.Setenv(childEnv, "1") // inherited by the child; restored after the test
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	tr, err := trial.Isolated([]string{exe}, testPatterns())(context.Background(), plan[0])
	if err != nil {
		t.Fatal(err)
	}
	if tr.Status != record.StatusHung || !strings.Contains(tr.Stacks, "mapDeadlock") || !strings.Contains(tr.Stacks, "[chan send") {
		t.Fatalf("status %s, stacks %d bytes: want hung with the stacks of mapDeadlock's blocked sends", tr.Status, len(tr.Stacks))
	}
}
