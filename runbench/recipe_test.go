package runbench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestBenchRegressionRecipe checks .github/workflows/bench-regression.yml:
// base and head are each benchmarked by a runbench built from its own
// checkout (bench measures the code compiled into it), with the same
// flags, interleaved on one runner (base, head, base, base), and the
// compare step's own script, run here against a regressed and a steady
// head and the base's A/A runs, fails the job exactly when a benchmark
// regressed beyond the calibrated threshold.
func TestBenchRegressionRecipe(t *testing.T) {
	job := readBenchJob(t)
	steps := map[string]string{}
	for _, s := range job.Steps {
		steps[s.Name] = s.Run
	}
	base, head, bench, cmp := steps["build the base's runbench"], steps["build the head's runbench"], steps["benchmark, interleaved"], steps["compare, failing on a regression"]
	if base == "" || head == "" || bench == "" || cmp == "" {
		t.Fatalf("steps %v: want build the base's and the head's runbench, benchmark, compare", steps)
	}
	for name, script := range map[string]string{"BASE": base, "HEAD": head} {
		co, build := strings.Index(script, `git checkout --quiet "$`+name+`"`), strings.Index(script, "go build -o \"$RUNNER_TEMP/"+strings.ToLower(name)+"/runbench\" ./cmd/runbench")
		if co < 0 || build < co {
			t.Errorf("the %s build does not check out $%s and build its runbench there:\n%s", strings.ToLower(name), name, script)
		}
	}
	var order []string
	for line := range strings.SplitSeq(bench, "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "bench" {
			order = append(order, f[1]+" "+f[2])
		}
	}
	if want := []string{"base old.txt", "head new.txt", "base old2.txt", "base old3.txt"}; !slices.Equal(order, want) || !strings.Contains(bench, `for round in $(seq "$COUNT")`) || !strings.Contains(bench, "-count 1 ") {
		t.Errorf("benchmarks run %q, want %q, one run each in each of COUNT rounds, interleaved:\n%s", order, want, bench)
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
			fmt.Fprintf(&b, "clock-ns: %d\nBenchmarkWorkerPool/impl=channels/workers=1/work=none 1000 %s ns/op\n", 20+len(b.String())%7, ns)
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
			write("old2.txt", "101")
			write("old3.txt", "99")
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
