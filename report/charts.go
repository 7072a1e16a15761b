package report

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/concbench/concbench/record"

	"github.com/HdrHistogram/hdrhistogram-go"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// maxBarCharts caps the go test bar charts of one section.
const maxBarCharts = 12

// maxBars is the most bars a go test chart draws; a group of more rows
// is left to its table, where 40 names can still be read.
const maxBars = 16

// ciBars is a bar per row with its CI as error bars, along y, or along x
// for horizontal bars: the bars' medians and intervals, scaled. A row
// of one value has no interval, and no error bar.
type ciBars struct {
	mid        []float64
	ci         []interval
	horizontal bool
}

func (c ciBars) Len() int { return len(c.mid) }

func (c ciBars) XY(i int) (float64, float64) {
	if c.horizontal {
		return c.mid[i], float64(i)
	}
	return float64(i), c.mid[i]
}

func (c ciBars) err(i int) (float64, float64) {
	if c.ci[i].Level == 0 {
		return 0, 0
	}
	return c.mid[i] - c.ci[i].Lo, c.ci[i].Hi - c.mid[i]
}

func (c ciBars) YError(i int) (float64, float64) { return c.err(i) }

func (c ciBars) XError(i int) (float64, float64) { return c.err(i) }

// horizontalBars says whether a bar chart of these names reads better
// with horizontal bars: many of them, or names too long to fit under a
// vertical bar.
func horizontalBars(names []string) bool {
	if len(names) > 8 {
		return true
	}
	room := 70 - 5*len(names) // characters a vertical bar's label has, roughly
	for _, n := range names {
		if len([]rune(n))*len(names) > 90 || len([]rune(n)) > room {
			return true
		}
	}
	return false
}

// barChart draws a statTable as bars of the median with CI error bars:
// vertical bars, or horizontal ones for many or long names (the names
// then down the y axis, the first at the top).
func barChart(cw *chartWriter, t *statTable, name, title string) (chart, error) {
	t = t.withoutFloor() // a reference, not a bar to compare: the tables show it
	if t == nil || len(t.Rows) == 0 {
		return chart{Title: title, Skip: "no data for this chart"}, nil
	}
	p, h, err := barPlot(t, title)
	if err != nil {
		return chart{}, err
	}
	note := ""
	for _, r := range t.Rows {
		if r.CI.Level != confidence {
			note = " Where a row has fewer than 6 trials its bar spans its lowest to its highest value (the widest interval so few give, below 95%); a row of one trial has none."
			break
		}
	}
	c, err := cw.saveFigure([]*panel{{p: p}}, h, name, title, fmt.Sprintf("%s: median %s per implementation with 95%% confidence intervals.%s", title, t.Unit, note), false)
	c.Unit = t.Unit
	return c, err
}

// barPlot is barChart's plot, and its height.
func barPlot(t *statTable, title string) (*plot.Plot, vg.Length, error) {
	vl := t.Unit + " (median, CI)"
	scale := 1.0
	if isTimeUnit(t.Unit) {
		scale, vl = timeScale(t.Rows), vl+" in "+timeScaleName(timeScale(t.Rows))
	}
	var names []string
	for _, r := range t.Rows {
		names = append(names, r.Impl)
	}
	horiz := horizontalBars(names)
	// Horizontal bars run top to bottom in table order: gonum counts y up.
	rows := slices.Clone(t.Rows)
	if horiz {
		slices.Reverse(rows)
		slices.Reverse(names)
	}
	p := newPlot(title, "", vl)
	if horiz {
		p = newPlot(title, vl, "")
	}
	cb := ciBars{horizontal: horiz}
	for _, r := range rows {
		ci := r.CI
		ci.Lo, ci.Hi = ci.Lo/scale, ci.Hi/scale
		cb.mid, cb.ci = append(cb.mid, r.Summary.Center/scale), append(cb.ci, ci)
	}
	h, err := addBars(p, cb, title)
	if err != nil {
		return nil, 0, err
	}
	v := &p.Y // the value axis
	if horiz {
		p.NominalY(names...)
		v = &p.X
	} else {
		p.NominalX(names...)
	}
	// Room for half a bar beyond the first and the last.
	c := &p.X
	if horiz {
		c = &p.Y
	}
	c.Min, c.Max = math.Min(c.Min, -0.5), math.Max(c.Max, float64(len(rows))-0.5)
	// The value axis covers every bar and every CI: from 0 (bars start
	// there; a negative one shows below it) to the highest CI top.
	v.Min = math.Min(v.Min, 0)
	for _, ci := range cb.ci {
		if ci.Level > 0 {
			v.Max, v.Min = math.Max(v.Max, ci.Hi), math.Min(v.Min, ci.Lo)
		}
	}
	headroom(v, 1.08)
	if !isTimeUnit(t.Unit) {
		v.Tick.Marker = valueTicks(t.Unit)
	}
	return p, h, nil
}

// addBars adds cb's bars and error bars to p, and returns the chart's
// height: taller for many horizontal bars.
func addBars(p *plot.Plot, cb ciBars, title string) (vg.Length, error) {
	h := chartH
	width := vg.Points(math.Min(40, 400/float64(len(cb.mid))))
	if cb.horizontal {
		h = max(chartH, vg.Length(len(cb.mid))*vg.Points(20)+vg.Points(110))
		width = vg.Points(13)
	}
	bars, err := plotter.NewBarChart(plotter.Values(cb.mid), width)
	if err != nil {
		return 0, fmt.Errorf("report: %s: %w", title, err)
	}
	bars.Horizontal = cb.horizontal
	bars.Color = implColor(0)
	bars.LineStyle.Width = 0
	p.Add(bars)
	if !slices.ContainsFunc(cb.ci, func(ci interval) bool { return ci.Level > 0 }) {
		return h, nil
	}
	var eb plot.Plotter
	if cb.horizontal {
		eb, err = plotter.NewXErrorBars(cb)
	} else {
		eb, err = plotter.NewYErrorBars(cb)
	}
	if err != nil {
		return 0, fmt.Errorf("report: %s: %w", title, err)
	}
	p.Add(eb)
	return h, nil
}

// timeScale picks ns, µs, ms or s for the largest median of rows.
func timeScale(rows []*statRow) float64 {
	maxV := 0.0
	for _, r := range rows {
		maxV = math.Max(maxV, r.Summary.Center)
	}
	switch {
	case maxV >= 1e9:
		return 1e9
	case maxV >= 1e6:
		return 1e6
	case maxV >= 1e3:
		return 1e3
	}
	return 1
}

func timeScaleName(s float64) string {
	switch s {
	case 1e9:
		return "s"
	case 1e6:
		return "ms"
	case 1e3:
		return "µs"
	}
	return "ns"
}

// spectrumTicks label the 1/(1-q) axis with percentiles.
func spectrumTicks(_, _ float64) []plot.Tick {
	return []plot.Tick{
		{Value: 1, Label: "0%"}, {Value: 2, Label: "50%"}, {Value: 10, Label: "90%"},
		{Value: 100, Label: "99%"}, {Value: 1000, Label: "99.9%"}, {Value: 10000, Label: "99.99%"},
	}
}

// spectrum returns the percentile spectrum of h as points (1/(1-q), value).
func spectrum(h *hdrhistogram.Histogram) plotter.XYs {
	const n = 200
	pts := make(plotter.XYs, 0, n)
	for i := range n {
		x := math.Pow(10, 4*float64(i)/(n-1))
		q := 100 * (1 - 1/x)
		v := float64(h.ValueAtQuantile(q))
		pts = append(pts, plotter.XY{X: x, Y: math.Max(v, 1)})
	}
	return pts
}

// usable says whether a trial's measurements can be charted.
func usable(t record.Trial) bool {
	return t.Status == record.StatusOK || t.Status == record.StatusLeaked || t.Status == record.StatusPartial
}

// spectrumMarks are the percentiles marked on each corrected line (as x =
// 1/(1-q)) and named in their hover text.
func spectrumMarks() []spectrumMark {
	return []spectrumMark{{2, "p50"}, {10, "p90"}, {100, "p99"}, {1000, "p99.9"}, {10000, "p99.99"}}
}

type spectrumMark struct {
	x    float64
	name string
}

// spectrumChart overlays, per implementation, the corrected latency
// (solid, marked at p50, p90, p99, p99.9 and p99.99) and the service time
// (thin, dashed), each merged exactly over the repetitions, and in every
// panel the harness floor's corrected latency (floorStyle) where the group
// has floor trials. More than maxSeries implementations are split into
// panels (facets).
func spectrumChart(cw *chartWriter, g *group, name, title string) (chart, error) {
	impls, _ := g.floorSplit()
	fs := facets(impls)
	floor, floorAlt := g.floorHist(), ""
	if floor != nil && floor.TotalCount() > 0 {
		floorAlt = " The grey dash-dot line is the harness floor: a pipe echo under the same schedule, in the same run."
	} else {
		floor = nil
	}
	var panels []*panel
	lines := 0
	for f, impls := range fs {
		pn := newPanel(facetTitle(title, f, len(fs)), "percentile (x = 1/(1-q), log scale)", "latency (log scale)")
		pn.xFmt, pn.yFmt = "pct", "ns"
		pn.p.X.Scale, pn.p.X.Tick.Marker = plot.LogScale{}, plot.TickerFunc(spectrumTicks)
		pn.p.Y.Scale, pn.p.Y.Tick.Marker = plot.LogScale{}, plot.TickerFunc(durationTicks)
		for i, impl := range impls {
			n, err := spectrumLines(pn, g.trials[impl], impl, i)
			if err != nil {
				return chart{}, fmt.Errorf("report: %s: %w", title, err)
			}
			lines += n
		}
		dark := color.Gray{Y: 60}
		pn.keyFor("solid: corrected latency", draw.LineStyle{Color: dark, Width: vg.Points(2)}, -1, false)
		if floor != nil {
			key := pn.keyFor(floorLabel, floorStyle, -1, true)
			if err := pn.line(key, floorLabel, []plotter.XYs{spectrum(floor)}, floorStyle, -1); err != nil {
				return chart{}, fmt.Errorf("report: %s: %w", title, err)
			}
		}
		pn.keyFor("thin dashed: service time", draw.LineStyle{Color: dark, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(3), vg.Points(3)}}, -1, false)
		panels = append(panels, pn)
	}
	if lines == 0 {
		return chart{Title: title, Skip: "no latency histograms in the sidecar (missing sidecar, or no usable trial)"}, nil
	}
	shareAxes(panels)
	for _, pn := range panels {
		logRange(&pn.p.Y, 0)
		niceLogRange(&pn.p.Y)
	}
	return cw.saveFigure(panels, chartH, name, title, title+": latency at each percentile, per implementation; solid = corrected latency from the intended start (the target's delays and the harness's wake error), thin dashed = uncorrected service time; histograms merged over all repetitions."+floorAlt+facetNote(impls), true)
}

// spectrumLines adds the i-th implementation's lines to pn: its corrected
// latency (solid, marked at spectrumMarks) and its service time (thin,
// dashed), each merged over its usable trials; it returns how many it
// drew.
func spectrumLines(pn *panel, trials []record.Trial, impl string, i int) (int, error) {
	var lat, svc []*record.Hist
	for _, t := range trials {
		if usable(t) {
			lat = append(lat, t.Latency)
			svc = append(svc, t.Service)
		}
	}
	col := seriesStyle(i).Color
	key, lines := -1, 0
	if h := record.Merge(lat...); h != nil && h.TotalCount() > 0 {
		style := draw.LineStyle{Color: col, Width: vg.Points(2)}
		key = pn.keyFor(impl, style, i, true)
		if err := pn.line(key, impl+" corrected", []plotter.XYs{spectrum(h)}, style, i); err != nil {
			return 0, err
		}
		var marks plotter.XYs
		for _, m := range spectrumMarks() {
			v := math.Max(float64(h.ValueAtQuantile(100*(1-1/m.x))), 1)
			marks = append(marks, plotter.XY{X: m.x, Y: v})
			pn.lines[len(pn.lines)-1].marks = append(pn.lines[len(pn.lines)-1].marks,
				svgMark{x: m.x, y: v, tip: impl + " " + m.name + ": " + formatNs(v, 3, "")})
		}
		sc, err := plotter.NewScatter(marks)
		if err != nil {
			return 0, err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(3), Shape: plotutil.Shape(i)}
		pn.p.Add(sc)
		lines++
	}
	if h := record.Merge(svc...); h != nil && h.TotalCount() > 0 {
		style := draw.LineStyle{Color: col, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(3), vg.Points(3)}}
		if key < 0 {
			key = pn.keyFor(impl, style, -1, true)
		}
		if err := pn.line(key, impl+" service time", []plotter.XYs{spectrum(h)}, style, -1); err != nil {
			return 0, err
		}
		lines++
	}
	return lines, nil
}

// firstRep returns the trial with the lowest repetition number whose
// series has samples.
func firstRep(ts []record.Trial) (record.Trial, bool) {
	var best record.Trial
	found := false
	for _, t := range ts {
		if len(t.Series.T) == 0 || !usable(t) {
			continue
		}
		if !found || t.Rep < best.Rep {
			best, found = t, true
		}
	}
	return best, found
}

// seriesChart plots one series of rep 1 per implementation over time. A
// missing sample (NaN, or ≤ 0 on a log axis) breaks the line rather than
// being bridged; a sample alone between gaps is drawn as a mark.
func seriesChart(cw *chartWriter, g *group, name, title, yLabel string, pick func(record.Series) []float64, logY bool) (chart, error) {
	impls, _ := g.floorSplit()
	fs := facets(impls)
	var panels []*panel
	lines, dropped := 0, 0
	for f, impls := range fs {
		pn := newPanel(facetTitle(title, f, len(fs)), "time since measurement window opened (s)", yLabel)
		pn.xFmt = "s"
		p := pn.p
		if logY {
			p.Y.Scale = plot.LogScale{}
			p.Y.Tick.Marker = plot.TickerFunc(durationTicks)
			pn.yFmt = "ns"
		}
		for i, impl := range impls {
			t, ok := firstRep(g.trials[impl])
			if !ok {
				continue
			}
			// The baseline is in every panel: count what it drops once.
			rs, drop := seriesRuns(t.Series, pick(t.Series), logY)
			if f == 0 || i > 0 {
				dropped += drop
			}
			if len(rs) == 0 {
				continue
			}
			style := seriesStyle(i)
			shape := -1 // a glyph in the legend where the series has a lone point
			if slices.ContainsFunc(rs, func(r plotter.XYs) bool { return len(r) == 1 }) {
				shape = i
			}
			if err := pn.line(pn.keyFor(impl, style, shape, true), impl, rs, style, i); err != nil {
				return chart{}, fmt.Errorf("report: %s: %w", title, err)
			}
			lines++
		}
		panels = append(panels, pn)
	}
	if lines == 0 {
		return chart{Title: title, Skip: "no time series in the sidecar for this chart"}, nil
	}
	shareAxes(panels)
	for _, pn := range panels {
		p := pn.p
		if !logY {
			p.Y.Min = math.Min(p.Y.Min, 0)
			headroom(&p.Y, 1.05)
			p.Y.Tick.Marker = valueTicks(yLabel)
		} else {
			logRange(&p.Y, 0)
			niceLogRange(&p.Y)
		}
	}
	note := droppedNote(dropped)
	return cw.saveFigure(panels, chartH, name, title+note, title+": repetition 1 of each implementation, sampled every interval on the trial clock; a gap is an interval with no sample to show."+note+facetNote(impls), true)
}

// seriesRuns returns the points (t, y) of one series as runs broken at
// each missing sample (a NaN, or on a log axis a value ≤ 0), and how many
// values the log axis could not show.
func seriesRuns(ser record.Series, ys []float64, logY bool) ([]plotter.XYs, int) {
	dropped := 0
	rs := runs(len(ser.T), func(j int) (float64, float64, bool) {
		if j >= len(ys) || math.IsNaN(ys[j]) {
			return 0, 0, false
		}
		if logY && !logShowable(ys[j]) {
			dropped++
			return 0, 0, false
		}
		return ser.T[j], ys[j], true
	})
	return rs, dropped
}

// stateLevel maps breaker states to the y of the state timeline.
func stateLevel(s string) (float64, bool) {
	switch s {
	case "closed":
		return 0, true
	case "half-open":
		return 1, true
	case "open":
		return 2, true
	}
	return 0, false
}

// stateChart draws breaker state timelines as step lines, each
// implementation offset a little so that they do not hide each other.
func stateChart(cw *chartWriter, g *group, name, title string) (chart, error) {
	impls, _ := g.floorSplit()
	fs := facets(impls)
	var panels []*panel
	lines := 0
	for f, impls := range fs {
		pn := newPanel(facetTitle(title, f, len(fs)), "time since measurement window opened (s)", "breaker state")
		p := pn.p
		p.Y.Tick.Marker = plot.ConstantTicks{{Value: 0, Label: "closed"}, {Value: 1, Label: "half-open"}, {Value: 2, Label: "open"}}
		n := len(impls)
		for i, impl := range impls {
			t, ok := firstRep(g.trials[impl])
			if !ok || len(t.Series.State) == 0 {
				continue
			}
			off := 0.25 * (float64(i) - float64(n-1)/2) / math.Max(1, float64(n))
			var pts plotter.XYs
			for j, s := range t.Series.State {
				y, ok := stateLevel(s)
				if !ok || j >= len(t.Series.T) {
					continue
				}
				pts = append(pts, plotter.XY{X: t.Series.T[j], Y: y + off})
			}
			if len(pts) == 0 {
				continue
			}
			l, err := plotter.NewLine(pts)
			if err != nil {
				return chart{}, fmt.Errorf("report: %s: %w", title, err)
			}
			l.StepStyle = plotter.PostStep
			l.LineStyle = seriesStyle(i)
			p.Add(l)
			p.Legend.Add(legendName(impl), l)
			lines++
		}
		panels = append(panels, pn)
	}
	if lines == 0 {
		return chart{}, nil
	}
	shareAxes(panels)
	for _, pn := range panels {
		pn.p.Y.Min, pn.p.Y.Max = -0.4, 2.6
	}
	return cw.saveFigure(panels, chartH, name, title, title+": breaker state of repetition 1 per implementation (closed 0, half-open 1, open 2; lines offset slightly to stay visible)."+facetNote(impls), false)
}

// numericParams returns the parameter keys of a section whose values are
// numbers in every group that has them.
func numericParams(s *section) []string {
	var keys []string
	bad := map[string]bool{}
	for _, g := range s.Groups {
		for _, p := range g.Params {
			// "inf" and "NaN" parse, but are labels here, not positions.
			if v, err := strconv.ParseFloat(p.Value, 64); err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				bad[p.Key] = true
			}
			if !slices.Contains(keys, p.Key) {
				keys = append(keys, p.Key)
			}
		}
	}
	return slices.DeleteFunc(keys, func(k string) bool { return bad[k] })
}

// scalingCharts plots unit against each numeric parameter that takes
// several values with everything else fixed: one line per implementation.
func scalingCharts(cw *chartWriter, s *section, unit string, limit int) ([]chart, error) {
	var out []chart
	for _, key := range numericParams(s) {
		// Bucket groups by everything but key.
		type bucket struct {
			rest   string
			groups []*group
			xs     map[float64]bool
		}
		var buckets []*bucket
		for _, g := range s.Groups {
			var x float64
			has := false
			var rest []string
			if g.Scenario != "" {
				rest = append(rest, "scenario="+g.Scenario)
			}
			for _, p := range g.Params {
				if p.Key == key {
					x, _ = strconv.ParseFloat(p.Value, 64)
					has = true
					continue
				}
				rest = append(rest, p.Key+"="+p.Value)
			}
			if !has || g.table(unit) == nil {
				continue
			}
			i := slices.IndexFunc(buckets, func(b *bucket) bool { return b.rest == strings.Join(rest, "/") })
			if i < 0 {
				buckets = append(buckets, &bucket{rest: strings.Join(rest, "/"), xs: map[float64]bool{}})
				i = len(buckets) - 1
			}
			buckets[i].groups = append(buckets[i].groups, g)
			buckets[i].xs[x] = true
		}
		for _, b := range buckets {
			if len(b.xs) < 2 || len(out) >= limit {
				continue
			}
			title := fmt.Sprintf("%s vs %s (%s)", unit, key, b.rest)
			c, err := scalingChart(cw, b.groups, key, unit, title)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// scalingPoints are the medians of a scaling chart: per implementation
// (in order of appearance), its points (x, median), with the x ticks and
// the number of points a log axis could not show.
type scalingPoints struct {
	impls   []string
	pts     map[string]plotter.XYs
	floors  map[string]bool
	xticks  plot.ConstantTicks
	dropped int
}

// collectScaling reads unit's medians in groups at each value of key.
func collectScaling(groups []*group, key, unit string, logY bool) scalingPoints {
	sp := scalingPoints{pts: map[string]plotter.XYs{}, floors: map[string]bool{}}
	for _, g := range groups {
		var x float64
		var label string
		for _, pr := range g.Params {
			if pr.Key == key {
				x, _ = strconv.ParseFloat(pr.Value, 64)
				label = pr.Value
			}
		}
		shown := false
		for _, r := range g.table(unit).Rows {
			if !logShowable(x) || (logY && !logShowable(r.Summary.Center)) {
				sp.dropped++
				continue
			}
			if !slices.Contains(sp.impls, r.Impl) {
				sp.impls = append(sp.impls, r.Impl)
			}
			sp.floors[r.Impl] = sp.floors[r.Impl] || r.Floor
			sp.pts[r.Impl] = append(sp.pts[r.Impl], plotter.XY{X: x, Y: r.Summary.Center})
			shown = true
		}
		if shown {
			sp.xticks = append(sp.xticks, plot.Tick{Value: x, Label: label})
		}
	}
	return sp
}

func scalingChart(cw *chartWriter, groups []*group, key, unit, title string) (chart, error) {
	yl := unit + " (median)"
	logY := isTimeUnit(unit)
	if logY {
		yl += " (log scale)"
	}
	sp := collectScaling(groups, key, unit, logY)
	impls, pts, floors, xticks := sp.impls, sp.pts, sp.floors, sp.xticks
	note := droppedNote(sp.dropped)
	if len(impls) == 0 {
		return chart{Title: title, Skip: "no value > 0 to show on its log scale"}, nil
	}
	fs := facets(impls)
	var panels []*panel
	for f, impls := range fs {
		pn := newPanel(facetTitle(title, f, len(fs)), key+" (log scale)", yl)
		p := pn.p
		p.X.Scale = plot.LogScale{}
		if logY {
			p.Y.Scale = plot.LogScale{}
			p.Y.Tick.Marker = plot.TickerFunc(durationTicks)
		} else {
			p.Y.Tick.Marker = valueTicks(unit)
		}
		for i, impl := range impls {
			xy := pts[impl]
			sort.Slice(xy, func(a, b int) bool { return xy[a].X < xy[b].X })
			l, sc, err := plotter.NewLinePoints(xy)
			if err != nil {
				return chart{}, fmt.Errorf("report: %s: %w", title, err)
			}
			l.LineStyle = seriesStyle(i)
			sc.Color, sc.Shape, sc.Radius = implColor(i), plotutil.Shape(i), vg.Points(3)
			name := legendName(impl)
			if floors[impl] { // the floor's row: the reference line it is on the spectrum
				l.LineStyle, sc.Color, sc.Shape = floorStyle, floorStyle.Color, draw.CrossGlyph{}
				name = "harness floor"
			}
			p.Add(l, sc)
			p.Legend.Add(name, l, sc)
		}
		p.X.Tick.Marker = xticks
		panels = append(panels, pn)
	}
	shareAxes(panels)
	for _, pn := range panels {
		p := pn.p
		logRange(&p.X, 0)
		if logY {
			logRange(&p.Y, 0)
			niceLogRange(&p.Y)
		} else {
			p.Y.Min = math.Min(p.Y.Min, 0)
			headroom(&p.Y, 1.05)
		}
	}
	return cw.saveFigure(panels, chartH, "scaling-"+title, title+note, title+": median per implementation at each value of "+key+"."+note+facetNote(impls), false)
}
