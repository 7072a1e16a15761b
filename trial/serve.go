package trial

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/concbench/concbench/internal/atomicfile"
	"github.com/concbench/concbench/record"
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
	tr, err := runWatched(ctx, ts, reg)
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

// stuckEvery is how often a trial of a demonstration that hangs on purpose
// looks at its goroutines, and stuckSamples how many looks in a row must
// find the same ones stuck.
const (
	stuckEvery   = 100 * time.Millisecond
	stuckSamples = 3
)

// runWatched runs ts; for a demonstration that declares it hangs, it
// watches the trial's goroutines and, once an operation and every
// goroutine running the target's code have been blocked where only
// another goroutine could wake them for stuckSamples looks in a row (see
// stuckSignature), returns the trial hung at once, with every stack,
// leaving the stuck goroutines behind: the process ends right after, as a
// hung trial's process would.
func runWatched(ctx context.Context, ts Spec, reg *targets.Registry) (record.Trial, error) {
	if !declares(reg, ts, record.StatusHung) {
		return Run(ctx, ts, reg)
	}
	type result struct {
		tr  record.Trial
		err error
	}
	done := make(chan result, 1)
	before := goroutineIDs(allStacks())
	// Waited for below, or abandoned with the stuck goroutines: this is a
	// trial process, which exits once its record is written.
	go func() {
		tr, err := Run(ctx, ts, reg)
		done <- result{tr, err}
	}()
	tick := time.NewTicker(stuckEvery)
	defer tick.Stop()
	start, prev, same := time.Now(), "", 0
	for {
		select {
		case r := <-done:
			return r.tr, r.err
		case <-tick.C:
		}
		dump := allStacks()
		sig, ok := stuckSignature(dump, true, before)
		switch {
		case !ok:
			prev, same = "", 0
			continue
		case sig == prev:
			same++
		default:
			prev, same = sig, 1
		}
		if same >= stuckSamples {
			tr := ts.Record(reg)
			tr.Status, tr.Stacks = record.StatusHung, dump
			tr.Error = fmt.Sprintf("deadlocked: an operation and every goroutine running the implementation's code were blocked on channels or locks, unchanged for %v, %v into the trial (detected, not waited out to the %v timeout); stacks follow",
				time.Duration(stuckSamples-1)*stuckEvery, time.Since(start).Round(time.Millisecond), ts.Scenario.Timeout.Duration)
			return tr, nil
		}
	}
}

// declares says whether ts's implementation is a demonstration that
// declares it ends with status.
func declares(reg *targets.Registry, ts Spec, status string) bool {
	pat, ok := reg.Lookup(ts.Scenario.Pattern)
	if !ok {
		return false
	}
	for _, impl := range pat.Impls {
		if impl.Name == ts.Impl && impl.Demo != "" && slices.Contains(impl.DemoEnds, status) {
			return true
		}
	}
	return false
}
