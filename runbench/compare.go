package runbench

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/concbench/concbench/report"
)

func cmdCompare(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output `FORMAT`: text (benchstat's tables), markdown (for a pull-request comment), csv or json")
	maxReg := fs.String("max-regression", "", "fail (exit 1) if a benchmark got significantly worse than `P%` (e.g. 5%) in its unit's bad direction")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: runbench compare [-max-regression P%] [-format text|markdown|csv|json] OLD NEW

Compares two Go benchmark result files the way 'go tool benchstat OLD NEW'
does: per benchmark and unit, the median of each with its 95% confidence
interval, the change, and the Mann-Whitney U p-value (x/perf benchmath, the
same code and thresholds benchstat uses, so the numbers agree).

With -max-regression it is a CI gate: a change that is statistically
significant (the same test and alpha as the table) and worse than P% in the
unit's bad direction (its better= metadata; else lower is better, except
for rates ending in /s) is a regression; the regressions are printed last
and the exit status is 1.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usageError{fmt.Errorf("compare: want OLD and NEW, got %d files", fs.NArg())}
	}
	if err := readable("compare", fs.Arg(0), fs.Arg(1)); err != nil {
		return usageError{err}
	}
	max, err := parsePercent(*maxReg)
	if err != nil {
		return usageError{fmt.Errorf("compare: -max-regression %q: %w", *maxReg, err)}
	}
	if !slices.Contains([]string{"text", "markdown", "csv", "json"}, *format) {
		return usageError{fmt.Errorf("compare: -format %q: want text, markdown, csv or json", *format)}
	}
	regs, err := report.CompareWith(stdout, fs.Arg(0), fs.Arg(1), report.CompareOptions{MaxRegression: max, Format: *format})
	if err != nil {
		return inputError(err)
	}
	if len(regs) > 0 {
		return failedError{fmt.Sprintf("compare: %d benchmarks regressed beyond %s", len(regs), *maxReg)}
	}
	return nil
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
