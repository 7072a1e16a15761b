package runbench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/concbench/concbench/compare"
)

const compareUsage = `usage: runbench compare [flags] OLD NEW [MORE...]

Compares Go benchmark result files exactly as 'go tool benchstat' does:
the same grouping, the same numbers (x/perf benchmath: medians with 95%
confidence intervals, Mann-Whitney U at alpha 0.05, no multiple-comparison
correction) and the same -filter/-table/-row/-col/-ignore syntax
(go doc golang.org/x/perf/benchproc/syntax).

By default there is a table per configuration and unit (-table .config:
every file-level "key: value" line, pkg included, so same-named benchmarks
of two packages are two tables), a row per full benchmark name (-row
.fullname) and a column per file (-col .file). Each column after the first
is compared with the first. A file may be given as label=path to name its
column. One file is enough when -col splits it into columns.

With -max-regression it is a CI gate: a cell whose change from the first
column is statistically significant (the table's own test and alpha) and
worse than P% in its unit's bad direction (better= metadata; else lower is
better, except for rates ending in /s) is a regression; the regressions
are printed last and the exit status is 1. Exit status 2: bad usage, a
malformed -filter or projection, an unknown -format, an unreadable file.

Examples:
  runbench compare old.txt new.txt
  runbench compare base=old.txt head=new.txt           # columns named base, head
  runbench compare -filter '/impl:channels' old.txt new.txt
  runbench compare -filter '.unit:(sec/op OR B/op)' old.txt new.txt
  runbench compare -row .name -col /impl new.txt        # implementations side by side
  runbench compare -col '/impl@(mutexcond channels)' -row .name new.txt
  runbench compare -format markdown old.txt new.txt > comment.md
  runbench compare -format json old.txt new.txt | jq '.regressions'

CI (see .github/workflows/bench-regression.yml):
  runbench bench -count 6 -bench 'WorkerPool' -o old.txt   # on the base
  runbench bench -count 6 -bench 'WorkerPool' -o new.txt   # on the head
  runbench compare -max-regression 5% old.txt new.txt   # exit 1 on a regression

A gate calibrated to its runner: a fixed threshold on a noisy machine
fails builds for nothing. Run the base more than once on the same runner
(A/A runs), interleaved with the head, and let each benchmark move twice
its own largest A/A move (at least 2%); with three or more A/A runs
compare also says how many false alarms to expect (leave one pair out):
  runbench compare -max-regression auto -calibrate old2.txt,old3.txt old.txt new.txt

Scenario results (runbench run) carry per-run configuration lines (date,
commit, clock-ns) that differ between two runs; by benchstat's default
they put each file in its own tables, with nothing compared. Ignore them
to compare two runs of the same scenarios:
  runbench compare -ignore date,commit,clock-ns old/results.txt new/results.txt
Their other lines (gomaxprocs, sleeper, scenario-file, scenario-sha256,
run-status) split tables too, as they should: a changed scenario file or
a partial run is not the same experiment. Add them to -ignore only if you
mean to compare across them.

Flags:
`

func cmdCompare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseCompareFlags(args, stderr)
	if err != nil {
		return err
	}
	f.opts.Warnings = stderr
	if len(f.calibrate) > 0 {
		// The A/A runs: the base (the first file) and the others given.
		base := f.files[0]
		if _, path, ok := strings.Cut(base, "="); ok {
			base = path
		}
		cal, err := compare.Calibrate(ctx, append([]string{base}, f.calibrate...), f.opts.Projections)
		switch {
		case errors.Is(err, context.Canceled):
			return failedError{"compare interrupted: nothing written"}
		case errors.Is(err, compare.ErrCalibration):
			return usageError{fmt.Errorf("compare: -calibrate: %w", err)}
		case err != nil:
			return inputError(err)
		}
		f.opts.Calibration = cal
	}
	regs, err := compare.Files(ctx, stdout, f.files, f.opts)
	switch {
	case errors.Is(err, compare.ErrNoResults):
		return usageError{err}
	case errors.Is(err, context.Canceled):
		return failedError{"compare interrupted: nothing written"}
	case errors.Is(err, compare.ErrNothingCompared):
		return failedError{fmt.Sprintf("compare: -max-regression %s: %v", f.maxReg, err)}
	case err != nil:
		return inputError(err)
	}
	if len(regs) > 0 {
		return failedError{fmt.Sprintf("compare: %d benchmarks regressed beyond %s", len(regs), f.maxReg)}
	}
	return nil
}

// compareFlags are compare's flags, checked, and its files.
type compareFlags struct {
	files     []string // as given: label=path or path
	opts      compare.Options
	maxReg    string   // -max-regression as given
	calibrate []string // -calibrate: more A/A runs of the base
}

func parseCompareFlags(args []string, stderr io.Writer) (compareFlags, error) {
	var f compareFlags
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.opts.Format, "format", "text", "output `FORMAT`: text (benchstat's tables), markdown (for a pull-request comment), csv (benchstat's csv; warnings go to stderr) or json")
	fs.StringVar(&f.maxReg, "max-regression", "", "fail (exit 1) if a benchmark got significantly worse than `P%` (e.g. 5%) in its unit's bad direction; auto: than its own threshold from A/A runs (-calibrate)")
	calibrate := fs.String("calibrate", "", "comma-separated `FILES`: more runs of the same code as OLD, on the same machine; with -max-regression auto each benchmark may move twice its largest move among them and OLD (at least 2%), and compare says how many false alarms to expect")
	p := &f.opts.Projections
	fs.StringVar(&p.Filter, "filter", "*", "use only results matching benchfilter `query`, e.g. '/impl:channels .unit:sec/op'")
	fs.StringVar(&p.Table, "table", ".config", "split results into tables by distinct values of `projection`")
	fs.StringVar(&p.Row, "row", ".fullname", "split results into rows by distinct values of `projection`, e.g. .name or /workers")
	fs.StringVar(&p.Col, "col", ".file", "split results into columns by distinct values of `projection`, e.g. /impl; each is compared with the first")
	fs.StringVar(&p.Ignore, "ignore", "", "ignore variations in `keys`, e.g. date,commit")
	fs.Usage = func() {
		fmt.Fprint(stderr, compareUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return f, err
	}
	f.files = fs.Args()
	switch {
	case len(f.files) == 0:
		return f, usageError{errors.New("compare: want OLD and NEW result files, got none")}
	case len(f.files) == 1 && p.Col == ".file":
		return f, usageError{fmt.Errorf("compare: want OLD and NEW, got 1 file (to compare within one file, split it into columns with -col)")}
	}
	paths := make([]string, len(f.files))
	for i, file := range f.files {
		// label=path, as benchstat (benchfmt.Files) reads it.
		if _, path, ok := strings.Cut(file, "="); ok {
			file = path
		}
		paths[i] = file
	}
	if err := readable("compare", paths...); err != nil {
		return f, usageError{err}
	}
	if err := f.gate(*calibrate, flagGiven(fs, "max-regression")); err != nil {
		return f, err
	}
	if !slices.Contains(compare.Formats(), f.opts.Format) {
		return f, usageError{fmt.Errorf("compare: -format %q: want %s", f.opts.Format, strings.Join(compare.Formats(), ", "))}
	}
	if err := compare.CheckProjections(*p); err != nil {
		return f, usageError{fmt.Errorf("compare: %w", err)}
	}
	return f, nil
}

// gate checks -max-regression and -calibrate and sets the threshold:
// fixed, or auto from the A/A runs in calibrate (comma-separated).
func (f *compareFlags) gate(calibrate string, maxRegGiven bool) error {
	if calibrate != "" {
		f.calibrate = strings.Split(calibrate, ",")
		if err := readable("compare", f.calibrate...); err != nil {
			return usageError{fmt.Errorf("compare: -calibrate: %w", err)}
		}
	}
	var err error
	switch {
	case f.maxReg == "auto" && len(f.calibrate) == 0:
		err = errors.New("auto needs A/A runs to calibrate on: -calibrate FILES, more runs of the same code as OLD")
	case f.maxReg == "auto":
	case len(f.calibrate) > 0:
		return usageError{fmt.Errorf("compare: -calibrate needs -max-regression auto")}
	default:
		f.opts.MaxRegression, err = parsePercent(f.maxReg)
	}
	if err == nil && f.maxReg == "" && maxRegGiven {
		err = errors.New("empty: a gate that is given no threshold would check nothing")
	}
	if err != nil {
		return usageError{fmt.Errorf("compare: -max-regression %q: %w", f.maxReg, err)}
	}
	return nil
}

// flagGiven reports whether the command line set flag name, to tell an
// empty value given from the default.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// parsePercent reads "5%" (or "5") as 0.05; "" is 0, no threshold.
func parsePercent(v string) (float64, error) {
	if v == "" {
		return 0, nil
	}
	x, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
	if err != nil || !(x > 0 && x <= 1000) {
		return 0, errors.New("want a percentage above 0, such as 5%")
	}
	return x / 100, nil
}
