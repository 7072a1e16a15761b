package runbench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/concbench/concbench/scenarios"
)

// cmdTrial is the child side of trial isolation (not for people): it reads
// a scenarios.TrialSpec as JSON on stdin, runs it, and writes the trial
// record as JSON on stdout. It trusts nothing it reads: a spec that is not
// one JSON value of at most 1 MiB, or that a scenario file could not hold,
// is bad input (exit status 2), refused before anything is allocated for it.
func cmdTrial(ctx context.Context, reg *scenarios.Registry, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) != 0 {
		return usageError{fmt.Errorf("trial takes no arguments; it reads a trial spec on stdin")}
	}
	ts, err := scenarios.ReadTrialSpec(stdin, reg)
	if err != nil {
		return usageError{err}
	}
	tr, err := scenarios.RunTrial(ctx, ts, reg)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(tr)
}
