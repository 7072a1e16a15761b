package runbench

import (
	"bytes"
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/concbench/concbench/impl/workerpool"
	"github.com/concbench/concbench/internal/gobench"
)

// benchTestConfigEnv names, in a bench child started by an in-process
// test, the entry of benchTestConfigs it runs with (TestMain).
const benchTestConfigEnv = "RUNBENCH_TEST_BENCH_CONFIG"

// benchTestConfigs are the Configs a test may run bench with; "" is none.
var benchTestConfigs = map[string]Config{
	"": {},
	// exits is a pool whose New ends the process with status 0, as a
	// benchmark's code may: it stands for any benchmark that takes its
	// process down.
	"exits": {WorkerPools: []workerpool.Impl{{Name: "exits", Doc: "ends the process (os.Exit(0)) when built",
		New: func(int) workerpool.Pool { os.Exit(0); return nil }}}},
	// refuses is a pool whose Submit fails: its benchmarks fail.
	"refuses": {WorkerPools: []workerpool.Impl{{Name: "refuses", Doc: "refuses every task",
		New: func(int) workerpool.Pool { return refusingPool{} }}}},
	// mine is a user's pool: channels under another name.
	"mine": {WorkerPools: []workerpool.Impl{renamed(workerpool.Impls()[0], "mine")}},
}

type refusingPool struct{}

func (refusingPool) Submit(context.Context, func()) error { return errors.New("refused") }
func (refusingPool) Close() error                         { return nil }

func renamed(impl workerpool.Impl, name string) workerpool.Impl {
	impl.Name = name
	return impl
}

// runBenchWith runs bench in this process with benchTestConfigs[config],
// its child being this test binary (TestMain).
func runBenchWith(t *testing.T, config string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	t.Setenv(benchTestConfigEnv, config)
	var out, errb bytes.Buffer
	code = Run(context.Background(), benchTestConfigs[config], append([]string{"bench"}, args...), strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

// TestBenchRunsAConfigsImplementations: a user's pool is benchmarked
// beside the built-in ones, under go test's names, from a folder that is
// not the module's.
func TestBenchRunsAConfigsImplementations(t *testing.T) {
	file := filepath.Join(t.TempDir(), "b.txt")
	t.Chdir(t.TempDir())
	_, stderr, code := runBenchWith(t, "mine", "-bench", "^BenchmarkWorkerPool$/impl=(channels|mine)/workers=2/work=none", "-benchtime", "1x", "-count", "2", "-cpu", "1,2", "-o", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, _ := os.ReadFile(file)
	var names []string
	for line := range strings.SplitSeq(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 0 && strings.HasPrefix(f[0], "Benchmark") {
			names = append(names, f[0])
		}
	}
	const ch, mine = "BenchmarkWorkerPool/impl=channels/workers=2/work=none", "BenchmarkWorkerPool/impl=mine/workers=2/work=none"
	want := []string{ch, ch, ch + "-2", ch + "-2", mine, mine, mine + "-2", mine + "-2"}
	if !slices.Equal(names, want) {
		t.Errorf("names %q, want %q", names, want)
	}
	if !strings.Contains(string(data), "\npkg: "+benchPkg+"\n") || !strings.HasSuffix(string(data), "\n") || strings.Contains(string(data), "run-status") || strings.Contains(string(data), "# runbench") {
		t.Errorf("results file:\n%s", data)
	}
}

// TestBenchOsExitInChild: a benchmark whose code ends its process with
// status 0 fails the run (exit 1), is named, and the lines before it are
// kept, marked partial.
func TestBenchOsExitInChild(t *testing.T) {
	file := filepath.Join(t.TempDir(), "b.txt")
	_, stderr, code := runBenchWith(t, "exits", "-bench", "^BenchmarkWorkerPool$/impl=(channels|exits)/workers=1/work=none", "-benchtime", "1x", "-count", "1", "-o", file)
	if code != 1 || !strings.Contains(stderr, "while BenchmarkWorkerPool/impl=exits/workers=1/work=none") || !strings.Contains(stderr, "exit status 0") {
		t.Errorf("exit %d, stderr:\n%s\nwant 1, naming the benchmark that exited", code, stderr)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	txt := string(data)
	if !strings.Contains(txt, "\nBenchmarkWorkerPool/impl=channels/workers=1/work=none") || strings.Contains(txt, "impl=exits") || !strings.HasSuffix(txt, "\nrun-status: partial\n") {
		t.Errorf("results file: want the channels line, no exits line, and the partial mark:\n%s", txt)
	}
}

// TestBenchFailingBenchmark: a benchmark that fails fails the run (exit
// 1) and is named; the others run and are kept, the file marked partial.
func TestBenchFailingBenchmark(t *testing.T) {
	file := filepath.Join(t.TempDir(), "b.txt")
	_, stderr, code := runBenchWith(t, "refuses", "-bench", "^BenchmarkWorkerPool$/impl=(refuses|rawchan)/workers=1$/work=none", "-benchtime", "1x", "-count", "1", "-cpu", "1", "-o", file)
	if code != 1 || !strings.Contains(stderr, "failed: BenchmarkWorkerPool/impl=refuses/workers=1/work=none ") {
		t.Errorf("exit %d, stderr:\n%s\nwant 1, naming the benchmark that failed", code, stderr)
	}
	data, _ := os.ReadFile(file)
	txt := string(data)
	if !strings.Contains(txt, "\n--- FAIL: BenchmarkWorkerPool/impl=refuses/workers=1/work=none\n") ||
		!strings.Contains(txt, "\nBenchmarkWorkerPool/impl=rawchan/workers=1/work=none ") || !strings.HasSuffix(txt, "\nrun-status: partial\n") {
		t.Errorf("results file: want the FAIL line, rawchan's line after it, and the partial mark:\n%s", txt)
	}
}

// TestBenchRefusesBeforeRunning: what bench refuses, it refuses before any
// benchmark runs, with exit status 2 and no file written.
func TestBenchRefusesBeforeRunning(t *testing.T) {
	tests := []struct {
		name     string
		give     []string
		wantText []string
	}{
		{"no benchmark matched", []string{"-bench", "NoSuchBenchmark"}, []string{`-bench "NoSuchBenchmark" matches no benchmark`, "BenchmarkWorkerPoolCapacity, BenchmarkClock"}},
		{"a leaf's child", []string{"-bench", "Clock/call=time.Now/deeper"}, []string{"matches no benchmark"}},
		{"cpu twice", []string{"-cpu", "1,2,1"}, []string{`-cpu "1,2,1": 1 twice`}},
		{"a folder", []string{"-bench", "Clock", "-o", "%DIR%"}, []string{"is a folder"}},
		{"a link to a folder", []string{"-bench", "Clock", "-o", "%DIR%/link"}, []string{"is a folder"}},
		{"a bad implementation name", []string{"-bench", "Clock", "%FLOOR%"}, []string{`"rawchan" is the floor's`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.Symlink(".", filepath.Join(dir, "link")); err != nil {
				t.Fatal(err)
			}
			args := []string{"-o", filepath.Join(dir, "out", "b.txt")}
			cfg := Config{}
			for _, a := range tt.give {
				if a == "%FLOOR%" { // a pool named like the suite's floor
					cfg.WorkerPools = []workerpool.Impl{renamed(workerpool.Impls()[0], "rawchan")}
					continue
				}
				args = append(args, strings.ReplaceAll(a, "%DIR%", dir))
			}
			var out, errb bytes.Buffer
			code := Run(context.Background(), cfg, append([]string{"bench"}, args...), strings.NewReader(""), &out, &errb)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			for _, want := range tt.wantText {
				if !strings.Contains(errb.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, errb.String())
				}
			}
			if strings.Contains(errb.String(), "runs\n") {
				t.Errorf("bench started running:\n%s", errb.String())
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("%d entries in the folder, want only the link: bench wrote something", len(entries))
			}
		})
	}
}

// TestBenchLeafNames: the leaves bench runs have the names go test gives
// the same benchmarks over bench/ (the -N suffix aside), in its order.
func TestBenchLeafNames(t *testing.T) {
	all, _ := gobench.ParsePattern(".")
	leaves, err := selectLeaves(Config{}, all)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(leaves))
	for i, l := range leaves {
		names[i] = l.name
	}
	if names[0] != "BenchmarkBreaker/impl=mutex/path=closed" || names[len(names)-1] != "BenchmarkClock/call=time.Since" {
		t.Errorf("first and last leaves %q, %q", names[0], names[len(names)-1])
	}
	for _, want := range []string{
		"BenchmarkBreaker/impl=none/path=closed",
		"BenchmarkFanout/impl=serial/workers=16/work=cpu1us",
		"BenchmarkPipeline/impl=batched/stages=3/workers=4/work=cpu1us/ordered=true",
		"BenchmarkPipeline/impl=rawchan/stages=3/workers=1/work=none/ordered=false",
		"BenchmarkWorkerPool/impl=channels/workers=1/work=none",
		"BenchmarkWorkerPool/impl=rawchan/workers=16/work=sleep10us",
		"BenchmarkWorkerPoolCapacity/impl=rawchan/workers=16/capacity=32/work=sleep10us",
		"BenchmarkClock/call=time.Now",
	} {
		if !slices.Contains(names, want) {
			t.Errorf("no leaf %s", want)
		}
	}
	if i, j := slices.Index(names, "BenchmarkWorkerPool/impl=channels/workers=1/work=none"), slices.Index(names, "BenchmarkWorkerPool/impl=rawchan/workers=1/work=none"); i > j {
		t.Errorf("rawchan runs before channels at workers=1 (%d, %d)", i, j)
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			t.Errorf("two leaves named %s", n)
		}
		seen[n] = true
	}
}

// TestBenchSuitesAreBenchsFunctions: bench runs bench/'s benchmark
// functions, in the order of bench_test.go, all but BenchmarkAdapter.
func TestBenchSuitesAreBenchsFunctions(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join("..", "bench", "bench_test.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var fns []string
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && strings.HasPrefix(fd.Name.Name, "Benchmark") && fd.Name.Name != "BenchmarkAdapter" {
			fns = append(fns, fd.Name.Name)
		}
	}
	var suites []string
	for _, s := range benchSuites {
		suites = append(suites, s.name)
	}
	if !slices.Equal(fns, suites) {
		t.Errorf("bench/bench_test.go has %q, bench runs %q", fns, suites)
	}
}

// TestBenchChildWritesGoTestLines: the child's lines, in this process.
func TestBenchChildWritesGoTestLines(t *testing.T) {
	var out, errb bytes.Buffer
	err := cmdBenchChild(context.Background(), Config{}, []string{"-bench", "Clock/call=time.Now", "-benchtime", "1x", "-count", "2", "-cpu", "1,2"}, &out, &errb)
	if err != nil {
		t.Fatalf("%v: %s", err, errb.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	const name = "BenchmarkClock/call=time.Now"
	if len(lines) < 3+8+1 || lines[2] != "pkg: "+benchPkg || lines[len(lines)-1] != benchDoneLine {
		t.Fatalf("child output:\n%s", out.String())
	}
	body := lines[len(lines)-9 : len(lines)-1]
	for i, want := range []string{name, name, name + "-2", name + "-2"} {
		if body[2*i] != benchStartPrefix+want || !strings.HasPrefix(body[2*i+1], want+" ") || !strings.HasSuffix(body[2*i+1], " allocs/op") {
			t.Errorf("run %d: lines %q, %q; want the start of %s and its result", i, body[2*i], body[2*i+1], want)
		}
	}
}
