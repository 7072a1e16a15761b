// Command runbench runs concbench: scenarios, benchmarks, reports and
// comparisons. Run `runbench -h` for the subcommands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// SIGINT, SIGTERM and SIGHUP (a closed terminal) all interrupt: the
	// trial in progress is stopped and recorded, the results written say
	// partial, and the exit status is 1.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// usageError is bad usage or bad input: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// failedError means the work finished but something in it failed (a crash,
// a hang, a leak): exit status 1, after the results are written.
type failedError struct{ msg string }

func (e failedError) Error() string { return e.msg }

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, errHelp) {
		return 0
	}
	fmt.Fprintln(stderr, "runbench:", err)
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

var errHelp = errors.New("help requested") // sentinel, never mutated

const usage = `runbench: a benchmark and load-testing lab for Go concurrency patterns.

Usage:
  runbench list [-json]                       implementations and scenarios
  runbench run [-scenario NAME|FILE]... [-impl a,b] [-count N] [-out DIR] [-no-report]
                                              run scenarios (default: the embedded quick suite),
                                              each trial in its own process, then write the report
  runbench bench [-count N] [-cpu LIST] [-bench RE] [-benchtime D] [-o FILE]
                                              go test -bench over bench/ into a results file
  runbench report [-o DIR] FILE...            charts + one HTML page from benchfmt files (ours or anyone's)
  runbench compare OLD NEW                    benchstat-style comparison of two results files

Exit status: 0 all good; 1 the run finished but something failed (a crash, hang or leak);
2 bad usage or bad input (the message names the file, line and field).

Examples:
  runbench run                                  # the quick suite into results/local/<time>/
  runbench run -scenario workerpool-open -impl channels,ants -count 10
  runbench run -scenario my.yaml -out /tmp/r
  runbench report -o /tmp/rep results/reference/quick/results.txt
  runbench compare old.txt new.txt
Run 'runbench <command> -h' for a command's flags.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{errors.New("no command")}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "list":
		return cmdList(rest, stdout, stderr)
	case "run":
		return cmdRun(ctx, rest, stdout, stderr)
	case "bench":
		return cmdBench(ctx, rest, stdout, stderr)
	case "report":
		return cmdReport(rest, stdout, stderr)
	case "compare":
		return cmdCompare(rest, stdout, stderr)
	case "trial":
		return cmdTrial(ctx, rest, os.Stdin, stdout)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return errHelp
	}
	fmt.Fprint(stderr, usage)
	return usageError{fmt.Errorf("unknown command %q", cmd)}
}
