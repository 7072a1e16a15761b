package runbench

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/concbench/concbench/report"
)

func cmdReport(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "report", "output `DIR` for report.html and its PNG charts")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: runbench report [-o DIR] FILE...

Reads Go benchmark result files (runbench's own, or any 'go test -bench'
output) and, where present, their .jsonl sidecars, and writes DIR/report.html
with its PNG charts. Prints the report's path.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{fmt.Errorf("report: no result files given")}
	}
	if err := readable(fs.Args()...); err != nil {
		return usageError{err}
	}
	html, err := report.Generate(*out, fs.Args())
	if err != nil {
		return err // the inputs were readable: a failure to write, exit 1
	}
	fmt.Fprintf(stdout, "report: %s\n", html)
	return nil
}

// readable checks that every input file can be opened, so that a missing or
// unreadable input is bad usage (exit 2) and not a failure of the work.
func readable(files ...string) error {
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return err
		}
		fh.Close()
	}
	return nil
}
