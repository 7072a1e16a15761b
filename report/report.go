// Package report turns Go benchmark result files into charts and one HTML
// page. (The comparison of result files the way `go tool benchstat` does
// it is package compare's; the report's intervals are at its level.)
//
// It reads files only: benchfmt results (from go test -bench or from the
// scenario driver) and, next to a results file x.txt, the sidecar x.jsonl
// with trial statuses, HDR latency histograms and time series. It never
// imports the implementations or the harness, so it charts any project's
// `go test -bench` output too.
package report

import (
	"bytes"
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
	"github.com/concbench/concbench/internal/footnote"
	"github.com/concbench/concbench/record"
)

// Generate reads files (and their sidecars), writes dir/report.html and
// its PNG charts, and returns the HTML path. It creates dir. An unreadable
// file is an error naming it; malformed lines are listed as warnings in
// the report. Every file is written to a temporary name and renamed, the
// HTML last, so a half-written report never appears.
func Generate(dir string, files []string) (string, error) {
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
	page, err := buildPage(ds, &chartWriter{dir: dir})
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := renderHTML(&buf, page); err != nil {
		return "", err
	}
	if err := atomicfile.Write(filepath.Join(dir, "report.html"), buf.Bytes()); err != nil {
		return "", err
	}
	return filepath.Join(dir, "report.html"), nil
}

// buildPage computes the tables and writes the charts.
func buildPage(ds *dataset, cw *chartWriter) (*page, error) {
	pg := &page{Files: ds.Files, Syntax: ds.Syntax, TrialErrs: ds.TrialErr}
	for _, f := range ds.Files {
		if f.RunStatus == "partial" {
			pg.Partial = append(pg.Partial, f.Path)
		}
	}
	pg.Overhead = harnessOverhead(ds)
	if len(ds.Trials) > 0 { // scenario results: say what their latencies include
		pg.Overhead += ". " + latencyNote
	}
	clock, clockNote := clockCost(ds)
	pg.Clock = clockNote
	pg.Sections = buildSections(ds)
	for _, s := range pg.Sections {
		for _, g := range s.Groups {
			g.Files = g.columnFiles(ds.Files)
			for _, u := range g.units(ds, s.Scenario) {
				if g.Files != nil {
					g.Tables = append(g.Tables, columnsTableWithFloor(u, ds.better(u), g, g.valuesByFile(u)))
				} else {
					g.Tables = append(g.Tables, tableWithFloor(u, ds.better(u), g, g.values(u)))
				}
			}
			if g.Files != nil {
				g.keepTrialsOf(g.Files[len(g.Files)-1])
			}
		}
		if !s.Scenario {
			markClockDominated(s, clock)
		}
		var err error
		if s.Scenario {
			err = scenarioCharts(cw, ds, s)
			summarise(ds, s)
		} else {
			err = goTestCharts(cw, s)
		}
		if err != nil {
			return nil, err
		}
	}
	pg.Verdicts = audit(ds, pg.Sections)
	return pg, nil
}

func scenarioCharts(cw *chartWriter, ds *dataset, s *section) error {
	for _, g := range s.Groups {
		base := s.Title + "-" + g.Title()
		// add(unit)(c, err) keeps chart c of unit, if it was drawn or
		// says why not.
		add := func(unit string) func(chart, error) error {
			return func(c chart, err error) error {
				if err != nil {
					return err
				}
				c.Unit = unit
				if c.File != "" || c.Skip != "" {
					g.Charts = append(g.Charts, c)
				}
				return nil
			}
		}
		errs := []error{
			add("ops/s")(barChart(cw, g.table("ops/s"), base+"-throughput", "Throughput: "+g.Title())),
			add(latencyUnits)(spectrumChart(cw, g, base+"-spectrum", "Latency percentile spectrum: "+g.Title())),
			add("")(seriesChart(cw, g, base+"-goroutines", "Goroutines over time: "+g.Title(), "goroutines",
				func(s record.Series) []float64 { return s.Goroutines }, false)),
			add("")(seriesChart(cw, g, base+"-ops-time", "Throughput over time: "+g.Title(), "ops/s",
				func(s record.Series) []float64 { return s.OpsPerSec }, false)),
			add("")(seriesChart(cw, g, base+"-p99-time", "p99 latency over time (corrected): "+g.Title(), "p99 latency (log scale)",
				func(s record.Series) []float64 { return s.P99Ns }, true)),
			add("")(stateChart(cw, g, base+"-state", "Breaker state: "+g.Title())),
		}
		if err := errors.Join(errs...); err != nil {
			return err
		}
	}
	units := []string{"ops/s", "p99-ns"}
	if sc, ok := ds.scenarioOf(s); ok {
		for _, u := range sc.Headline {
			if !slices.Contains(units, u) {
				units = append(units, u)
			}
		}
	}
	for _, u := range units {
		cs, err := scalingCharts(cw, s, u, maxBarCharts)
		if err != nil {
			return err
		}
		for i := range cs {
			cs[i].Unit = u
		}
		s.Charts = append(s.Charts, cs...)
	}
	return nil
}

// goTestCharts charts a go test section where a chart carries
// information: per group, a bar chart of its primary unit and of B/op and
// allocs/op where some value is not 0; not for a group of one row (one
// bar says nothing its table does not), nor for more than maxBars rows
// (its table reads better; a note says so). Then the scaling charts of
// those units.
func goTestCharts(cw *chartWriter, s *section) error {
	n := 0
	for _, g := range s.Groups {
		if n == maxBarCharts {
			s.Charts = append(s.Charts, chart{Title: "more parameter combinations",
				Skip: "charted the first " + strconv.Itoa(maxBarCharts) + " of " + strconv.Itoa(len(s.Groups)) + " parameter combinations; the tables show all"})
			break
		}
		charted := false
		for _, u := range goTestUnits(g) {
			t := g.table(u)
			if t == nil || len(t.Rows) < 2 {
				continue
			}
			title := s.Title + " " + u + ": " + g.Title()
			if len(t.Rows) > maxBars {
				s.Charts = append(s.Charts, chart{Title: title, Unit: u,
					Skip: fmt.Sprintf("%d rows are more bars than a chart shows legibly; the table lists them", len(t.Rows))})
				continue
			}
			c, err := barChart(cw, t, s.Title+"-"+g.Title()+"-"+u, title)
			if err != nil {
				return err
			}
			s.Charts = append(s.Charts, c)
			charted = true
		}
		if charted {
			n++
		}
	}
	left := maxBarCharts
	var units []string
	for _, g := range s.Groups {
		for _, u := range goTestUnits(g) {
			if !slices.Contains(units, u) {
				units = append(units, u)
			}
		}
	}
	for _, u := range units {
		cs, err := scalingCharts(cw, s, u, left)
		if err != nil {
			return err
		}
		s.Charts = append(s.Charts, cs...)
		left -= len(cs)
	}
	return nil
}

// goTestUnits are the units a go test group is charted by: its primary
// unit, then B/op and allocs/op where some value is not 0.
func goTestUnits(g *group) []string {
	u := g.primaryUnit()
	if u == "" {
		return nil
	}
	out := []string{u}
	for _, extra := range []string{"B/op", "allocs/op"} {
		if extra == u || g.table(extra) == nil {
			continue
		}
		for _, vs := range g.values(extra) {
			if slices.ContainsFunc(vs, func(v float64) bool { return v != 0 }) {
				out = append(out, extra)
				break
			}
		}
	}
	return out
}

// harnessPattern is the pattern of the driver against a no-op target:
// its closed-loop results are the harness's own cost per operation.
const harnessPattern = "harness"

// harnessOverhead states the driver's own cost from the closed-loop
// results of the harness pattern; "" where the files have none but hold
// scenario results, which then say it was not measured; "" for files of
// go test results only, which the harness had no part in.
func harnessOverhead(ds *dataset) string {
	var mean, p99 []float64
	scenarios := map[string]bool{}
	anyScenario := false
	for _, r := range ds.Results {
		anyScenario = anyScenario || r.Name.Scenario != ""
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
		if anyScenario {
			return "harness overhead: not measured in these files (run a scenario of pattern harness, such as the quick suite's harness-overhead, beside them)"
		}
		return ""
	}
	s := "harness overhead: mean " + formatNs(median(mean)) + " per operation"
	if len(p99) > 0 {
		s += ", p99 " + formatNs(median(p99))
	}
	names := slices.Sorted(maps.Keys(scenarios))
	return s + " (median of " + strconv.Itoa(len(mean)) + " trials of scenario " + strings.Join(names, ", ") + ")"
}

// clockDominated is how many clock reads a cost may be worth before the
// report says the machine's clock may dominate it.
const clockDominated = 4

// clockCost returns the cost of a clock read recorded in the files'
// clock-ns lines (the largest, if they differ), and the sentence that
// states it; 0 and "" if no file records one.
func clockCost(ds *dataset) (float64, string) {
	var ns float64
	for _, f := range ds.Files {
		for _, v := range strings.Split(f.get("clock-ns"), ", ") {
			if x, err := strconv.ParseFloat(v, 64); err == nil && x > 0 && !math.IsInf(x, 0) {
				ns = max(ns, x)
			}
		}
	}
	if ns == 0 {
		return 0, ""
	}
	return ns, fmt.Sprintf("a clock read (time.Now) costs %s on the machine of these files; a time per operation within %d reads of it is marked, since a ratio between such times may be this machine's clock rather than the design (a design that reads the clock twice pays twice)", formatNs(ns), clockDominated)
}

// markClockDominated footnotes every row of a per-operation time table
// whose median is within clockDominated clock reads.
func markClockDominated(s *section, clock float64) {
	if clock == 0 {
		return
	}
	note := fmt.Sprintf("within %d clock reads (%s each here): this machine's clock may dominate the ratio", clockDominated, formatNs(clock))
	for _, g := range s.Groups {
		for _, t := range g.Tables {
			if !isTimeUnit(t.Unit) {
				continue
			}
			i := slices.Index(t.Footnotes, note)
			rows := t.Rows
			if t.Columns != nil {
				rows = nil
				for _, c := range t.Columns {
					rows = append(rows, c.Rows...)
				}
			}
			for _, r := range rows {
				if r.Summary.Center >= clockDominated*clock {
					continue
				}
				if i < 0 {
					t.Footnotes = append(t.Footnotes, note)
					i = len(t.Footnotes) - 1
				}
				r.Marks += footnote.Superscript(i + 1)
			}
		}
	}
}
