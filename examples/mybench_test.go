package examples

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/perf/benchfmt"
)

// TestOutsideModule builds examples/mybench, a module of its own that
// requires concbench through a replace, and checks the four entry points a
// user relies on: its pool passes conformance.WorkerPool; benchsuite
// measures it beside the built-in pools; its own runbench (runbench.Main)
// lists its pool and function, runs them in an embedded scenario and in a
// pattern: func scenario file, each trial in a child process of that
// binary, and writes their lines to results.txt and their rows to the
// report; and its bench, from a folder outside the module, benchmarks its
// pool beside a built-in one in lines that benchfmt reads.
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
	runIn := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "CI=true")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("mybench %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run := func(args ...string) string { t.Helper(); return runIn(mod, args...) }
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

	// bench, from a folder that is not the module's: the user's pool
	// beside a built-in one, in lines benchfmt reads.
	benchFile := filepath.Join(dir, "bench.txt")
	runIn(t.TempDir(), "bench", "-bench", "WorkerPool/impl=(tokens|channels)/workers=2/work=none", "-benchtime", "1x", "-count", "1", "-o", benchFile)
	checkBenchFile(t, benchFile, "impl=tokens", "impl=channels")
}

// checkBenchFile wants the file to parse with benchfmt, with no syntax
// error, the pkg: of concbench's bench/, and a result with ns/op for each
// of impls.
func checkBenchFile(t *testing.T, path string, impls ...string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	found := map[string]bool{}
	r := benchfmt.NewReader(f, path)
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.SyntaxError:
			t.Errorf("%v", rec)
		case *benchfmt.Result:
			if pkg := rec.GetConfig("pkg"); pkg != "github.com/concbench/concbench/bench" {
				t.Errorf("%s: pkg %q", rec.Name, pkg)
			}
			_, sub := rec.Name.Parts()
			for _, impl := range impls {
				for _, part := range sub {
					if string(part) == "/"+impl {
						for _, v := range rec.Values {
							found[impl] = found[impl] || v.OrigUnit == "ns/op" && v.Value > 0 // read as sec/op
						}
					}
				}
			}
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	for _, impl := range impls {
		if !found[impl] {
			data, _ := os.ReadFile(path)
			t.Errorf("%s has no result with ns/op for %s:\n%s", path, impl, data)
		}
	}
}
