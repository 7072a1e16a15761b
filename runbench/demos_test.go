package runbench

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemonstrationsDoNotWait: the demonstrations that hang and leak on
// purpose, each trial in its own process, are found out as soon as their
// goroutines are stuck: the hang is reported deadlocked, detected rather
// than waited out to the scenario's timeout, the leak detected rather
// than waited out to the leak grace; both count as demonstrated.
func TestDemonstrationsDoNotWait(t *testing.T) {
	bin := runbenchBin(t)
	out := filepath.Join(t.TempDir(), "r")
	cmd := exec.Command(bin, "run", "-no-report", "-progress", "never", "-count", "1", "-floor=false",
		"-scenario", "fanout-deadlock", "-scenario", "fanout-leak", "-out", out)
	cmd.Dir = moduleRoot(t)
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("runbench run: %v\n%s", err, b)
	}
	data, err := os.ReadFile(filepath.Join(out, "results.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var tr struct{ Impl, Status, Error string }
		if err := json.Unmarshal([]byte(line), &tr); err != nil {
			t.Fatal(err)
		}
		if tr.Impl != "" {
			got[tr.Impl] = tr.Status + ": " + tr.Error
		}
	}
	if h := got["deadlock"]; !strings.HasPrefix(h, "hung: deadlocked") || !strings.Contains(h, "detected, not waited out") {
		t.Errorf("deadlock: %q, want hung, detected", h)
	}
	if l := got["leaky"]; !strings.HasPrefix(l, "leaked: ") || !strings.Contains(l, "detected, not waited out") {
		t.Errorf("leaky: %q, want leaked, detected", l)
	}
	if !strings.Contains(string(b), "hung, as demonstrated") || !strings.Contains(string(b), "leaked, as demonstrated") {
		t.Errorf("summary does not list both as demonstrated:\n%s", b)
	}

	// -impl replaces the scenario's list and keeps its claims, one of whose
	// sides no longer runs: the trial process takes that spec too.
	cmd = exec.Command(bin, "run", "-no-report", "-progress", "never", "-count", "1", "-floor=false",
		"-scenario", "fanout-deadlock", "-impl", "deadlock", "-out", filepath.Join(t.TempDir(), "r"))
	cmd.Dir = moduleRoot(t)
	if b, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(b), "hung, as demonstrated") {
		t.Errorf("-impl deadlock alone: %v\n%s", err, b)
	}
}
