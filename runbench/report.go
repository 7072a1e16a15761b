package runbench

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/concbench/concbench/report"
)

// reportUsage is runbench report -h's text, before its flags.
const reportUsage = `usage: runbench report [-o DIR] [-inline] [-format html|markdown|json] FILE...

Reads Go benchmark result files (runbench's own, or any 'go test -bench'
output) and, where present, their .jsonl sidecars, and writes DIR/report.html
with its PNG charts. Prints the report's path.

The report opens with a decision table: for each scenario, and each
headline unit its file declares, the design that wins, by how much over
the runner-up, and what it costs (or "no meaningful difference"); then
the claims audit. With -format markdown or json, runbench prints these
two on stdout (GitHub tables for a CI job summary or a pull-request
comment; or JSON) and writes no page and no chart. Given two runs of the
same scenarios, the table also says, per line, whether the winner
changed from the first file to the last and how far its median moved:
  runbench report -format markdown results.txt >> "$GITHUB_STEP_SUMMARY"
  runbench report -format json old/results.txt new/results.txt | jq '.decision_table.rows'

go test results are grouped as benchstat groups them: apart by configuration
(pkg and every other file-level line). Where the same benchmark appears in
more than one file (two runs), its table has a column per file, each
summarised alone and compared with the first; files that hold different
benchmarks (a run's shards) are one column. Example:
  runbench report -o cmp old.txt new.txt

Flags:
`

func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "report", "output `DIR` for report.html and its PNG charts")
	inline := fs.Bool("inline", false, "draw every chart into the page as SVG, so that report.html stands alone (to commit or mail it); the PNGs are written beside it all the same")
	format := fs.String("format", "html", "output `FORMAT`: html (DIR/report.html and its charts), markdown or json (the decision table and the claims audit on stdout; nothing written)")
	fs.Usage = func() {
		fmt.Fprint(stderr, reportUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	text := *format != "html"
	switch {
	case text && !slices.Contains(report.SummaryFormats(), *format):
		return usageError{fmt.Errorf("report: -format %q: want html, %s", *format, strings.Join(report.SummaryFormats(), " or "))}
	case text && (flagGiven(fs, "o") || flagGiven(fs, "inline")):
		return usageError{fmt.Errorf("report: -o and -inline shape the HTML page; -format %s writes to stdout", *format)}
	case fs.NArg() == 0:
		return usageError{fmt.Errorf("report: no result files given")}
	}
	if err := readable("report", fs.Args()...); err != nil {
		return usageError{err}
	}
	if text {
		return reportText(stdout, fs.Args(), *format)
	}
	html, err := report.Generate(ctx, *out, fs.Args(), report.Options{Inline: *inline})
	if errors.Is(err, report.ErrNoResults) {
		return usageError{err}
	}
	if errors.Is(err, context.Canceled) {
		return failedError{fmt.Sprintf("report interrupted: nothing written to %s", *out)}
	}
	if err != nil {
		return inputError(err) // else the inputs were readable: a failure to write, exit 1
	}
	fmt.Fprintf(stdout, "report: %s\n", html)
	return nil
}

// reportText prints the decision table and the claims audit of files in
// format, with the exit statuses of the HTML report.
func reportText(stdout io.Writer, files []string, format string) error {
	err := report.WriteSummary(stdout, files, format)
	if errors.Is(err, report.ErrNoResults) {
		return usageError{err}
	}
	if err != nil {
		return inputError(err)
	}
	return nil
}

// readable checks that every input is a regular file that can be opened,
// so that a missing, unreadable or odd input is bad input (exit status 2)
// and not a failure of the work. Only a regular file is opened: opening a
// named pipe blocks until something writes to it, and a directory or a
// device is no results file either.
func readable(cmd string, files ...string) error {
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			return fmt.Errorf("%s: %w", cmd, err)
		}
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("%s: %s: %s, want a results file", cmd, f, notRegular(fi.Mode()))
		}
		fh, err := os.Open(f)
		if err != nil {
			return fmt.Errorf("%s: %w", cmd, err)
		}
		fh.Close()
	}
	return nil
}

// notRegular says what a file that is not a regular file is.
func notRegular(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "is a directory"
	case m&fs.ModeNamedPipe != 0:
		return "is a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "is a socket"
	case m&fs.ModeDevice != 0:
		return "is a device"
	}
	return "is not a regular file (mode " + m.String() + ")"
}

// inputError makes a results file that the Go benchmark format reader
// cannot read at all (a line longer than its 64 KiB limit) bad input, exit
// status 2, like every other malformed input; other errors are failures
// to write.
func inputError(err error) error {
	if errors.Is(err, bufio.ErrTooLong) {
		return usageError{fmt.Errorf("%w (a results file line is longer than the Go benchmark format's 64 KiB limit)", err)}
	}
	return err
}
