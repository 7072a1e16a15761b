package runbench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/concbench/concbench/targets"
)

// Config is a user's entries, added to the built-in registries
// (targets.Extras): worker pools, pipelines, fan-outs and breakers of
// their own, and Funcs, plain functions under load (a scenario runs one
// with pattern: func and impls: [its name]). Each must meet its family's
// contract (check it with package conformance); a name that clashes with
// a built-in one, or another entry's, is an error (exit 2).
type Config = targets.Extras

// Func is a function under load; see targets.Func.
type Func = targets.Func

// Main runs the command line in os.Args with cfg's entries registered and
// exits with its status: 0 all good; 1 the work finished but something
// failed (a crash, hang, leak, or a threshold); 2 bad usage or bad input.
// SIGINT, SIGTERM and SIGHUP (a closed terminal) all interrupt: the trial
// in progress is stopped and recorded, the results written say partial,
// and the status is 1.
func Main(cfg Config) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	code := Run(ctx, cfg, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Run runs one command line (args without the program name) and returns
// its exit status, writing what Main would print: the whole CLI, testable.
func Run(ctx context.Context, cfg Config, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return exitCode(run(ctx, cfg, args, stdin, stdout, stderr), stderr)
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
                                              the go test benchmarks of every implementation
                                              (built-in and this binary's own) into a results file
  runbench report [-o DIR] FILE...            charts + one HTML page from benchfmt files (ours or anyone's),
                                              opening on which design wins each scenario
  runbench report -format markdown|json FILE...
                                              that decision table and the claims audit on stdout
  runbench compare [-max-regression P%] OLD NEW
                                              benchstat-style comparison; exit 1 on a regression beyond P%
  runbench version                            module version and VCS revision of this binary

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

func run(ctx context.Context, cfg Config, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{errors.New("no command")}
	}
	reg, err := targets.Extend(cfg)
	if err != nil {
		return usageError{fmt.Errorf("runbench.Config: %w", err)}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "list":
		return cmdList(reg, rest, stdout, stderr)
	case "run":
		return cmdRun(ctx, reg, rest, stdout, stderr)
	case "bench":
		return cmdBench(ctx, cfg, rest, stdout, stderr)
	case "report":
		return cmdReport(ctx, rest, stdout, stderr)
	case "compare":
		return cmdCompare(ctx, rest, stdout, stderr)
	case "trial":
		return cmdTrial(ctx, reg, rest, stdin, stdout)
	case benchChildCommand:
		return cmdBenchChild(ctx, cfg, rest, stdout, stderr)
	case "version", "-version", "--version":
		return cmdVersion(rest, stdout)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return errHelp
	}
	fmt.Fprint(stderr, usage)
	return usageError{fmt.Errorf("unknown command %q", cmd)}
}
