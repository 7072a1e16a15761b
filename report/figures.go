package report

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/concbench/concbench/record"
)

// figures are the charts drawn of a model, the third stage of a report:
// per group (throughput, spectrum, time series), per section (across its
// groups: scaling), and each scenario's headline chart, which its summary
// shows. Adding a chart is a function in charts.go that draws it, and a
// line here that calls it.
type figures struct {
	group       map[*group][]chart
	section     map[*section][]chart
	headline    map[*section]*chart
	interactive bool // some chart has an interactive view: the page needs its script
}

// drawCharts draws the charts of every section of m.
func drawCharts(ctx context.Context, m *model, cw *chartWriter) (*figures, error) {
	f := &figures{group: map[*group][]chart{}, section: map[*section][]chart{}, headline: map[*section]*chart{}}
	for _, s := range m.Sections {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		var err error
		if s.Scenario {
			err = f.scenarioCharts(cw, s)
		} else {
			err = f.goTestCharts(cw, s)
		}
		if err != nil {
			return nil, err
		}
	}
	f.interactive = cw.interactive
	return f, nil
}

// headlineChart picks the chart of unit: across parameters where the
// scenario has several, else the first group's.
func (f *figures) headlineChart(s *section, unit string) *chart {
	latency := isTimeUnit(unit)
	match := func(c chart) bool {
		return c.File != "" && (c.Unit == unit || latency && c.Unit == latencyUnits)
	}
	cs := f.section[s]
	for i := range cs {
		if match(cs[i]) {
			return &cs[i]
		}
	}
	for _, g := range s.Groups {
		gs := f.group[g]
		for i := range gs {
			if match(gs[i]) {
				return &gs[i]
			}
		}
	}
	return nil
}

// latencyUnits is the Unit of a chart of every latency at once (the
// percentile spectrum).
const latencyUnits = "latency"

// scenarioCharts draws a scenario section's charts: per group, its
// throughput bars, latency spectrum, time series and breaker states;
// across groups, the scaling charts of ops/s, p99-ns and its headline
// units; and picks the headline chart.
func (f *figures) scenarioCharts(cw *chartWriter, s *section) error {
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
					f.group[g] = append(f.group[g], c)
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
			add("cpu-ns/op")(costChart(cw, g, base+"-cost", "CPU per operation against throughput: "+g.Title())),
		}
		if err := errors.Join(errs...); err != nil {
			return err
		}
	}
	units := []string{"ops/s", "p99-ns"}
	for _, u := range s.Summary.Headline {
		if !slices.Contains(units, u) {
			units = append(units, u)
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
		f.section[s] = append(f.section[s], cs...)
	}
	if h := s.Summary.Headline; len(h) > 0 {
		f.headline[s] = f.headlineChart(s, h[0])
	}
	return nil
}

// goTestCharts charts a go test section where a chart carries
// information: per group, a bar chart of its primary unit and of B/op and
// allocs/op where some value is not 0; not for a group of one row (one
// bar says nothing its table does not), nor for more than maxBars rows
// (its table reads better; a note says so). Then the scaling charts of
// those units.
func (f *figures) goTestCharts(cw *chartWriter, s *section) error {
	n := 0
	for _, g := range s.Groups {
		if n == maxBarCharts {
			f.section[s] = append(f.section[s], chart{Title: "more parameter combinations",
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
				f.section[s] = append(f.section[s], chart{Title: title, Unit: u,
					Skip: fmt.Sprintf("%d rows are more bars than a chart shows legibly; the table lists them", len(t.Rows))})
				continue
			}
			c, err := barChart(cw, t, s.Title+"-"+g.Title()+"-"+u, title)
			if err != nil {
				return err
			}
			f.section[s] = append(f.section[s], c)
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
		f.section[s] = append(f.section[s], cs...)
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
