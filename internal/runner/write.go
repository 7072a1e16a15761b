package runner

import (
	"bytes"
	"maps"
	"slices"
	"strconv"

	"golang.org/x/perf/benchfmt"

	"concbench/internal/atomicfile"
	"concbench/internal/sidecar"
	"concbench/scenarios"
)

// unitDirections are the units of a scenario line, with the direction
// benchstat needs.
func unitDirections() []struct{ unit, better string } {
	return []struct{ unit, better string }{
		{"ops/s", "higher"}, {"mean-ns", "lower"}, {"p50-ns", "lower"}, {"p99-ns", "lower"},
		{"p999-ns", "lower"}, {"max-ns", "lower"}, {"svc-p99-ns", "lower"}, {"late-p99-ns", "lower"},
		{"peak-goroutines", "lower"}, {"peak-stack-bytes", "lower"}, {"leaked-goroutines", "lower"}, {"quiesce-ns", "lower"}, {"errors", "lower"}, {"dropped", "lower"}, {"unstarted", "lower"},
		{"rejected", "lower"}, {"downstream-calls", "lower"}, {"downstream-failures", "lower"},
	}
}

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
}

// add records one trial. A hung or crashed trial, or one that measured no
// operation, gets no benchfmt line (there is no number to trust); the
// sidecar keeps its record either way.
func (w *resultWriter) add(ts scenarios.TrialSpec, tr sidecar.Trial) error {
	if err := sidecar.Write(&w.side, []sidecar.Trial{tr}); err != nil {
		return err
	}
	if tr.Status == sidecar.StatusHung || tr.Status == sidecar.StatusCrashed || tr.Ops == 0 {
		return nil
	}
	res := &benchfmt.Result{Name: []byte(tr.Name), Iters: int(tr.Ops)}
	for _, kv := range w.config {
		res.SetConfig(kv.Key, kv.Value)
	}
	if tr.GOMAXPROCS > 0 { // the trial's own, which -gomaxprocs lists can change
		res.SetConfig("gomaxprocs", strconv.Itoa(tr.GOMAXPROCS))
	}
	res.SetConfig("scenario-file", ts.Spec.File)
	res.SetConfig("scenario-sha256", ts.Spec.Hash)
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
	for _, u := range unitDirections() {
		if err := bw.Write(&benchfmt.UnitMetadata{UnitMetadataKey: benchfmt.UnitMetadataKey{Unit: u.unit, Key: "better"}, OrigUnit: u.unit, Value: u.better}); err != nil {
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
		atomicfile.File{Path: sidecar.Path(w.path), Data: w.side.Bytes()},
		atomicfile.File{Path: w.path, Data: txt.Bytes()},
	)
}

func scenarioValues(tr sidecar.Trial) []benchfmt.Value {
	lat, svc, late := tr.Latency.Histogram, tr.Service.Histogram, tr.Lateness.Histogram
	v := func(x float64, unit string) benchfmt.Value { return benchfmt.Value{Value: x, Unit: unit} }
	vals := []benchfmt.Value{
		v(float64(tr.WindowOps)/(float64(tr.WindowNs)/1e9), "ops/s"),
		v(lat.Mean(), "mean-ns"),
		v(float64(lat.ValueAtQuantile(50)), "p50-ns"),
		v(float64(lat.ValueAtQuantile(99)), "p99-ns"),
		v(float64(lat.ValueAtQuantile(99.9)), "p999-ns"),
		v(float64(lat.Max()), "max-ns"),
	}
	// Operations the generator never started have a latency but no service
	// time or lateness; with none started, those units are left out rather
	// than written as 0.
	if svc.TotalCount() > 0 {
		vals = append(vals, v(float64(svc.ValueAtQuantile(99)), "svc-p99-ns"), v(float64(late.ValueAtQuantile(99)), "late-p99-ns"))
	}
	vals = append(vals,
		v(float64(tr.PeakGoroutines), "peak-goroutines"),
		v(float64(tr.PeakStackBytes), "peak-stack-bytes"),
		v(float64(tr.LeakedGoroutines), "leaked-goroutines"),
		v(float64(tr.QuiesceNs), "quiesce-ns"), // Close's return to goroutines back at the baseline
		v(float64(tr.Errors), "errors"),
		v(float64(tr.Dropped), "dropped"),
		v(float64(tr.Unstarted), "unstarted"),
	)
	for _, k := range slices.Sorted(maps.Keys(tr.Counters)) {
		vals = append(vals, v(float64(tr.Counters[k]), k))
	}
	return vals
}
