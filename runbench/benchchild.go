package runbench

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"testing"

	"github.com/concbench/concbench/internal/gobench"
)

// The child side of bench (not for people): `runbench bench-child FLAGS`
// runs the leaves that bench's flags select, in go test's order (each
// leaf, at each -cpu value, -count times), each with testing.Benchmark,
// and writes on stdout, a line at a time and each line whole:
//
//	goos: …, goarch: …, pkg: …, cpu: …   go test's header, once
//	# runbench bench-child: start NAME   before each run (NAME with its -N suffix)
//	NAME  N  … ns/op … B/op … allocs/op  go test -benchmem's line, as the run ends
//	--- FAIL: NAME                       instead, if the run failed (and an indented note)
//	--- SKIP: NAME                       instead, if the benchmark skipped itself
//	# runbench bench-child: done         after the last run
//
// and exits 0, or 1 if a run failed. The parent keeps every line but the
// '# runbench' ones. A child that exits without the done line was ended by
// the benchmark that had started last (a crash, or os.Exit from its code).
const (
	benchChildCommand = "bench-child"
	benchStartPrefix  = "# runbench bench-child: start "
	benchDoneLine     = "# runbench bench-child: done"
)

// cmdBenchChild is `runbench bench-child`. It trusts its arguments no more
// than bench's: bad ones are bad usage (exit status 2).
func cmdBenchChild(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet(benchChildCommand, flag.ContinueOnError)
	fs.SetOutput(stderr)
	check := benchRunFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	r, err := check()
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("%s: unexpected argument %q", benchChildCommand, fs.Arg(0))}
	}
	leaves, err := selectLeaves(cfg, r.pattern)
	if err != nil {
		return err
	}
	if len(leaves) == 0 {
		return noBenchMatched(r.pattern)
	}
	if err := setBenchtime(r.benchtime); err != nil {
		return err
	}
	// What the benchmarks print goes to stderr, not into the results.
	if stdout == io.Writer(os.Stdout) {
		os.Stdout = os.Stderr
		defer func() { os.Stdout = stdout.(*os.File) }()
	}
	return runLeaves(ctx, leaves, r, stdout, stderr)
}

// setBenchtime sets testing's -test.benchtime, which testing.Benchmark
// reads, to d ("" leaves go test's default).
func setBenchtime(d string) error {
	testing.Init() // registers the test.* flags; a second call does nothing
	if d == "" {
		return nil
	}
	return flag.Set("test.benchtime", d)
}

// runLeaves runs each leaf at each GOMAXPROCS of r.cpus, r.count times, in
// go test's order, and writes the protocol above to stdout.
func runLeaves(ctx context.Context, leaves []benchLeaf, r benchRun, stdout, stderr io.Writer) error {
	cpus := r.cpus
	if cpus == nil {
		cpus = []int{runtime.GOMAXPROCS(-1)}
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(-1))
	names := make([]string, len(leaves))
	for i, l := range leaves {
		names[i] = l.name
	}
	width := gobench.Width(names, cpus)
	io.WriteString(stdout, gobench.Header(runtime.GOOS, runtime.GOARCH, benchPkg))
	failed := 0
	for _, l := range leaves {
		for _, procs := range cpus {
			for range r.count {
				if err := ctx.Err(); err != nil {
					return err
				}
				name := gobench.Name(l.name, procs)
				io.WriteString(stdout, benchStartPrefix+name+"\n")
				runtime.GOMAXPROCS(procs)
				switch res, end := runLeaf(l.f); end {
				case leafFailed:
					failed++
					io.WriteString(stdout, "--- FAIL: "+name+"\n    it called b.Error or b.Fatal, or reported no result; "+
						"testing.Benchmark keeps no message: run it under go test to see one\n")
				case leafSkipped:
					io.WriteString(stdout, "--- SKIP: "+name+"\n")
				default:
					io.WriteString(stdout, gobench.Line(name, width, res)+"\n")
				}
				if p := runtime.GOMAXPROCS(-1); p != procs {
					fmt.Fprintf(stderr, "testing: %s left GOMAXPROCS set to %d\n", name, p)
				}
			}
		}
	}
	io.WriteString(stdout, benchDoneLine+"\n")
	if failed > 0 {
		return failedError{fmt.Sprintf("%s: %d runs failed", benchChildCommand, failed)}
	}
	return nil
}

// How a run ended.
const (
	leafOK = iota
	leafFailed
	leafSkipped
)

// runLeaf runs f with testing.Benchmark and says how it ended: failed (it
// failed itself, or ran no iteration), skipped, or with a result.
func runLeaf(f func(*testing.B)) (testing.BenchmarkResult, int) {
	var failed, skipped bool
	res := testing.Benchmark(func(b *testing.B) {
		defer func() { failed, skipped = b.Failed(), b.Skipped() }() // also after FailNow, SkipNow
		f(b)
	})
	switch {
	case failed:
		return res, leafFailed
	case skipped:
		return res, leafSkipped
	case res.N == 0:
		return res, leafFailed
	}
	return res, leafOK
}
