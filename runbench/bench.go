package runbench

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/concbench/concbench/internal/atomicfile"
	"github.com/concbench/concbench/internal/child"
	"github.com/concbench/concbench/internal/clockcost"
)

// maxBenchCount bounds -count: 1000 runs of every benchmark is already
// days of work; more is a typo.
const maxBenchCount = 1000

// cmdBench is runbench bench: it builds and runs the benchmarks of
// ./bench/... and writes their output to a results file.
func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseBenchFlags(args, stderr)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "runbench-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	pkgs, err := buildBenchBinaries(ctx, tmp, stderr)
	if err != nil {
		return err
	}
	out, runErr := runBenchBinaries(ctx, pkgs, f.testArgs, stderr)
	if err := atomicfile.Write(f.path, out); err != nil {
		return errors.Join(runErr, err)
	}
	fmt.Fprintf(stdout, "results: %s\n", f.path)
	switch {
	case ctx.Err() != nil:
		return failedError{fmt.Sprintf("bench interrupted: kept what it wrote so far in %s, marked partial", f.path)}
	case runErr != nil:
		return failedError{fmt.Sprintf("bench: %v; kept its output in %s, marked partial", runErr, f.path)}
	}
	return nil
}

// benchFlags are bench's flags, checked: the test binaries' arguments,
// and the results file, whose folder exists and is writable.
type benchFlags struct {
	testArgs []string
	path     string
}

func parseBenchFlags(args []string, stderr io.Writer) (benchFlags, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	count := fs.Int("count", 6, "runs of each benchmark, 1 to 1000 (benchstat wants >= 6 for a confidence interval)")
	cpu := fs.String("cpu", "", "GOMAXPROCS `LIST` for -test.cpu, e.g. 1,2,4")
	pattern := fs.String("bench", ".", "benchmarks to run, a go test -bench `REGEXP`, e.g. WorkerPool or 'Breaker/.*/path=closed'")
	benchtime := fs.String("benchtime", "", "go test -benchtime: a duration such as 200ms, or N iterations as Nx")
	out := fs.String("o", "", "results `FILE` (default: results/local/bench-<UTC time>.txt)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: runbench bench [flags]

Builds the test binaries of ./bench/... from the module root with 'go test -c'
(the Go toolchain must be installed), runs their benchmarks, and writes their
output, which benchstat and 'runbench report' read, to a results file. Prints
the file's path.

An interrupt (Ctrl-C, SIGTERM, SIGHUP) stops the benchmark binary at once;
the lines it wrote so far are kept, with a last line 'run-status: partial',
and the exit status is 1. So is a benchmark that fails.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return benchFlags{}, err
	}
	if fs.NArg() > 0 {
		return benchFlags{}, usageError{fmt.Errorf("bench: unexpected argument %q", fs.Arg(0))}
	}
	testArgs, err := benchArgs(*count, *cpu, *pattern, *benchtime)
	if err != nil {
		return benchFlags{}, usageError{err}
	}
	path, err := benchResultsPath(*out)
	if err != nil {
		return benchFlags{}, err
	}
	return benchFlags{testArgs, path}, nil
}

// benchResultsPath returns the results file of -o out (default: a new one
// under results/local), after making its folder and checking that it is
// writable: before minutes of benchmarks, not after.
func benchResultsPath(out string) (string, error) {
	path := out
	if path == "" {
		path = filepath.Join("results", "local", "bench-"+time.Now().UTC().Format("20060102-150405")+".txt")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", usageError{fmt.Errorf("bench: -o %s: %w", path, err)}
	}
	if err := atomicfile.CheckDir(filepath.Dir(path)); err != nil {
		return "", usageError{fmt.Errorf("bench: -o %s: %w", path, err)}
	}
	return path, nil
}

// runBenchBinaries runs the test binaries of pkgs in turn with testArgs,
// their output going to stderr too, and returns the results file: their
// output, the clock's cost on this machine and, if one failed or ctx
// ended, a partial marker, with the error that stopped them.
func runBenchBinaries(ctx context.Context, pkgs []benchPackage, testArgs []string, stderr io.Writer) ([]byte, error) {
	var buf bytes.Buffer
	var runErr error
	for _, p := range pkgs {
		cmd := exec.Command(p.binary, testArgs...)
		cmd.Dir = p.dir // as go test runs it: testdata/ resolves
		cmd.Stdout = io.MultiWriter(&buf, stderr)
		cmd.Stderr = stderr
		fmt.Fprintf(stderr, "%s %s\n", p.importPath, strings.Join(testArgs, " "))
		if runErr = runChild(ctx, cmd); runErr != nil {
			break
		}
	}
	if runErr != nil {
		// A binary stopped mid-line leaves half a result: drop it.
		buf.Truncate(bytes.LastIndexByte(buf.Bytes(), '\n') + 1)
	}
	// The cost of a clock read on this machine, after the results: a
	// configuration line there attaches to no result, so benchstat's
	// grouping is unchanged, and the report reads it.
	fmt.Fprintf(&buf, "clock-ns: %.1f\n", clockcost.Measure())
	if runErr != nil {
		buf.WriteString("run-status: partial\n")
	}
	return buf.Bytes(), runErr
}

// benchArgs checks the flags and returns the test binary's arguments. A
// bad value is refused here, as bad usage, rather than by the test binary
// minutes later.
func benchArgs(count int, cpu, pattern, benchtime string) ([]string, error) {
	if count < 1 || count > maxBenchCount {
		return nil, fmt.Errorf("bench: -count %d: want 1 to %d", count, maxBenchCount)
	}
	// go test matches each '/'-separated part of a name separately.
	if _, err := regexp.Compile(pattern); err != nil {
		return nil, fmt.Errorf("bench: -bench %q: %w", pattern, err)
	}
	for part := range strings.SplitSeq(pattern, "/") {
		if _, err := regexp.Compile(part); err != nil {
			return nil, fmt.Errorf("bench: -bench %q: part %q: %w", pattern, part, err)
		}
	}
	args := []string{"-test.run=^$", "-test.bench=" + pattern, "-test.count=" + strconv.Itoa(count)}
	if cpu != "" {
		for c := range strings.SplitSeq(cpu, ",") {
			if n, err := strconv.Atoi(c); err != nil || n < 1 || n > 1024 {
				return nil, fmt.Errorf("bench: -cpu %q: want a comma-separated list of GOMAXPROCS values from 1 to 1024", cpu)
			}
		}
		args = append(args, "-test.cpu="+cpu)
	}
	if benchtime != "" {
		if err := checkBenchtime(benchtime); err != nil {
			return nil, fmt.Errorf("bench: -benchtime %q: %w", benchtime, err)
		}
		args = append(args, "-test.benchtime="+benchtime)
	}
	return args, nil
}

func checkBenchtime(v string) error {
	if n, ok := strings.CutSuffix(v, "x"); ok {
		if i, err := strconv.Atoi(n); err != nil || i < 1 {
			return errors.New("want N iterations as Nx with N >= 1, or a duration such as 200ms")
		}
		return nil
	}
	if d, err := time.ParseDuration(v); err != nil || d <= 0 || d > 24*time.Hour {
		return errors.New("want a duration from 1ns to 24h such as 200ms, or N iterations as Nx")
	}
	return nil
}

// benchPackage is one built test binary.
type benchPackage struct{ importPath, dir, binary string }

// buildBenchBinaries builds the test binary of every package under ./bench
// that has tests into dir. Running the binaries directly, rather than
// through 'go test', makes each one this process's own child, which dies
// with it: 'go test' runs the binary as its own child, which an interrupt
// or a kill of this process would leave running.
func buildBenchBinaries(ctx context.Context, dir string, stderr io.Writer) ([]benchPackage, error) {
	list := exec.Command("go", "list", "-f", "{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}\t{{.Dir}}{{end}}", "./bench/...")
	var listOut bytes.Buffer
	list.Stdout, list.Stderr = &listOut, stderr
	if err := runChild(ctx, list); err != nil {
		return nil, fmt.Errorf("bench: go list ./bench/... (run it from the module root, with the Go toolchain installed): %w", err)
	}
	var pkgs []benchPackage
	for line := range strings.SplitSeq(strings.TrimSpace(listOut.String()), "\n") {
		importPath, pkgDir, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		bin := filepath.Join(dir, fmt.Sprintf("%d.test", len(pkgs)))
		build := exec.Command("go", "test", "-c", "-o", bin, importPath)
		build.Stdout, build.Stderr = stderr, stderr
		if err := runChild(ctx, build); err != nil {
			return nil, fmt.Errorf("bench: go test -c %s: %w", importPath, err)
		}
		pkgs = append(pkgs, benchPackage{importPath, pkgDir, bin})
	}
	if len(pkgs) == 0 {
		return nil, usageError{errors.New("bench: no package with tests under ./bench")}
	}
	return pkgs, nil
}

// runChild runs cmd as a child that dies with this process, and kills it
// (with anything it started) at once when ctx ends.
func runChild(ctx context.Context, cmd *exec.Cmd) error {
	exited, err := child.Start(cmd)
	if err != nil {
		return err
	}
	defer child.KillGroup(cmd)
	select {
	case err := <-exited:
		return err
	case <-ctx.Done():
		child.KillGroup(cmd)
		<-exited
		return ctx.Err()
	}
}
