package harness

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"

	"github.com/concbench/concbench/internal/atomicfile"
	"github.com/concbench/concbench/internal/modinfo"
	"github.com/concbench/concbench/record"
	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"
	"github.com/concbench/concbench/trial"
	"github.com/concbench/concbench/units"
)

// resultWriter appends a run's results, one trial at a time, to the
// benchfmt file and its sidecar: a trial's lines are written once, when
// it ends, so that the cost of a trial does not grow with the run (the
// files were rewritten whole after every trial: quadratic in the run's
// length, and the run held every record in memory). Each trial's lines go
// out in one write per file; the benchfmt file says run-status partial
// until complete rewrites that line, once, at the end of a whole run.
type resultWriter struct {
	path   string
	config []KV
	reg    *targets.Registry
	txt    *os.File
	side   *os.File
	bw     *benchfmt.Writer
	buf    bytes.Buffer // the benchfmt lines of the trial being added
	// described holds the scenarios (file hash and name) whose Scenario
	// line the sidecar has.
	described map[[2]string]bool
}

// runStatus is the configuration line that says whether a results file
// holds a whole run.
const (
	runStatusKey = "run-status"
	partial      = "partial"
	complete     = "complete"
)

// createResults creates the results file at path and its sidecar, which
// must not exist (a run never writes over another's results), and writes
// the unit table's metadata.
func createResults(path string, config []KV, reg *targets.Registry) (*resultWriter, error) {
	w := &resultWriter{path: path, config: config, reg: reg, described: map[[2]string]bool{}}
	var err error
	if w.txt, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644); err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	if w.side, err = os.OpenFile(record.Path(path), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644); err != nil {
		w.txt.Close()
		return nil, fmt.Errorf("results: %w", err)
	}
	w.bw = benchfmt.NewWriter(&w.buf)
	for _, u := range units.Scenario() {
		if err := w.bw.Write(&benchfmt.UnitMetadata{UnitMetadataKey: benchfmt.UnitMetadataKey{Unit: u.Name, Key: "better"}, OrigUnit: u.Name, Value: u.Better.Better()}); err != nil {
			return nil, errors.Join(err, w.close())
		}
	}
	if err := w.flushTxt(); err != nil {
		return nil, errors.Join(err, w.close())
	}
	// The sidecar says which run wrote it: the date and commit of the
	// results file's configuration, and the modules of the binary.
	var run record.Run
	if main, deps := modinfo.Binary(); main.Path != "" {
		run.Module = &record.Module{Path: main.Path, Version: main.Version}
		for _, d := range deps {
			run.Deps = append(run.Deps, record.Module{Path: d.Path, Version: d.Version})
		}
	}
	for _, kv := range config {
		switch kv.Key {
		case "date":
			run.Date = kv.Value
		case "commit":
			run.Commit = kv.Value
		}
	}
	var b bytes.Buffer
	if err := record.WriteRun(&b, run); err != nil {
		return nil, errors.Join(err, w.close())
	}
	if _, err := w.side.Write(b.Bytes()); err != nil {
		return nil, errors.Join(err, w.close())
	}
	return w, nil
}

// describe writes the sidecar's Scenario line for s, once.
func (w *resultWriter) describe(s scenarios.Spec) error {
	key := [2]string{s.Hash, s.Name}
	if w.described[key] {
		return nil
	}
	w.described[key] = true
	sc := record.Scenario{Name: s.Name, File: s.File, Hash: s.Hash, Pattern: s.Pattern,
		Description: s.Description, Headline: s.Headline, Claims: s.Claims}
	if pat, ok := w.reg.Lookup(s.Pattern); ok {
		sc.Impls = implDescs(pat, s)
	}
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
	var b bytes.Buffer
	if err := record.WriteScenario(&b, sc); err != nil {
		return err
	}
	_, err := w.side.Write(b.Bytes())
	return err
}

// implDescs describes the implementations s runs: each one's doc and the
// module its code comes from, at the binary's version of it.
func implDescs(pat *targets.Pattern, s scenarios.Spec) map[string]record.Impl {
	names := s.Impls
	if len(names) == 0 {
		names = pat.DefaultImpls()
	}
	out := map[string]record.Impl{}
	for _, info := range pat.Impls {
		if !slices.Contains(names, info.Name) {
			continue
		}
		d := record.Impl{Doc: info.Doc}
		if m := modinfo.Of(info.Origin, info.Doc); m.Path != "" {
			d.Module = &record.Module{Path: m.Path, Version: m.Version}
		}
		out[info.Name] = d
	}
	return out
}

// add appends one trial: its record to the sidecar and, unless it hung,
// crashed or measured no operation (no number to trust), its line to the
// results file.
func (w *resultWriter) add(ts trial.Spec, tr record.Trial) error {
	if err := w.describe(ts.Scenario); err != nil {
		return err
	}
	var b bytes.Buffer
	if err := record.Write(&b, []record.Trial{tr}); err != nil {
		return err
	}
	if _, err := w.side.Write(b.Bytes()); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	if tr.Status == record.StatusHung || tr.Status == record.StatusCrashed || tr.Ops == 0 {
		return nil
	}
	res := &benchfmt.Result{Name: []byte(tr.Name), Iters: int(tr.Ops)}
	for _, kv := range w.config {
		setConfig(res, kv.Key, kv.Value)
	}
	if tr.GOMAXPROCS > 0 { // the trial's own, which -gomaxprocs lists can change
		setConfig(res, "gomaxprocs", strconv.Itoa(tr.GOMAXPROCS))
	}
	if tr.Sleeper != "" { // per trial: the sleeper depends on the trial's rate as well as the OS
		setConfig(res, "sleeper", tr.Sleeper)
	}
	setConfig(res, "scenario-file", ts.Scenario.File)
	setConfig(res, "scenario-sha256", ts.Scenario.Hash)
	setConfig(res, runStatusKey, partial)
	res.Values = scenarioValues(tr)
	if err := w.bw.Write(res); err != nil {
		return err
	}
	return w.flushTxt()
}

// reps writes a scenario's Reps line to the sidecar.
func (w *resultWriter) reps(r record.Reps) error {
	if err := record.WriteReps(w.side, r); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	return nil
}

// setConfig sets a file-level configuration line of res, its value made
// one safe line: a value that holds a line break or another control
// character (a scenario file's name can) would inject lines into the
// file, results among them, so they are written escaped, as Go quotes
// them, without the quotes.
func setConfig(res *benchfmt.Result, key, value string) {
	if strings.IndexFunc(value, func(r rune) bool { return r < ' ' || r == 0x7f }) >= 0 {
		q := strconv.Quote(value)
		value = q[1 : len(q)-1]
	}
	res.SetConfig(key, value)
	for j := range res.Config {
		res.Config[j].File = true // SetConfig marks keys internal; these are file config lines
	}
}

// flushTxt writes the benchfmt lines buffered so far to the results file.
func (w *resultWriter) flushTxt() error {
	_, err := w.txt.Write(w.buf.Bytes())
	w.buf.Reset()
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	return nil
}

// complete marks the results of a whole run so: the file is rewritten once,
// through a temporary file, with its run-status lines saying complete
// (and written as such, if no trial gave a line). An error leaves it
// saying partial.
func (w *resultWriter) complete() error {
	if err := w.close(); err != nil {
		return err
	}
	in, err := os.Open(w.path)
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	defer in.Close()
	return atomicfile.WriteFrom(w.path, func(out io.Writer) error {
		r := bufio.NewReader(in)
		for {
			line, err := r.ReadString('\n')
			if line == runStatusKey+": "+partial+"\n" {
				line = runStatusKey + ": " + complete + "\n"
			}
			if _, werr := io.WriteString(out, line); werr != nil {
				return werr
			}
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
		}
	})
}

// close closes both files; it is safe to call twice.
func (w *resultWriter) close() error {
	var errs []error
	for _, f := range []**os.File{&w.txt, &w.side} {
		if *f != nil {
			errs = append(errs, (*f).Close())
			*f = nil
		}
	}
	return errors.Join(errs...)
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
