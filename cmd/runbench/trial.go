package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"concbench/scenarios"
)

// cmdTrial is the child side of trial isolation (not for people): it reads
// a scenarios.TrialSpec as JSON on stdin, runs it, and writes the trial
// record as JSON on stdout.
func cmdTrial(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) != 0 {
		return usageError{fmt.Errorf("trial takes no arguments; it reads a trial spec on stdin")}
	}
	var ts scenarios.TrialSpec
	if err := json.NewDecoder(stdin).Decode(&ts); err != nil {
		return usageError{fmt.Errorf("trial spec on stdin: %w", err)}
	}
	tr, err := scenarios.RunTrial(ctx, ts, scenarios.Patterns())
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(tr)
}
