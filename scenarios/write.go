package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/perf/benchfmt"

	"concbench/internal/sidecar"
)

// unitDirections are the units of a scenario line, with the direction
// benchstat needs.
func unitDirections() []struct{ unit, better string } {
	return []struct{ unit, better string }{
		{"ops/s", "higher"}, {"mean-ns", "lower"}, {"p50-ns", "lower"}, {"p99-ns", "lower"},
		{"p999-ns", "lower"}, {"max-ns", "lower"}, {"svc-p99-ns", "lower"}, {"late-p99-ns", "lower"},
		{"peak-goroutines", "lower"}, {"leaked-goroutines", "lower"}, {"errors", "lower"}, {"dropped", "lower"},
		{"rejected", "lower"}, {"downstream-calls", "lower"}, {"downstream-failures", "lower"},
	}
}

// writeResults writes the benchfmt file and its sidecar, each through a
// temporary file renamed into place.
func writeResults(path string, plan []TrialSpec, trials []sidecar.Trial, config []KV, partial bool) error {
	var txt bytes.Buffer
	w := benchfmt.NewWriter(&txt)
	for _, u := range unitDirections() {
		if err := w.Write(&benchfmt.UnitMetadata{UnitMetadataKey: benchfmt.UnitMetadataKey{Unit: u.unit, Key: "better"}, OrigUnit: u.unit, Value: u.better}); err != nil {
			return err
		}
	}
	status := "complete"
	if partial {
		status = "partial"
	}
	for i, tr := range trials {
		if tr.Status == sidecar.StatusHung || tr.Status == sidecar.StatusCrashed || tr.Ops == 0 {
			continue // no numbers to trust; the sidecar keeps the record
		}
		res := &benchfmt.Result{Name: []byte(tr.Name), Iters: int(tr.Ops)}
		for _, kv := range config {
			res.SetConfig(kv.Key, kv.Value)
		}
		res.SetConfig("run-status", status)
		res.SetConfig("scenario-file", plan[i].Spec.File)
		res.SetConfig("scenario-sha256", plan[i].Spec.Hash)
		for j := range res.Config {
			res.Config[j].File = true
		}
		res.Values = scenarioValues(tr)
		if err := w.Write(res); err != nil {
			return err
		}
	}
	var side bytes.Buffer
	if err := sidecar.Write(&side, trials); err != nil {
		return err
	}
	if err := WriteFileAtomic(sidecar.Path(path), side.Bytes()); err != nil {
		return err
	}
	return WriteFileAtomic(path, txt.Bytes())
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
		v(float64(svc.ValueAtQuantile(99)), "svc-p99-ns"),
		v(float64(late.ValueAtQuantile(99)), "late-p99-ns"),
		v(float64(tr.PeakGoroutines), "peak-goroutines"),
		v(float64(tr.LeakedGoroutines), "leaked-goroutines"),
		v(float64(tr.Errors), "errors"),
		v(float64(tr.Dropped), "dropped"),
	}
	for _, k := range sortedKeys(tr.Counters) {
		vals = append(vals, v(float64(tr.Counters[k]), k))
	}
	return vals
}

// WriteFileAtomic writes data to a temporary file in path's directory and
// renames it over path, so a reader never sees half a file.
func WriteFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	serr := f.Sync()
	cerr := f.Close()
	if werr != nil || serr != nil || cerr != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", path, errors.Join(werr, serr, cerr))
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}
