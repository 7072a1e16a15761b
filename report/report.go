// Package report turns Go benchmark result files into charts and one HTML
// page. (The comparison of result files the way `go tool benchstat` does
// it is package compare's; the report's intervals are at its level.)
//
// It reads files only: benchfmt results (from go test -bench or from the
// scenario driver) and, next to a results file x.txt, the sidecar x.jsonl
// with trial statuses, HDR latency histograms and time series. It never
// imports the implementations, the scenario format or the harness, so it
// charts any project's `go test -bench` output too.
//
// A report is made in stages, a file each:
//
//	read.go, scan.go     the files → a dataset (results, trials, scenarios)
//	model.go, stats.go,  the dataset → a numeric model: sections, groups,
//	floor.go, rank.go,   tables of medians and intervals, headline
//	verdict.go           rankings, the claims audit
//	figures.go,          the model → charts: what each section shows
//	charts.go, draw.go,  (figures), how each chart is drawn (charts), the
//	svg.go               PNG and SVG canvas (draw, svg)
//	page.go, format.go,  the model and its charts → the page: every number
//	verdict_text.go,     formatted here and only here, from the templates
//	page/                in page/, embedded
package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/concbench/concbench/internal/atomicfile"
)

// Options shape a report.
type Options struct {
	// Inline draws every chart into the page as SVG, so that the page
	// stands alone: a report to commit or mail, whose PNGs need not travel
	// with it (they are written beside it all the same). Without it, the
	// charts that have no interactive view are shown as their PNGs.
	Inline bool
}

// Generate reads files (and their sidecars), writes dir/report.html and
// its PNG charts, and returns the HTML path. It creates dir. An unreadable
// file is an error naming it; malformed lines are listed as warnings in
// the report. Every file is written to a temporary name and renamed, the
// HTML last, so a half-written report never appears.
//
// It runs in three stages: the files become a numeric model (buildModel),
// the model is drawn (drawCharts), and the page formats both
// (renderPage). When ctx ends it stops between charts and returns ctx's
// error, the page not written.
func Generate(ctx context.Context, dir string, files []string, opts Options) (string, error) {
	if len(files) == 0 {
		return "", errors.New("report: no result files given")
	}
	ds, err := readFiles(files)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	m := buildModel(ds)
	figs, err := drawCharts(ctx, m, &chartWriter{dir: dir, inline: opts.Inline})
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := renderPage(&buf, m, figs); err != nil {
		return "", err
	}
	if err := atomicfile.Write(filepath.Join(dir, "report.html"), buf.Bytes()); err != nil {
		return "", err
	}
	return filepath.Join(dir, "report.html"), nil
}

// model is what the report computed from the files, in numbers; the
// page formats it.
type model struct {
	Files   []fileInfo
	Partial []string // files of runs that did not finish
	// ScenarioResults: the files hold scenario results; Trials: and
	// sidecar trials.
	ScenarioResults, Trials bool
	// MissingShards, if not empty, are the shards of a study the files do
	// not hold (their results say shard i/n): the report covers part of
	// it; ShardsOf is n.
	MissingShards []int
	ShardsOf      int
	Overhead      *overhead
	Clock         float64 // ns of a clock read on the files' machine; 0 if they do not say
	Sections      []*section
	Decisions     *decisionTable
	Verdicts      []verdict
	Syntax        []string
	TrialErrs     []string
}

// buildModel computes the tables, rankings and verdicts of ds.
func buildModel(ds *dataset) *model {
	m := &model{Files: ds.Files, Syntax: ds.Syntax, TrialErrs: ds.TrialErr, Trials: len(ds.Trials) > 0}
	m.ScenarioResults = slices.ContainsFunc(ds.Results, func(r result) bool { return r.Name.Scenario != "" })
	for _, f := range ds.Files {
		if f.RunStatus == "partial" {
			m.Partial = append(m.Partial, f.Path)
		}
	}
	m.Overhead = harnessOverhead(ds)
	m.Clock = clockCost(ds)
	m.MissingShards, m.ShardsOf = missingShards(ds.Files)
	m.Sections = buildSections(ds)
	for _, s := range m.Sections {
		// A scenario names winners in its headline rankings only; a go
		// test table names its own.
		pick := winners(!s.Scenario)
		for _, g := range s.Groups {
			g.Files = g.columnFiles(ds.Files)
			for _, u := range g.units(ds, s.Scenario) {
				if g.Files != nil {
					g.Tables = append(g.Tables, columnsTableWithFloor(u, ds.better(u), g, g.valuesByFile(u), pick))
				} else {
					g.Tables = append(g.Tables, tableWithFloor(u, ds.better(u), g, g.values(u), pick))
				}
			}
			if g.Files != nil {
				g.keepTrialsOf(g.Files[len(g.Files)-1])
			}
		}
		if s.Scenario {
			summarise(ds, s)
		} else {
			markClockDominated(s, m.Clock)
		}
	}
	m.Decisions = decide(ds, m.Sections)
	m.Verdicts = audit(ds, m.Sections)
	return m
}

// harnessPattern is the pattern of the driver against a no-op target:
// its closed-loop results are the harness's own cost per operation.
const harnessPattern = "harness"

// missingShards returns the shards of a sharded study that files lack
// (each file's results say "shard: i/n"), and n; none if the files hold
// no shard, or all of them. Files of studies sharded two ways are read as
// the largest n.
func missingShards(files []fileInfo) ([]int, int) {
	have := map[int]bool{}
	n := 0
	for _, f := range files {
		for _, v := range strings.Split(f.get("shard"), ", ") {
			var i, of int
			if _, err := fmt.Sscanf(v, "%d/%d", &i, &of); err != nil || of < 1 || i < 0 || i >= of {
				continue
			}
			have[i] = true
			n = max(n, of)
		}
	}
	var missing []int
	for i := range n {
		if !have[i] {
			missing = append(missing, i)
		}
	}
	return missing, n
}

// overhead is the driver's own cost per operation, from the closed-loop
// results of the harness pattern: the median of N trials' mean and p99.
type overhead struct {
	Mean, P99 float64 // NaN where the files have none
	N         int
	Scenarios []string
}

// harnessOverhead measures the driver's own cost from the files, or nil
// where they hold no results of the harness pattern.
func harnessOverhead(ds *dataset) *overhead {
	var mean, p99 []float64
	scenarios := map[string]bool{}
	for _, r := range ds.Results {
		if r.Name.Pattern != harnessPattern {
			continue
		}
		if v, ok := r.Values["mean-ns"]; ok {
			mean = append(mean, v)
			scenarios[r.Name.Scenario] = true
		}
		if v, ok := r.Values["p99-ns"]; ok {
			p99 = append(p99, v)
		}
	}
	if len(mean) == 0 {
		return nil
	}
	return &overhead{Mean: median(mean), P99: median(p99), N: len(mean), Scenarios: slices.Sorted(maps.Keys(scenarios))}
}

// clockDominated is how many clock reads a cost may be worth before the
// report says the machine's clock may dominate it.
const clockDominated = 4

// clockCost returns the cost of a clock read recorded in the files'
// clock-ns lines (the largest, if they differ), or 0 if no file records
// one.
func clockCost(ds *dataset) float64 {
	var ns float64
	for _, f := range ds.Files {
		for _, v := range strings.Split(f.get("clock-ns"), ", ") {
			if x, err := strconv.ParseFloat(v, 64); err == nil && x > 0 && !math.IsInf(x, 0) {
				ns = max(ns, x)
			}
		}
	}
	return ns
}

// markClockDominated footnotes every row of a per-operation time table
// whose median is within clockDominated clock reads.
func markClockDominated(s *section, clock float64) {
	if clock == 0 {
		return
	}
	note := fmt.Sprintf("within %d clock reads (%s each here): this machine's clock may dominate the ratio", clockDominated, formatNs(clock, 4, " "))
	for _, g := range s.Groups {
		for _, t := range g.Tables {
			if !isTimeUnit(t.Unit) {
				continue
			}
			rows := t.Rows
			if t.Columns != nil {
				rows = nil
				for _, c := range t.Columns {
					rows = append(rows, c.Rows...)
				}
			}
			for _, r := range rows {
				if r.Summary.Center < clockDominated*clock {
					r.Marks = append(r.Marks, t.footnote(note))
				}
			}
		}
	}
}
