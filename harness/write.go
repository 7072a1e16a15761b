package harness

import (
	"bytes"
	"maps"
	"slices"
	"strconv"

	"golang.org/x/perf/benchfmt"

	"github.com/concbench/concbench/internal/atomicfile"
	"github.com/concbench/concbench/record"
	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"
	"github.com/concbench/concbench/trial"
	"github.com/concbench/concbench/units"
)

// resultWriter accumulates a run's results and rewrites the benchfmt file
// and its sidecar after every trial. Each trial is summarised and encoded
// once, when it is added: re-encoding every HDR histogram at every rewrite
// made the rewrites quadratic in the length of the run (seconds of a
// one-minute quick suite).
type resultWriter struct {
	path    string
	config  []KV
	results []*benchfmt.Result
	side    bytes.Buffer // the sidecar's JSON lines so far
	reg     *targets.Registry
	// described holds the scenarios (file hash and name) whose Scenario
	// line the sidecar has.
	described map[[2]string]bool
}

// describe writes the sidecar's Scenario line for s, once.
func (w *resultWriter) describe(s scenarios.Spec) error {
	key := [2]string{s.Hash, s.Name}
	if w.described[key] {
		return nil
	}
	if w.described == nil {
		w.described = map[[2]string]bool{}
	}
	w.described[key] = true
	sc := record.Scenario{Name: s.Name, File: s.File, Hash: s.Hash, Pattern: s.Pattern,
		Description: s.Description, Headline: s.Headline}
	sc.Claims = s.Claims
	// A demonstration runs only where the scenario names it.
	if pat, ok := w.reg.Lookup(s.Pattern); ok && len(s.Impls) > 0 {
		for _, impl := range pat.Impls {
			if impl.Demo == "" || !slices.Contains(s.Impls, impl.Name) {
				continue
			}
			if sc.Demos == nil {
				sc.Demos = map[string]string{}
			}
			sc.Demos[impl.Name] = impl.Demo
		}
	}
	return record.WriteScenario(&w.side, sc)
}

// add records one trial. A hung or crashed trial, or one that measured no
// operation, gets no benchfmt line (there is no number to trust); the
// sidecar keeps its record either way.
func (w *resultWriter) add(ts trial.Spec, tr record.Trial) error {
	if err := w.describe(ts.Scenario); err != nil {
		return err
	}
	if err := record.Write(&w.side, []record.Trial{tr}); err != nil {
		return err
	}
	if tr.Status == record.StatusHung || tr.Status == record.StatusCrashed || tr.Ops == 0 {
		return nil
	}
	res := &benchfmt.Result{Name: []byte(tr.Name), Iters: int(tr.Ops)}
	for _, kv := range w.config {
		res.SetConfig(kv.Key, kv.Value)
	}
	if tr.GOMAXPROCS > 0 { // the trial's own, which -gomaxprocs lists can change
		res.SetConfig("gomaxprocs", strconv.Itoa(tr.GOMAXPROCS))
	}
	if tr.Sleeper != "" { // per trial: the sleeper depends on the trial's rate as well as the OS
		res.SetConfig("sleeper", tr.Sleeper)
	}
	res.SetConfig("scenario-file", ts.Scenario.File)
	res.SetConfig("scenario-sha256", ts.Scenario.Hash)
	res.Values = scenarioValues(tr)
	w.results = append(w.results, res)
	return nil
}

// flush writes both files, each through a temporary file, and renames them
// into place only when both are on disk, the results file last: a failed
// write leaves the old pair as it was, never a new sidecar beside an old
// results file.
func (w *resultWriter) flush(partial bool) error {
	var txt bytes.Buffer
	bw := benchfmt.NewWriter(&txt)
	for _, u := range units.Scenario() {
		if err := bw.Write(&benchfmt.UnitMetadata{UnitMetadataKey: benchfmt.UnitMetadataKey{Unit: u.Name, Key: "better"}, OrigUnit: u.Name, Value: u.Better.Better()}); err != nil {
			return err
		}
	}
	status := "complete"
	if partial {
		status = "partial"
	}
	for _, res := range w.results {
		res.SetConfig("run-status", status)
		for j := range res.Config {
			res.Config[j].File = true // SetConfig marks keys internal; these are file config lines
		}
		if err := bw.Write(res); err != nil {
			return err
		}
	}
	return atomicfile.WriteAll(
		atomicfile.File{Path: record.Path(w.path), Data: w.side.Bytes()},
		atomicfile.File{Path: w.path, Data: txt.Bytes()},
	)
}

// scenarioValues computes a trial's line from the unit table; counters of
// the target that the table does not know are written after, sorted.
func scenarioValues(tr record.Trial) []benchfmt.Value {
	var vals []benchfmt.Value
	for _, u := range units.Scenario() {
		if x, ok := u.Value(&tr); ok {
			vals = append(vals, benchfmt.Value{Value: x, Unit: u.Name})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(tr.Counters)) {
		if _, known := units.Lookup(k); !known {
			vals = append(vals, benchfmt.Value{Value: float64(tr.Counters[k]), Unit: k})
		}
	}
	return vals
}
