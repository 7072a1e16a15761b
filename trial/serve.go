package trial

import (
	"context"
	"encoding/json"
	"io"
	"os"

	"github.com/concbench/concbench/internal/atomicfile"
	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"
)

// Read reads the trial spec that a trial process gets on its standard
// input, trusting none of it: at most scenarios.MaxFileSize bytes of
// strict JSON (see scenarios.DecodeJSON) whose scenario and point pass
// scenarios.CheckPoint. Errors are scenarios.InputErrors of file "stdin"
// naming the JSON path ("spec.load.duration").
func Read(r io.Reader, reg *targets.Registry) (Spec, error) {
	const file = "stdin"
	data, err := io.ReadAll(io.LimitReader(r, scenarios.MaxFileSize+1))
	if err != nil {
		return Spec{}, &scenarios.InputError{File: file, Msg: err.Error()}
	}
	if len(data) > scenarios.MaxFileSize {
		return Spec{}, &scenarios.InputError{File: file, Msg: "larger than 1 MiB: a trial spec is at most that"}
	}
	var ts Spec
	if err := scenarios.DecodeJSON(file, data, &ts); err != nil {
		return Spec{}, err
	}
	if err := scenarios.CheckPoint(file, &ts.Scenario, ts.Point, reg); err != nil {
		return Spec{}, err
	}
	return ts, nil
}

// Serve is the trial process's side of the child protocol: it reads a
// Spec from in ([Read]: an error there is bad input), runs it, and writes
// its record as one JSON value to the file the environment variable
// [ResultEnv] names, whole or not at all; without that variable (a trial
// run by hand), to out.
func Serve(ctx context.Context, reg *targets.Registry, in io.Reader, out io.Writer) error {
	ts, err := Read(in, reg)
	if err != nil {
		return err
	}
	tr, err := Run(ctx, ts, reg)
	if err != nil {
		return err
	}
	path := os.Getenv(ResultEnv)
	if path == "" {
		return json.NewEncoder(out).Encode(tr)
	}
	b, err := json.Marshal(tr)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, b)
}
