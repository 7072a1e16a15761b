package examples

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutsideModule builds examples/mybench, a module of its own that
// requires concbench through a replace, and checks the four entry points a
// user relies on: its pool passes conformance.WorkerPool; benchsuite
// measures it beside the built-in pools; its own runbench (runbench.Main)
// lists its pool and function, runs them in an embedded scenario and in a
// pattern: func scenario file, each trial in a child process of that
// binary, and writes their lines to results.txt and their rows to the
// report.
func TestOutsideModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a module: skipped with -short")
	}
	mod, err := filepath.Abs("mybench")
	if err != nil {
		t.Fatal(err)
	}
	goCmd := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir = mod
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}

	out := goCmd("test", "-race", "-count=1", "-run", "TestConformance", "-bench", "WorkerPool/impl=(channels|tokens|rawchan)/", "-benchtime", "1x", ".")
	for _, want := range []string{"BenchmarkWorkerPool/impl=tokens/workers=1/work=none", "BenchmarkWorkerPool/impl=channels/workers=1/work=none", "BenchmarkWorkerPool/impl=rawchan/", "\nok "} {
		if !strings.Contains(out, want) {
			t.Errorf("go test in the module: output lacks %q:\n%s", want, out)
		}
	}

	dir := t.TempDir()
	bin := filepath.Join(dir, "mybench")
	goCmd("build", "-o", bin, "./cmd/mybench")
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = mod
		cmd.Env = append(os.Environ(), "CI=true")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("mybench %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	list := run("list")
	for _, want := range []string{"workerpool  tokens", "func        checksum", "workerpool  channels"} {
		if !strings.Contains(list, want) {
			t.Errorf("mybench list lacks %q:\n%s", want, list)
		}
	}
	res := filepath.Join(dir, "r")
	run("run", "-scenario", "workerpool-open", "-scenario", "scenarios/checksum.yaml", "-impl", "channels,tokens,checksum", "-count", "1", "-out", res)
	txt, err := os.ReadFile(filepath.Join(res, "results.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"\nBenchmarkScenario/scenario=workerpool-open/pattern=workerpool/impl=tokens/workers=4 ",
		"\nBenchmarkScenario/scenario=workerpool-open/pattern=workerpool/impl=channels/workers=4 ",
		"\nBenchmarkScenario/scenario=checksum-open/pattern=func/impl=checksum ",
	} {
		if !strings.Contains(string(txt), want) {
			t.Errorf("results.txt lacks a line %q:\n%s", strings.TrimSpace(want), txt)
		}
	}
	html, err := os.ReadFile(filepath.Join(res, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{">tokens<", ">checksum<"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report.html has no row %s", want)
		}
	}
}
