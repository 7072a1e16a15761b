package runbench

import (
	"flag"
	"fmt"
	"io"

	"github.com/concbench/concbench/report"
)

func cmdCompare(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: runbench compare OLD NEW

Compares two Go benchmark result files the way 'go tool benchstat OLD NEW'
does: per benchmark and unit, the median of each with its 95% confidence
interval, the change, and the Mann-Whitney U p-value (x/perf benchmath, the
same code and thresholds benchstat uses, so the numbers agree).
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
	return inputError(report.Compare(stdout, fs.Arg(0), fs.Arg(1)))
}
