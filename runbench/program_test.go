package runbench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/concbench/concbench/record"
)

// A user's code is a program, not a library: it prints, exits, ends its
// goroutine, starts processes. Each trial process must survive that, or
// say what it did; testdata/userbin registers functions that do each.

// userBinary builds testdata/userbin once.
var userBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "runbench-test-userbin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "userbin")
	out, err := exec.Command("go", "build", "-o", bin, "./testdata/userbin").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// runFunc runs one trial of func impl in a closed loop through userbin,
// and returns its exit status, its output, and the trial's record.
func runFunc(t *testing.T, impl string) (int, string, record.Trial) {
	t.Helper()
	runbenchBin(t) // skips where the process tests cannot run
	bin, err := userBinary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	scen := filepath.Join(dir, "s.yaml")
	spec := fmt.Sprintf("name: s\npattern: func\nimpls: [%s]\nrepeat: 1\nload: {model: closed, clients: 1, duration: 300ms}\n", impl)
	if err := os.WriteFile(scen, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "run", "-no-report", "-scenario", scen, "-out", filepath.Join(dir, "out"))
	cmd.Env = append(os.Environ(), "CI=true")
	out, _ := cmd.CombinedOutput()
	trials, _, err := record.Read(filepath.Join(dir, "out", "results.jsonl"), nil)
	if err != nil || len(trials) != 1 {
		t.Fatalf("%d trials (%v); output:\n%s", len(trials), err, out)
	}
	if rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss; rss > 300<<10 {
		t.Errorf("runbench's peak RSS was %d MiB: what a trial prints must not be held whole", rss>>10)
	}
	return cmd.ProcessState.ExitCode(), string(out), trials[0]
}

func TestTrialProcessOfAProgram(t *testing.T) {
	tests := []struct {
		impl       string
		wantCode   int
		wantStatus string
		wantText   string // in the record's error, output or stacks
	}{
		{"prints", 0, record.StatusOK, "a call\n"},
		{"floods", 0, record.StatusOK, "xxxx"},
		{"exits", 1, record.StatusCrashed, "called os.Exit"},
		{"goexit", 1, record.StatusCrashed, "runtime.Goexit"},
		{"grandchild", 0, record.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.impl, func(t *testing.T) {
			start := time.Now()
			code, out, tr := runFunc(t, tt.impl)
			if code != tt.wantCode || tr.Status != tt.wantStatus {
				t.Fatalf("exit %d, trial %s (%s), want exit %d, %s; output:\n%s", code, tr.Status, tr.Error, tt.wantCode, tt.wantStatus, out)
			}
			if all := tr.Error + tr.Output + tr.Stacks; !strings.Contains(all, tt.wantText) {
				t.Errorf("the record does not say %q: error %q, output %.200q, stacks %.200q", tt.wantText, tr.Error, tr.Output, tr.Stacks)
			}
			if tt.impl == "grandchild" && time.Since(start) > 20*time.Second {
				t.Errorf("took %v: the record waited for the process holding the output (sleep 30)", time.Since(start))
			}
		})
	}
}
