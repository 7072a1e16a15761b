package runbench

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"
	"github.com/concbench/concbench/trial"
)

// cmdTrial is the child side of trial isolation (not for people): it
// serves one trial (trial.Serve). It trusts nothing it reads: a spec that
// is not one JSON value of at most 1 MiB, or that a scenario file could
// not hold, is bad input (exit status 2), refused before anything is
// allocated for it.
func cmdTrial(ctx context.Context, reg *targets.Registry, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) != 0 {
		return usageError{fmt.Errorf("trial takes no arguments; it reads a trial spec on stdin")}
	}
	err := trial.Serve(ctx, reg, stdin, stdout)
	if _, bad := errors.AsType[*scenarios.InputError](err); bad {
		return usageError{err}
	}
	return err
}
