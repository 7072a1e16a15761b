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
	"strings"
	"sync"
	"time"

	"github.com/concbench/concbench/internal/atomicfile"
	"github.com/concbench/concbench/internal/child"
	"github.com/concbench/concbench/internal/clockcost"
)

// cmdBench is runbench bench: it runs the benchmark suites over this
// binary's registry (the built-in implementations and cfg's) in a child
// process of this binary (bench-child, benchchild.go) and writes what the
// child wrote to a results file.
func cmdBench(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	f, err := parseBenchFlags(args, stderr)
	if err != nil {
		return err
	}
	leaves, err := selectLeaves(cfg, f.run.pattern)
	if err != nil {
		return err
	}
	if len(leaves) == 0 {
		return noBenchMatched(f.run.pattern)
	}
	path, err := benchResultsPath(f.out)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("bench: cannot find own binary to run the benchmarks in: %w", err)
	}
	runs := len(leaves) * f.run.count * max(len(f.run.cpus), 1)
	fmt.Fprintf(stderr, "bench: %d benchmarks, %d runs\n", len(leaves), runs)
	out, runErr := runBenchChild(ctx, append([]string{self, benchChildCommand}, f.run.args()...), stderr)
	if err := atomicfile.Write(path, out); err != nil {
		return errors.Join(runErr, err)
	}
	fmt.Fprintf(stdout, "results: %s\n", path)
	switch {
	case ctx.Err() != nil:
		return failedError{fmt.Sprintf("bench interrupted: kept what it wrote so far in %s, marked partial", path)}
	case runErr != nil:
		return failedError{fmt.Sprintf("bench: %v; kept the lines before it in %s, marked partial", runErr, path)}
	}
	return nil
}

// benchFlags are bench's flags, checked: what to run, and -o as given.
type benchFlags struct {
	run benchRun
	out string
}

func parseBenchFlags(args []string, stderr io.Writer) (benchFlags, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	check := benchRunFlags(fs)
	out := fs.String("o", "", "results `FILE` (default: results/local/bench-<UTC time>.txt); a symbolic link is written through, the link kept")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: runbench bench [flags]

Runs the go test benchmarks of this binary's implementations, the built-in
ones and those of its runbench.Config, with the suites of package benchsuite:
BenchmarkBreaker, BenchmarkFanout, BenchmarkPipeline, BenchmarkWorkerPool,
BenchmarkWorkerPoolCapacity and BenchmarkClock, whose sub-benchmarks have the
names 'go test -bench' gives them over concbench's bench/. It needs no Go
toolchain and runs from any folder. Each benchmark runs with testing.Benchmark
in a child process of this binary; their lines, in go test's format with
-benchmem's B/op and allocs/op, go to a results file that benchstat and
'runbench report' read. Prints the file's path.

BenchmarkAdapter (each library bare beside concbench's adapter of it) is
about concbench's own adapters and runs under go test only, in its checkout:
  go test -run '^$' -bench Adapter ./bench/

A benchmark that fails, crashes or ends the benchmark process (os.Exit) fails
the run, and so does an interrupt (Ctrl-C, SIGTERM, SIGHUP; it stops the
benchmark process at once, so it ends a hang too): the lines written so far
are kept, with a last line 'run-status: partial'; the message names the
benchmark, and the exit status is 1. A -bench that matches nothing, and an -o
that is a folder, are bad usage (exit status 2), refused before anything runs.

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
	run, err := check()
	if err != nil {
		return benchFlags{}, err
	}
	return benchFlags{run, *out}, nil
}

// benchResultsPath returns the results file of -o out (default: a new one
// under results/local), after checking that it is not a folder, making its
// folder and checking that it is writable: before minutes of benchmarks,
// not after. A symbolic link is checked at its target, where it is written.
func benchResultsPath(out string) (string, error) {
	path := out
	if path == "" {
		path = filepath.Join("results", "local", "bench-"+time.Now().UTC().Format("20060102-150405")+".txt")
	}
	target, err := atomicfile.Target(path)
	if err != nil {
		return "", usageError{fmt.Errorf("bench: -o %s: %w", path, err)}
	}
	if fi, err := os.Stat(target); err == nil && fi.IsDir() {
		return "", usageError{fmt.Errorf("bench: -o %s: is a folder; name the results file", path)}
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return "", usageError{fmt.Errorf("bench: -o %s: %w", path, err)}
	}
	if err := atomicfile.CheckDir(filepath.Dir(target)); err != nil {
		return "", usageError{fmt.Errorf("bench: -o %s: %w", path, err)}
	}
	return path, nil
}

// runBenchChild runs the benchmark child process argv, its lines going to
// stderr too as they come, and returns the results file: the lines it
// wrote (the protocol's own left out), the clock's cost on this machine
// and, if it did not finish cleanly or ctx ended, a partial marker, with
// the error saying why, naming the benchmark.
func runBenchChild(ctx context.Context, argv []string, stderr io.Writer) ([]byte, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	if _, ok := stderr.(*os.File); !ok {
		// exec copies the child's stderr in a goroutine of its own, beside
		// the one that copies stdout, which echoes it there too.
		stderr = &syncWriter{w: stderr}
	}
	s := &benchStream{progress: stderr}
	cmd.Stdout, cmd.Stderr = s, stderr
	// Wait returns this long after the child exits even if something it
	// started still holds its output open.
	cmd.WaitDelay = 5 * time.Second
	runErr := s.verdict(runChild(ctx, cmd))
	buf := &s.kept
	// The cost of a clock read on this machine, after the results: a
	// configuration line there attaches to no result, so benchstat's
	// grouping is unchanged, and the report reads it.
	fmt.Fprintf(buf, "clock-ns: %.1f\n", clockcost.Measure())
	if runErr != nil {
		buf.WriteString("run-status: partial\n")
	}
	return buf.Bytes(), runErr
}

// benchStream reads the child's stdout as it comes (exec's copying
// goroutine calls Write; the fields are read after Wait): it keeps the
// result lines and follows the protocol lines (benchchild.go).
type benchStream struct {
	progress io.Writer
	pending  []byte       // a line not ended yet
	kept     bytes.Buffer // the lines of the results file
	started  string       // the run started last
	reported bool         // whether started has its line (result or FAIL)
	failed   []string     // the runs that failed
	done     bool         // the child wrote the done line
}

func (s *benchStream) Write(p []byte) (int, error) {
	s.pending = append(s.pending, p...)
	for {
		i := bytes.IndexByte(s.pending, '\n')
		if i < 0 {
			break
		}
		s.line(string(s.pending[:i]))
		s.pending = s.pending[i+1:]
	}
	return len(p), nil
}

func (s *benchStream) line(l string) {
	if name, ok := strings.CutPrefix(l, benchStartPrefix); ok {
		s.started, s.reported = name, false
		return
	}
	if l == benchDoneLine {
		s.done = true
		return
	}
	if name, ok := strings.CutPrefix(l, "--- FAIL: "); ok {
		s.failed = append(s.failed, name)
	}
	s.reported = s.started != "" // only the run's line (or its FAIL) comes between starts
	s.kept.WriteString(l + "\n")
	fmt.Fprintln(s.progress, l)
}

// verdict returns the error of a run that ended with the child's exit
// error err: nil if the child wrote the done line and exited 0. A line
// the child left half-written (it was killed mid-line) is not kept.
func (s *benchStream) verdict(err error) error {
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return err
	case !s.done:
		if err == nil {
			err = errors.New("exit status 0")
		}
		switch {
		case s.started == "":
			return fmt.Errorf("the benchmark process ended (%v) before the first benchmark started", err)
		case s.reported:
			return fmt.Errorf("the benchmark process ended (%v) after %s had finished, before the next started", err, s.started)
		}
		return fmt.Errorf("the benchmark process ended (%v) while %s was running: it crashed, or its code called os.Exit", err, s.started)
	case len(s.failed) > 0:
		return fmt.Errorf("failed: %s (testing.Benchmark keeps no message; go test shows it)", strings.Join(s.failed, ", "))
	case err != nil:
		return fmt.Errorf("the benchmark process: %w", err)
	}
	return nil
}

// syncWriter serialises the writes to w.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
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
