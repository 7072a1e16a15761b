// Package report turns Go benchmark result files into charts and one HTML
// page, and compares two result files the way `go tool benchstat` does.
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
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/concbench/concbench/internal/atomicfile"
	"github.com/concbench/concbench/internal/sidecar"
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
			for _, u := range g.units(ds, s.Scenario) {
				g.Tables = append(g.Tables, tableWithFloor(u, ds.better(u), g, g.values(u)))
			}
		}
		if !s.Scenario {
			markClockDominated(s, clock)
		}
		var err error
		if s.Scenario {
			err = scenarioCharts(cw, s)
		} else {
			err = goTestCharts(cw, s)
		}
		if err != nil {
			return nil, err
		}
	}
	pg.Verdicts = verdicts(pg.Sections)
	return pg, nil
}

func scenarioCharts(cw *chartWriter, s *section) error {
	for _, g := range s.Groups {
		base := s.Title + "-" + g.Key
		add := func(c chart, err error) error {
			if err != nil {
				return err
			}
			if c.File != "" || c.Skip != "" {
				g.Charts = append(g.Charts, c)
			}
			return nil
		}
		errs := []error{
			add(barChart(cw, g.table("ops/s"), base+"-throughput", "Throughput: "+g.title())),
			add(spectrumChart(cw, g, base+"-spectrum", "Latency percentile spectrum: "+g.title())),
			add(seriesChart(cw, g, base+"-goroutines", "Goroutines over time: "+g.title(), "goroutines",
				func(s sidecar.Series) []float64 { return s.Goroutines }, false)),
			add(seriesChart(cw, g, base+"-ops-time", "Throughput over time: "+g.title(), "ops/s",
				func(s sidecar.Series) []float64 { return s.OpsPerSec }, false)),
			add(seriesChart(cw, g, base+"-p99-time", "p99 latency over time (corrected): "+g.title(), "p99 latency (log scale)",
				func(s sidecar.Series) []float64 { return s.P99Ns }, true)),
			add(stateChart(cw, g, base+"-state", "Breaker state: "+g.title())),
		}
		if err := errors.Join(errs...); err != nil {
			return err
		}
	}
	for _, u := range []string{"ops/s", "p99-ns"} {
		cs, err := scalingCharts(cw, s, u, maxBarCharts)
		if err != nil {
			return err
		}
		s.Charts = append(s.Charts, cs...)
	}
	return nil
}

func goTestCharts(cw *chartWriter, s *section) error {
	n := 0
	for _, g := range s.Groups {
		if n == maxBarCharts {
			s.Charts = append(s.Charts, chart{Title: "more parameter combinations",
				Skip: "charted the first " + strconv.Itoa(maxBarCharts) + " of " + strconv.Itoa(len(s.Groups)) + " parameter combinations; the tables show all"})
			break
		}
		u := g.primaryUnit()
		if u == "" {
			continue
		}
		c, err := barChart(cw, g.table(u), s.Title+"-"+g.Key+"-"+u, s.Title+" "+u+": "+g.title())
		if err != nil {
			return err
		}
		s.Charts = append(s.Charts, c)
		n++
	}
	if len(s.Groups) > 0 {
		u := s.Groups[0].primaryUnit()
		cs, err := scalingCharts(cw, s, u, maxBarCharts)
		if err != nil {
			return err
		}
		s.Charts = append(s.Charts, cs...)
	}
	return nil
}

// harnessOverhead states the driver's own cost from the harness-overhead
// scenario's lines.
func harnessOverhead(ds *dataset) string {
	var mean, p99 []float64
	for _, r := range ds.Results {
		if r.Name.Scenario != "harness-overhead" {
			continue
		}
		if v, ok := r.Values["mean-ns"]; ok {
			mean = append(mean, v)
		}
		if v, ok := r.Values["p99-ns"]; ok {
			p99 = append(p99, v)
		}
	}
	if len(mean) == 0 {
		return "harness overhead: not measured in these files"
	}
	s := "harness overhead: mean " + formatNs(median(mean)) + " per operation"
	if len(p99) > 0 {
		s += ", p99 " + formatNs(median(p99))
	}
	return s + " (median of " + strconv.Itoa(len(mean)) + " trials of scenario harness-overhead)"
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
			for _, r := range t.Rows {
				if r.Summary.Center >= clockDominated*clock {
					continue
				}
				if i < 0 {
					t.Footnotes = append(t.Footnotes, note)
					i = len(t.Footnotes) - 1
				}
				r.Marks += superscript(i + 1)
			}
		}
	}
}
