package report

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/concbench/concbench/internal/resultline"
	"github.com/concbench/concbench/record"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchproc"
)

// fileInfo is what the report says about one input file.
type fileInfo struct {
	Path      string
	Run       *record.Run // what its sidecar says of the run that wrote it
	Config    []kv        // file-level configuration, in file order, last value wins
	RunStatus string
	Trials    int // sidecar records read
}

type kv struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// name is a benchmark name split the way the report groups results:
// Group is the base name ("Scenario", "WorkerPool"), Scenario and Pattern
// the scenario keys, Impl the implementation, Params the other key=value
// parts in name order (plus "procs" from a -N suffix).
type name struct {
	Full     string // as written, without "Benchmark"
	Group    string
	Scenario string
	Pattern  string
	Impl     string
	Params   []kv
}

// parseName splits a result line's benchmark name (without the
// "Benchmark" prefix) into its parts as x/perf's benchfmt splits it:
// key=value parts by key (a part without '=' is kept as a parameter
// "part<i>"), and a -N GOMAXPROCS suffix as parameter "procs". A name
// without impl= uses its sub-name as the implementation, so that the
// report still charts `go test -bench` output of other projects.
// (A sidecar trial's name is never parsed: see trialName.)
func parseName(full string) name {
	n := name{Full: full}
	base, parts := benchfmt.Name(full).Parts()
	n.Group = string(base)
	var rest []string
	procs := ""
	for i, b := range parts {
		p := string(b)
		if p[0] == '-' {
			procs = p[1:]
			continue
		}
		p = p[1:] // the '/'
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			k, v = fmt.Sprintf("part%d", i+1), p
		}
		switch k {
		case "scenario":
			n.Scenario = v
		case "pattern":
			n.Pattern = v
		case "impl":
			n.Impl = v
		default:
			n.Params = append(n.Params, kv{k, v})
		}
		rest = append(rest, p)
	}
	if n.Impl == "" {
		n.Impl = strings.Join(rest, "/")
		if n.Impl == "" {
			n.Impl = n.Group
		}
		n.Params = nil
	}
	if procs != "" {
		n.Params = append(n.Params, kv{"procs", procs})
	}
	return n
}

// trialName is a sidecar trial's place in the report, from its fields:
// the same name parseName makes of its result line.
func trialName(t record.Trial) name {
	n := name{Full: t.Name, Group: strings.TrimSuffix(record.ScenarioPrefix, "/"), Scenario: t.Scenario, Pattern: t.Pattern, Impl: t.Impl}
	for _, p := range t.Parts {
		n.Params = append(n.Params, kv{p.Key, p.Value})
	}
	return n
}

// section is the heading a result belongs to: its scenario, or the base
// name of a go test benchmark.
func (n name) section() string {
	if n.Scenario != "" && n.Pattern != "" {
		return n.Scenario
	}
	return n.Group
}

// tableKey identifies the tables a result goes in: everything but the
// implementation.
func (n name) tableKey() string {
	var b strings.Builder
	if n.Scenario != "" {
		b.WriteString("scenario=" + n.Scenario)
	}
	for _, p := range n.Params {
		if b.Len() > 0 {
			b.WriteByte('/')
		}
		b.WriteString(p.Key + "=" + p.Value)
	}
	if b.Len() == 0 {
		return n.Group
	}
	return b.String()
}

// result is one benchmark line: one trial.
type result struct {
	File   string
	Line   int
	Pkg    string        // the file's pkg: configuration, for go test results
	Config benchproc.Key // benchstat's .config: every file-level configuration line in force
	Name   name
	Values map[string]float64 // by unit as written (ns/op, p99-ns), value as written
}

// dataset is everything read from the input files.
type dataset struct {
	Files    []fileInfo
	Results  []result
	Units    []string // in first-seen order
	Better   map[string]int
	Syntax   []string // "file:line: message": malformed lines and refused values (scanResults)
	Trials   []record.Trial
	TrialOf  []string // the results file of each of Trials
	TrialErr []string
	// Scenarios are the scenarios the sidecars describe, each once (the
	// first description of a name wins).
	Scenarios []record.Scenario
	// Reps are the repetitions of scenarios with sequential repetitions,
	// by scenario name, and why each stopped.
	Reps map[string]record.Reps
	// redescribed are the scenarios that two files describe differently
	// (their scenario file changed between the runs), by name.
	redescribed map[string]bool
	config      *benchproc.Projection // benchstat's default -table .config
}

// readFiles reads benchfmt files and their sidecars. An unreadable file is
// an error; a malformed or non-finite result line, a malformed sidecar
// line and a refused histogram are warnings.
func readFiles(files []string) (*dataset, error) {
	ds := &dataset{Better: map[string]int{}}
	// The table projection of benchstat's defaults (-table .config -row
	// .fullname -col .file), parsed together so that .config leaves out
	// .file, as in benchstat.
	var parser benchproc.ProjectionParser
	var err error
	if ds.config, err = parser.Parse(".config", nil); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	for _, p := range []string{".fullname", ".file"} {
		if _, err := parser.Parse(p, nil); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
	}
	seenUnit := map[string]bool{}
	// One budget for the histograms of all the sidecars; the charts merge
	// each trial name's usable histograms, and so may the reads.
	budget := record.NewBudget().MergeBy(func(t *record.Trial) string {
		if usable(*t) {
			return t.Name
		}
		return ""
	})
	var empty []string
	for _, path := range files {
		before := len(ds.Results) + len(ds.Trials)
		if err := ds.readOne(path, seenUnit, budget); err != nil {
			return nil, err
		}
		if len(ds.Results)+len(ds.Trials) == before {
			empty = append(empty, path)
		}
	}
	if len(empty) == len(files) {
		return nil, fmt.Errorf("report: %s: %w", strings.Join(files, ", "), ErrNoResults)
	}
	for _, path := range empty {
		ds.Syntax = append(ds.Syntax, path+": no benchmark result and no trial in it")
	}
	ds.separateConfigs()
	return ds, nil
}

// ErrNoResults is returned, with nothing written, for files that hold no
// benchmark result and no trial: a report of nothing would read as one of
// a run that measured nothing.
var ErrNoResults = errors.New("no benchmark results in the files")

// separateConfigs keeps go test results of different configurations
// apart, as benchstat's default -table .config does: when the go test
// results span more than one configuration (two packages with the same
// benchmark names, two machines), each result's section is named with
// the configuration lines that tell them apart, "Encode · pkg:
// example.com/a". (Scenario results carry their scenario and pattern in
// the name, and keep the scenario structure; their files become columns.)
func (ds *dataset) separateConfigs() {
	var keys []benchproc.Key
	seen := map[benchproc.Key]bool{}
	for _, r := range ds.Results {
		if r.Name.Scenario == "" && !seen[r.Config] {
			seen[r.Config] = true
			keys = append(keys, r.Config)
		}
	}
	fields := benchproc.NonSingularFields(keys)
	if len(fields) == 0 {
		return
	}
	for i := range ds.Results {
		r := &ds.Results[i]
		if r.Name.Scenario != "" {
			continue
		}
		var parts []string
		for _, f := range fields {
			parts = append(parts, f.Name+": "+r.Config.Get(f))
		}
		r.Name.Group += " · " + strings.Join(parts, ", ")
	}
}

func (ds *dataset) readOne(path string, seenUnit map[string]bool, budget *record.Budget) error {
	info := fileInfo{Path: path}
	first := len(ds.Results)
	units, warnings, err := scanResults(path, func(rec *benchfmt.Result) {
		fileName, line := rec.Pos()
		res := result{File: fileName, Line: line, Name: parseName(rec.Name.String()), Pkg: string(rec.GetConfig("pkg")),
			Config: ds.config.Project(rec), Values: map[string]float64{}}
		for _, v := range rec.Values {
			unit, val := resultline.Written(v)
			res.Values[unit] = val
			if !seenUnit[unit] {
				seenUnit[unit] = true
				ds.Units = append(ds.Units, unit)
			}
		}
		ds.Results = append(ds.Results, res)
	})
	if err != nil {
		return err
	}
	ds.Syntax = append(ds.Syntax, warnings...)
	for _, u := range ds.Units {
		if b := units.GetBetter(u); b != 0 {
			ds.Better[u] = b
		}
	}
	side, warnings, err := record.ReadFile(record.Path(path), budget)
	ds.TrialErr = append(ds.TrialErr, warnings...)
	if err != nil {
		ds.TrialErr = append(ds.TrialErr, err.Error())
	}
	// File configuration is read from the file directly: the benchfmt
	// reader attaches it only to later results, so lines after the last
	// result (a final run-status) would be lost.
	if err := scanTrailingConfig(path, &info); err != nil {
		return err
	}
	side.Trials = ds.matchSidecar(path, side, info, ds.Results[first:])
	if side.Trials != nil || len(ds.Results) == first {
		info.Run = side.Run
	}
	info.Trials = len(side.Trials)
	ds.Trials = append(ds.Trials, side.Trials...)
	for range side.Trials {
		ds.TrialOf = append(ds.TrialOf, path)
	}
	ds.addScenarios(path, side.Scenarios)
	for _, r := range side.Reps {
		if ds.Reps == nil {
			ds.Reps = map[string]record.Reps{}
		}
		ds.Reps[r.Scenario] = r
	}
	ds.Files = append(ds.Files, info)
	return nil
}

// matchSidecar checks a sidecar against its results file, and returns
// the trials to use. A trial that appears twice (the same name and
// repetition) is kept once. A sidecar that says which run wrote it (its
// run line's date) must be the results file's run (its date line); and
// the names of its measured trials must mostly be those of the file's
// scenario result lines. Else it is another run's sidecar, left beside
// this file, and is not used.
func (ds *dataset) matchSidecar(path string, side record.File, info fileInfo, results []result) []record.Trial {
	sidePath := record.Path(path)
	if side.Run != nil && side.Run.Date != "" && info.get("date") != "" && side.Run.Date != info.get("date") {
		ds.TrialErr = append(ds.TrialErr, fmt.Sprintf("%s was written by the run of %s, and %s by the run of %s: another run's sidecar, not used", sidePath, side.Run.Date, path, info.get("date")))
		return nil
	}
	type key struct {
		name string
		rep  int
	}
	seen := map[key]bool{}
	var kept []record.Trial
	dups := 0
	for _, t := range side.Trials {
		k := key{t.Name, t.Rep}
		if seen[k] {
			dups++
			continue
		}
		seen[k] = true
		kept = append(kept, t)
	}
	if dups > 0 {
		ds.TrialErr = append(ds.TrialErr, fmt.Sprintf("%s: %d trials appear twice (the same name and repetition); each is read once", sidePath, dups))
	}
	lines := map[string]bool{}
	for _, r := range results {
		if r.Name.Scenario != "" {
			lines[r.Name.Full] = true
		}
	}
	measured, matched := map[string]bool{}, 0
	for _, t := range kept {
		if t.Status != record.StatusHung && t.Status != record.StatusCrashed && !measured[t.Name] {
			measured[t.Name] = true
			if lines[t.Name] {
				matched++
			}
		}
	}
	if len(measured) > 0 && 2*matched < len(measured) {
		ds.TrialErr = append(ds.TrialErr, fmt.Sprintf("%s does not belong to %s: %d of the %d benchmarks its trials measured have a line there (another run's sidecar?); it is not used", sidePath, path, matched, len(measured)))
		return nil
	}
	return kept
}

// addScenarios keeps the scenarios the sidecar of path describes, each
// once: the first description of a name, or, where its file changed
// between runs, the last file's, which goes with the numbers the verdicts
// read (the last column).
func (ds *dataset) addScenarios(path string, scs []record.Scenario) {
	for _, sc := range scs {
		i := slices.IndexFunc(ds.Scenarios, func(s record.Scenario) bool { return s.Name == sc.Name })
		switch {
		case i < 0:
			ds.Scenarios = append(ds.Scenarios, sc)
		case ds.Scenarios[i].Hash != sc.Hash:
			ds.TrialErr = append(ds.TrialErr, fmt.Sprintf("%s: scenario %s is described differently than in an earlier file (its scenario file changed: SHA-256 %.12s, then %.12s); its claims and headline are this file's",
				record.Path(path), sc.Name, ds.Scenarios[i].Hash, sc.Hash))
			ds.Scenarios[i] = sc
			if ds.redescribed == nil {
				ds.redescribed = map[string]bool{}
			}
			ds.redescribed[sc.Name] = true
		}
	}
}

func (fi *fileInfo) setConfig(k, v string) {
	if k == "run-status" {
		if fi.RunStatus == "" || v == "partial" {
			fi.RunStatus = v
		}
	}
	for i := range fi.Config {
		if fi.Config[i].Key == k {
			// A file that concatenates runs (one scenario file after
			// another) has several values: list them all.
			if !slices.Contains(strings.Split(fi.Config[i].Value, ", "), v) {
				fi.Config[i].Value += ", " + v
			}
			return
		}
	}
	fi.Config = append(fi.Config, kv{k, v})
}

// scanTrailingConfig reads the file's "key: value" lines in order.
func scanTrailingConfig(path string, fi *fileInfo) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || k == "" || strings.ContainsAny(k, " \t") || strings.HasPrefix(line, "Benchmark") {
			continue
		}
		if k[0] < 'a' || k[0] > 'z' {
			continue
		}
		fi.setConfig(k, strings.TrimSpace(v))
	}
	return nil
}

// better says whether higher (+1) or lower (-1) values of unit are better.
// Unknown units: "/s" rates are higher-better, everything else lower.
func (ds *dataset) better(unit string) int {
	if b, ok := ds.Better[unit]; ok {
		return b
	}
	if strings.HasSuffix(unit, "/s") {
		return 1
	}
	return -1
}

func (fi fileInfo) get(k string) string {
	for _, c := range fi.Config {
		if c.Key == k {
			return c.Value
		}
	}
	return ""
}
