package runbench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestBenchRegressionRecipe checks .github/workflows/bench-regression.yml:
// base and head are benchmarked with the same flags on one runner, each by
// a runbench built from its own checkout (bench measures the code compiled
// into it), and the
// compare step's own script, run here against a regressed and a steady
// pair of files, fails the job exactly when a benchmark regressed.
func TestBenchRegressionRecipe(t *testing.T) {
	job := readBenchJob(t)
	steps := map[string]string{}
	for _, s := range job.Steps {
		steps[s.Name] = s.Run
	}
	base, head, cmp := steps["benchmark the base"], steps["benchmark the head"], steps["compare, failing on a regression"]
	if base == "" || head == "" || cmp == "" {
		t.Fatalf("steps %v: want benchmark the base, benchmark the head, compare", steps)
	}
	if b, h := benchLine(base), benchLine(head); b == "" || b != h {
		t.Errorf("base and head are not benchmarked alike:\n%s\n%s", b, h)
	}
	if !strings.Contains(base, `"$BASE"`) || !strings.Contains(head, `"$HEAD"`) {
		t.Error("the base and head steps do not check out $BASE and $HEAD")
	}
	for name, script := range map[string]string{"base": base, "head": head} {
		build := strings.Index(script, "go build -o \"$RUNNER_TEMP/checkout/runbench\" ./cmd/runbench")
		if build < 0 || build > strings.Index(script, "\"$RUNNER_TEMP/checkout/runbench\" bench ") {
			t.Errorf("the %s step does not benchmark with a runbench built from its checkout:\n%s", name, script)
		}
	}
	testCompareStep(t, cmp, job.Env)
}

// benchJob is what the test reads of the workflow's job bench.
type benchJob struct {
	Env   map[string]string `yaml:"env"`
	Steps []struct {
		Name string            `yaml:"name"`
		Run  string            `yaml:"run"`
		Env  map[string]string `yaml:"env"`
	} `yaml:"steps"`
}

// readBenchJob reads the job bench of .github/workflows/bench-regression.yml.
func readBenchJob(t *testing.T) benchJob {
	t.Helper()
	data, err := os.ReadFile("../.github/workflows/bench-regression.yml")
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]benchJob `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatal(err)
	}
	job, ok := wf.Jobs["bench"]
	if !ok {
		t.Fatal("no job bench")
	}
	return job
}

// benchLine returns the runbench bench line of a step's script, with its
// output file (old.txt or new.txt) replaced by X, or "" if it has none.
func benchLine(script string) string {
	for line := range strings.SplitSeq(script, "\n") {
		if strings.Contains(line, " bench ") {
			return strings.Replace(strings.Replace(line, "old.txt", "X", 1), "new.txt", "X", 1)
		}
	}
	return ""
}

// testCompareStep runs the compare step's script cmp as Actions would
// (bash, the job's env), on a regressed and on a steady pair of files.
func testCompareStep(t *testing.T, cmp string, env map[string]string) {
	tmp := t.TempDir()
	if err := os.Symlink(runbenchBin(t), filepath.Join(tmp, "runbench")); err != nil {
		t.Fatal(err)
	}
	write := func(name, ns string) {
		var b strings.Builder
		for range 6 {
			fmt.Fprintf(&b, "BenchmarkWorkerPool/impl=channels/workers=1/work=none 1000 %s ns/op\n", ns)
		}
		if err := os.WriteFile(filepath.Join(tmp, name), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name     string
		giveNew  string
		wantCode int
	}{
		{"a 20% regression fails the job", "120", 1},
		{"a steady benchmark passes", "100", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			write("old.txt", "100")
			write("new.txt", tt.giveNew)
			cmd := exec.Command("bash", "-e", "-o", "pipefail", "-c", cmp)
			cmd.Env = append(os.Environ(), "RUNNER_TEMP="+tmp)
			for k, v := range env {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			out, _ := cmd.CombinedOutput()
			if code := cmd.ProcessState.ExitCode(); code != tt.wantCode {
				t.Errorf("compare step exit %d, want %d:\n%s", code, tt.wantCode, out)
			}
			if _, err := os.Stat(filepath.Join(tmp, "compare.txt")); err != nil {
				t.Errorf("compare.txt for the artifact: %v", err)
			}
		})
	}
}
