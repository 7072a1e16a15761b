package runbench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concbench/concbench/impl/workerpool"
	"github.com/concbench/concbench/record"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// An in-process bench (runCLI, Run) starts its child as this test
	// binary, which then stands for runbench: it runs the child with the
	// Config the test named in the environment.
	if len(os.Args) > 1 && os.Args[1] == benchChildCommand {
		cfg := benchTestConfigs[os.Getenv(benchTestConfigEnv)]
		os.Exit(Run(context.Background(), cfg, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	goleak.VerifyTestMain(m, goleak.IgnoreCurrent(), goleak.Cleanup(func(code int) {
		if bin, err := runbenchBinary(); err == nil {
			os.RemoveAll(filepath.Dir(bin))
		}
		os.Exit(code)
	}))
}

func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), Config{}, args, strings.NewReader(""), &out, &errb)
	code = exitCode(err, &errb)
	return out.String(), errb.String(), code
}

func TestListShowsEveryWorkerPool(t *testing.T) {
	out, _, code := runCLI(t, "list")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, impl := range []string{"channels", "mutexcond", "errgroup", "semaphore", "spawn", "seed", "ants", "pond", "conc"} {
		found := false
		for line := range strings.SplitSeq(out, "\n") {
			f := strings.Fields(line)
			if len(f) >= 3 && f[0] == "impl" && f[1] == "workerpool" && f[2] == impl {
				found = true
			}
		}
		if !found {
			t.Errorf("list lacks workerpool %s:\n%s", impl, out)
		}
	}
}

func TestBadScenarioExits2AndWritesNothing(t *testing.T) {
	tests := []struct {
		name     string
		give     string
		wantText string
	}{
		{"unknown key", "name: b\npattern: workerpool\nload:\n  model: open\n  rate: 100\n  duraton: 1s\n", "bad.yaml:6: load.duraton: unknown field"},
		{"wrong type", "name: b\npattern: workerpool\nrepeat: many\n", "bad.yaml:3: repeat: \"many\": want a count (1 to 1000) or auto"},
		{"negative rate", "name: b\npattern: workerpool\nload:\n  model: open\n  rate: -1\n", "bad.yaml:5: load.rate: -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "bad.yaml")
			if err := os.WriteFile(file, []byte(tt.give), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "out")
			_, stderr, code := runCLI(t, "run", "-scenario", file, "-out", out)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(stderr, tt.wantText) {
				t.Errorf("stderr %q lacks %q", stderr, tt.wantText)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("output dir exists after bad input: %v", err)
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"no command", nil},
		{"unknown command", []string{"frobnicate"}},
		{"unknown flag", []string{"run", "-nope"}},
		{"unknown impl", []string{"run", "-impl", "nope"}},
		{"unknown scenario", []string{"run", "-scenario", "no-such-scenario"}},
		{"compare needs two", []string{"compare", "a.txt"}},
		{"bad shard", []string{"run", "-shard", "3/2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, code := runCLI(t, tt.args...); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
		})
	}
}

func TestHelpExits0(t *testing.T) {
	out, _, code := runCLI(t, "-h")
	if code != 0 || !strings.Contains(out, "runbench run") {
		t.Errorf("exit %d, output %q", code, out)
	}
}

func TestRunInProcess(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "s.yaml")
	spec := "name: s\npattern: workerpool\nimpls: [channels, spawn]\nrepeat: 1\nload: {model: closed, clients: 2, duration: 20ms}\n"
	if err := os.WriteFile(file, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runCLI(t, "run", "-in-process", "-no-report", "-scenario", file, "-out", filepath.Join(dir, "r"))
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, "r", "results.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, impl := range []string{"channels", "spawn"} {
		if !strings.Contains(string(data), "BenchmarkScenario/scenario=s/pattern=workerpool/impl="+impl+"/workers=4 ") {
			t.Errorf("results lack impl=%s:\n%s", impl, data)
		}
	}
}

// TestEmptyShardWritesAnEmptyPair: a study with fewer cells than shards
// leaves some shards empty; each still exits 0 with an empty, complete pair
// of files for the merge step.
func TestEmptyShardWritesAnEmptyPair(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "s.yaml")
	spec := "name: s\npattern: harness\nrepeat: 1\nload: {model: closed, clients: 1, duration: 10ms}\n"
	if err := os.WriteFile(file, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "r")
	if _, stderr, code := runCLI(t, "run", "-in-process", "-no-report", "-scenario", file, "-shard", "3/4", "-out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	txt, err := os.ReadFile(filepath.Join(out, "results.txt"))
	if err != nil || strings.Contains(string(txt), "\nBenchmark") {
		t.Errorf("results.txt of an empty shard: %v\n%s", err, txt)
	}
	if side, _, err := record.ReadFile(filepath.Join(out, "results.jsonl"), nil); err != nil || len(side.Trials) != 0 || side.Run == nil {
		t.Errorf("results.jsonl of an empty shard: %d trials, run %v, %v; want no trial, and the run that wrote it", len(side.Trials), side.Run, err)
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"-version"}} {
		out, _, code := runCLI(t, args...)
		if code != 0 || !strings.HasPrefix(out, "runbench "+modulePath+" ") || !strings.Contains(out, "go go1.") {
			t.Errorf("%v: exit %d, output %q", args, code, out)
		}
	}
}

// A user's entry named like a built-in one is bad input, whatever the
// command.
func TestConfigNameClashExits2(t *testing.T) {
	var out, errb bytes.Buffer
	cfg := Config{Funcs: []Func{{Name: "f", Call: func(context.Context) error { return nil }}, {Name: "f", Call: func(context.Context) error { return nil }}}}
	if code := Run(context.Background(), cfg, []string{"list"}, strings.NewReader(""), &out, &errb); code != 2 || !strings.Contains(errb.String(), `two implementations named "f"`) {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

// TestCompareMaxRegression: a 20% slower benchmark fails a 5% gate and
// passes a 50% one; a faster one passes any.
func TestCompareMaxRegression(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, ns ...string) string {
		var b strings.Builder
		for range 6 {
			for i, v := range ns {
				fmt.Fprintf(&b, "BenchmarkB%d 1000 %s ns/op\n", i, v)
			}
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	old, slower, faster := write("old.txt", "100", "100"), write("slower.txt", "120", "100"), write("faster.txt", "80", "100")
	tests := []struct {
		name     string
		give     []string
		wantCode int
		wantText string
	}{
		{"regression beyond 5%", []string{"compare", "-max-regression", "5%", old, slower}, 1, "B0 sec/op: 100.0n → 120.0n (+20.00%"},
		{"within 50%", []string{"compare", "-max-regression", "50%", old, slower}, 0, "regressions beyond 50%"},
		{"faster passes", []string{"compare", "-max-regression", "5%", old, faster}, 0, ": 0\n"},
		{"bad threshold", []string{"compare", "-max-regression", "five", old, slower}, 2, "-max-regression"},
		{"markdown", []string{"compare", "-format", "markdown", "-max-regression", "5%", old, slower}, 1, "| B0 | 100.0n ± 0% | 120.0n ± 0% | +20.00% (p=0.002 n=6) |"},
		{"csv", []string{"compare", "-format", "csv", old, slower}, 0, "B0,1.0000000000000001e-07,0%,1.2000000000000002e-07,0%,+20.00%,p=0.002 n=6"},
		{"json", []string{"compare", "-format", "json", old, slower}, 0, `"delta": "+20.00%"`},
		{"json regressions", []string{"compare", "-format", "json", "-max-regression", "5%", old, slower}, 1, `"name": "B0"`},
		{"bad filter", []string{"compare", "-filter", "/impl:(", old, slower}, 2, "parsing -filter"},
		{"bad row", []string{"compare", "-row", ".unit", old, slower}, 2, "parsing -row"},
		{"bad order", []string{"compare", "-col", ".file@nosuch", old, slower}, 2, "parsing -col"},
		{"one file, default columns", []string{"compare", old}, 2, "want OLD and NEW"},
		{"one file split by -col", []string{"compare", "-col", ".name", old}, 0, "vs base"},
		{"labels name the columns", []string{"compare", "base=" + old, "head=" + slower}, 0, "│    base     │                 head"},
		{"bad format", []string{"compare", "-format", "yaml", old, slower}, 2, "-format"},
		{"calibrated gate", []string{"compare", "-max-regression", "auto", "-calibrate", old, old, slower}, 1, "calibrated on 2 A/A runs (1 pairs)"},
		{"auto without runs", []string{"compare", "-max-regression", "auto", old, slower}, 2, "auto needs A/A runs to calibrate on"},
		{"calibrate without auto", []string{"compare", "-max-regression", "5%", "-calibrate", old, old, slower}, 2, "-calibrate needs -max-regression auto"},
		{"calibrate, missing file", []string{"compare", "-max-regression", "auto", "-calibrate", filepath.Join(dir, "nosuch.txt"), old, slower}, 2, "-calibrate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := runCLI(t, tt.give...)
			if code != tt.wantCode || !strings.Contains(out+stderr, tt.wantText) {
				t.Errorf("exit %d (want %d); output lacks %q:\n%s%s", code, tt.wantCode, tt.wantText, out, stderr)
			}
		})
	}
}

// In one process a deliberate hang cannot be contained: -in-process
// leaves out the demonstrations that hang or crash, says so, and runs
// the rest to a clean end.
func TestInProcessLeavesOutHangingDemos(t *testing.T) {
	out, stderr, code := runCLI(t, "run", "-in-process", "-no-report", "-progress", "never", "-count", "1", "-out", t.TempDir(), "-scenario", "fanout-deadlock")
	if code != 0 || !strings.Contains(stderr, "leaves out the demonstrations that hang or crash on purpose (fanout/deadlock)") || !strings.Contains(out, "trials: 1 ok") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, out, stderr)
	}
}

// A user's entries are checked before any command runs: a name that
// cannot name a benchmark, or a nil function, is bad input naming the
// entry and the field.
func TestConfigEntriesChecked(t *testing.T) {
	var out, errb bytes.Buffer
	cfg := Config{WorkerPools: []workerpool.Impl{{Name: "My Pool", New: workerpool.Impls()[0].New}}, Funcs: []Func{{Name: "f"}}}
	code := Run(context.Background(), cfg, []string{"list"}, strings.NewReader(""), &out, &errb)
	for _, want := range []string{`WorkerPools[0] ("My Pool"): Name "My Pool"`, `Funcs[0] ("f"): Call is nil`} {
		if code != 2 || !strings.Contains(errb.String(), want) {
			t.Errorf("exit %d, stderr %q; want 2 and %q", code, errb.String(), want)
		}
	}
}

// runbench.Run in a test binary does not re-execute it for its trials
// (which would run the tests again, recursively): it says so and how to
// run them.
func TestRunInATestBinaryRefusesChildTrials(t *testing.T) {
	_, stderr, code := runCLI(t, "run", "-scenario", "harness-overhead", "-out", filepath.Join(t.TempDir(), "o"))
	if code != 2 || !strings.Contains(stderr, "test binary") || !strings.Contains(stderr, "-in-process") {
		t.Errorf("exit %d, stderr %q; want 2, naming the test binary and -in-process", code, stderr)
	}
}

// A trial whose every operation failed is named loudly; with an error
// budget in its scenario, one over it fails the run.
func TestFailedOperationsAreNamed(t *testing.T) {
	tests := []struct {
		name     string
		budget   string
		wantCode int
		wantText string
	}{
		{"no budget", "", 0, "WARNING: every operation failed in 1 trials"},
		{"over the budget", "error_budget: 0.5\n", 1, "errors: Scenario/scenario=f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "f.yaml")
			spec := "name: f\npattern: fanout\nimpls: [channels]\nrepeat: 1\nload: {model: closed, clients: 1, duration: 30ms}\nfaults: {error_rate: 1}\n" + tt.budget
			if err := os.WriteFile(file, []byte(spec), 0o644); err != nil {
				t.Fatal(err)
			}
			out, stderr, code := runCLI(t, "run", "-in-process", "-no-report", "-scenario", file, "-out", filepath.Join(dir, "r"))
			if code != tt.wantCode || !strings.Contains(out, tt.wantText) {
				t.Errorf("exit %d, output %q %q; want exit %d and %q", code, out, stderr, tt.wantCode, tt.wantText)
			}
		})
	}
}

// A configuration value is written as one line: a scenario file whose
// name holds a newline and a benchmark line cannot inject that line.
func TestConfigValuesCannotInjectLines(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "s\nBenchmarkInjected 1 1 hits\n.yaml")
	spec := "name: s\npattern: harness\nrepeat: 1\nload: {model: closed, clients: 1, duration: 10ms}\n"
	if err := os.WriteFile(file, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "r")
	if _, stderr, code := runCLI(t, "run", "-in-process", "-no-report", "-scenario", file, "-out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	txt, err := os.ReadFile(filepath.Join(out, "results.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(txt), "\nBenchmarkInjected") || !strings.Contains(string(txt), `scenario-file: `+dir+`/s\nBenchmarkInjected 1 1 hits\n.yaml`) {
		t.Errorf("results.txt:\n%s", txt)
	}
}

// -impl puts a user's implementation into any scenario of its family: in
// place of the scenario's list, or beside it with +; a name that runs
// nowhere is an error that says why.
func TestImplFlagReplacesOrAdds(t *testing.T) {
	var mine workerpool.Impl // a copy of spawn: no queue to set
	for _, impl := range workerpool.Impls() {
		if impl.Name == "spawn" {
			mine = impl
		}
	}
	mine.Name = "mine"
	cfg := Config{WorkerPools: []workerpool.Impl{mine}}
	dir := t.TempDir()
	pool := filepath.Join(dir, "p.yaml")
	fan := filepath.Join(dir, "f.yaml")
	queue := filepath.Join(dir, "q.yaml")
	for file, spec := range map[string]string{
		pool:  "name: p\npattern: workerpool\nimpls: [channels, mutexcond]\nrepeat: 1\nload: {model: closed, clients: 1, duration: 10ms}\n",
		fan:   "name: f\npattern: fanout\nimpls: [channels]\nrepeat: 1\nload: {model: closed, clients: 1, duration: 10ms}\n",
		queue: "name: q\npattern: workerpool\nimpls: [channels]\nparams: {queue: [3]}\nrepeat: 1\nload: {model: closed, clients: 1, duration: 10ms}\n",
	} {
		if err := os.WriteFile(file, []byte(spec), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name     string
		give     []string
		wantCode int
		wantText string
	}{
		{"add to the list", []string{"-scenario", pool, "-impl", "+mine"}, 0, "running 3 trials of 1 scenarios"},
		{"in place of the list", []string{"-scenario", pool, "-impl", "mine"}, 0, "running 1 trials of 1 scenarios"},
		{"other scenarios left out", []string{"-scenario", pool, "-scenario", fan, "-impl", "mine,channels"}, 0, "running 3 trials of 2 scenarios"},
		{"added nowhere else", []string{"-scenario", pool, "-scenario", fan, "-impl", "+mine"}, 0, "running 4 trials of 2 scenarios"},
		{"not of the run's patterns", []string{"-scenario", fan, "-impl", "mine"}, 2, "-impl mine: it is a workerpool implementation, and the run's scenarios are of fanout"},
		{"no such implementation", []string{"-scenario", pool, "-impl", "nope"}, 2, "-impl nope: no pattern has an implementation of that name"},
		{"cannot run at the parameters", []string{"-scenario", queue, "-impl", "+mine"}, 2, "mine cannot run in scenario q, whose queue is 3"},
		{"both forms", []string{"-scenario", pool, "-impl", "+mine,channels"}, 2, "every name with a leading +"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			args := append([]string{"run", "-in-process", "-no-report", "-floor=false", "-out", filepath.Join(t.TempDir(), "o")}, tt.give...)
			code := Run(context.Background(), cfg, args, strings.NewReader(""), &out, &errb)
			if code != tt.wantCode || !strings.Contains(out.String()+errb.String(), tt.wantText) {
				t.Errorf("exit %d, output %q %q; want %d and %q", code, out.String(), errb.String(), tt.wantCode, tt.wantText)
			}
		})
	}
}

// -param runs a scenario at other parameter values, checked as its file's
// are.
func TestParamFlag(t *testing.T) {
	dir := t.TempDir()
	pool := filepath.Join(dir, "p.yaml")
	spec := "name: p\npattern: workerpool\nimpls: [channels]\nparams: {workers: [4]}\nrepeat: 1\nload: {model: closed, clients: 1, duration: 10ms}\n"
	if err := os.WriteFile(pool, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		give     []string
		wantCode int
		wantText string
	}{
		{"two values", []string{"-param", "workers=8,16"}, 0, "running 2 trials of 1 scenarios"},
		{"two params", []string{"-param", "workers=1,2", "-param", "queue=0,4"}, 0, "running 4 trials of 1 scenarios"},
		{"out of range", []string{"-param", "workers=0"}, 2, `p.yaml: -param workers: scenario p: "0": want a whole number from 1 to 4096`},
		{"one value twice", []string{"-param", "workers=1,01"}, 2, `"01" is 1, listed before`},
		{"no such parameter", []string{"-param", "stages=2"}, 2, "-param stages: none of the run's scenarios has it: it is a parameter of pipeline"},
		{"no value", []string{"-param", "workers"}, 2, "want name=value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"run", "-in-process", "-no-report", "-floor=false", "-scenario", pool, "-out", filepath.Join(t.TempDir(), "o")}, tt.give...)
			out, stderr, code := runCLI(t, args...)
			if code != tt.wantCode || !strings.Contains(out+stderr, tt.wantText) {
				t.Errorf("exit %d, output %q %q; want %d and %q", code, out, stderr, tt.wantCode, tt.wantText)
			}
		})
	}
}
