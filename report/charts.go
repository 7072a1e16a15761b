package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/concbench/concbench/internal/atomicfile"
	"github.com/concbench/concbench/internal/sidecar"

	"github.com/HdrHistogram/hdrhistogram-go"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Chart size: 800x450 pixels at the PNG canvas' 96 dpi.
const (
	chartW = 800 * vg.Inch / 96
	chartH = 450 * vg.Inch / 96
)

// maxBarCharts caps the go test bar charts of one section.
const maxBarCharts = 12

// chartWriter saves plots as PNGs in one directory, atomically, with
// names unique within the report.
type chartWriter struct {
	dir string
	n   int
}

func (cw *chartWriter) save(p *plot.Plot, name, title, alt string) (chart, error) {
	if !drawable(&p.X) || !drawable(&p.Y) {
		return chart{Title: title, Skip: "its values are too far apart to draw (the axis would span more than a float64 holds)"}, nil
	}
	cw.n++
	file := fmt.Sprintf("%03d-%s.png", cw.n, slug(name))
	wt, err := p.WriterTo(chartW, chartH, "png")
	if err != nil {
		return chart{}, fmt.Errorf("report: chart %s: %w", file, err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return chart{}, fmt.Errorf("report: chart %s: %w", file, err)
	}
	if err := atomicfile.Write(filepath.Join(cw.dir, file), buf.Bytes()); err != nil {
		return chart{}, err
	}
	return chart{File: file, Title: title, Alt: alt}, nil
}

// drawable says whether gonum can draw an axis: its range finite and
// of finite span. gonum places a value at (v-min)/(max-min) of the axis;
// an infinite span, from values near ±MaxFloat64 or headroom added to
// them, makes that NaN, and the rasterizer then never finishes. (Every
// chart's axes hold all its data, so a finite span keeps every position
// finite.)
func drawable(a *plot.Axis) bool {
	return !math.IsInf(a.Min, 0) && !math.IsInf(a.Max, 0) && !math.IsInf(a.Max-a.Min, 0) &&
		!math.IsNaN(a.Min) && !math.IsNaN(a.Max)
}

// headroom multiplies the max of a linear axis by f, where that stays
// finite.
func headroom(a *plot.Axis, f float64) {
	if m := a.Max * f; !math.IsInf(m, 0) {
		a.Max = m
	}
}

func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.X.Label.TextStyle.Font.Size = vg.Points(11)
	p.Y.Label.TextStyle.Font.Size = vg.Points(11)
	p.X.Tick.Label.Font.Size = vg.Points(10)
	p.Y.Tick.Label.Font.Size = vg.Points(10)
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	return p
}

// implColor returns the colour of the i-th implementation: the Tableau
// 10 palette, distinct enough for the usual nine or ten implementations.
func implColor(i int) color.Color {
	p := [...]uint32{0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f, 0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0xbab0ac, 0x1f77b4, 0x8c564b}
	c := p[i%len(p)]
	return color.RGBA{R: uint8(c >> 16), G: uint8(c >> 8), B: uint8(c), A: 255}
}

// valueTicks are the default ticks labelled with formatValue.
func valueTicks(unit string) plot.Ticker {
	return plot.TickerFunc(func(lo, hi float64) []plot.Tick {
		ts := plot.DefaultTicks{}.Ticks(lo, hi)
		for i := range ts {
			if ts[i].Label != "" {
				ts[i].Label = trimZeros(formatValue(unit, ts[i].Value))
			}
		}
		return ts
	})
}

// ciBars is a bar per row with its CI as error bars.
type ciBars struct{ rows []*statRow }

func (c ciBars) Len() int                    { return len(c.rows) }
func (c ciBars) XY(i int) (float64, float64) { return float64(i), c.rows[i].Summary.Center }
func (c ciBars) YError(i int) (float64, float64) {
	s := c.rows[i].Summary
	if math.IsInf(s.Lo, 0) || math.IsInf(s.Hi, 0) {
		return 0, 0
	}
	return s.Center - s.Lo, s.Hi - s.Center
}

// barChart draws a statTable as bars of the median with CI error bars.
func barChart(cw *chartWriter, t *statTable, name, title string) (chart, error) {
	if t == nil || len(t.Rows) == 0 {
		return chart{Title: title, Skip: "no data for this chart"}, nil
	}
	yl := t.Unit + " (median, 95% CI)"
	scale := 1.0
	if isTimeUnit(t.Unit) {
		scale, yl = timeScale(t.Rows), yl+" in "+timeScaleName(timeScale(t.Rows))
	}
	p := newPlot(title, "", yl)
	vals := make(plotter.Values, len(t.Rows))
	var names []string
	scaled := &statTable{Unit: t.Unit}
	for i, r := range t.Rows {
		vals[i] = r.Summary.Center / scale
		names = append(names, r.Impl)
		s := r.Summary
		s.Center, s.Lo, s.Hi = s.Center/scale, s.Lo/scale, s.Hi/scale
		scaled.Rows = append(scaled.Rows, &statRow{Summary: s})
	}
	bars, err := plotter.NewBarChart(vals, vg.Points(math.Min(40, 400/float64(len(vals)))))
	if err != nil {
		return chart{}, fmt.Errorf("report: %s: %w", title, err)
	}
	bars.Color = implColor(0)
	bars.LineStyle.Width = 0
	eb, err := plotter.NewYErrorBars(ciBars{scaled.Rows})
	if err != nil {
		return chart{}, fmt.Errorf("report: %s: %w", title, err)
	}
	p.Add(bars)
	finite := slices.ContainsFunc(t.Rows, func(r *statRow) bool { return !math.IsInf(r.Summary.Lo, 0) && !math.IsInf(r.Summary.Hi, 0) })
	if finite {
		p.Add(eb)
	}
	p.NominalX(names...)
	p.Y.Min = math.Min(p.Y.Min, 0) // bars start at 0; a negative one shows below it
	for _, r := range scaled.Rows {
		if !math.IsInf(r.Summary.Hi, 0) {
			p.Y.Max = math.Max(p.Y.Max, r.Summary.Hi)
		}
	}
	headroom(&p.Y, 1.08)
	if !isTimeUnit(t.Unit) {
		p.Y.Tick.Marker = valueTicks(t.Unit)
	}
	note := ""
	for _, r := range t.Rows {
		if math.IsInf(r.Summary.Lo, 0) {
			note = " Error bars are missing where there are too few samples for a 95% interval."
			break
		}
	}
	return cw.save(p, name, title, fmt.Sprintf("%s: median %s per implementation with 95%% confidence intervals.%s", title, t.Unit, note))
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

// durationTicks labels a log axis in nanoseconds with durations.
func durationTicks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	if lo <= 0 {
		lo = 1
	}
	narrow := hi/lo < 100 // label 2 and 5 too, or there may be one label
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		v := math.Pow(10, e)
		if v == 0 {
			// Below the smallest float64: gonum normalizes every tick,
			// and LogScale panics on 0.
			continue
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: shortNs(v)})
		for _, m := range []float64{2, 5} {
			t := plot.Tick{Value: m * v}
			if narrow {
				t.Label = shortNs(m * v)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

func shortNs(v float64) string {
	switch {
	case v >= 1e9:
		return strconv.FormatFloat(v/1e9, 'g', 3, 64) + "s"
	case v >= 1e6:
		return strconv.FormatFloat(v/1e6, 'g', 3, 64) + "ms"
	case v >= 1e3:
		return strconv.FormatFloat(v/1e3, 'g', 3, 64) + "µs"
	}
	return strconv.FormatFloat(v, 'g', 3, 64) + "ns"
}

// Log axes. gonum's LogScale panics on a value ≤ 0 on its axis. Every
// log-scaled chart here therefore drops the points it cannot show (a
// value ≤ 0, and anything not finite) and says how many in its caption
// (droppedNote), rather than falling back to a linear axis: a log scale
// shows ratios, which a zero has none of, and a chart whose scale
// changed with one odd value could not be compared with the same chart
// of another run. The spectrum chart has nothing to drop: its x is
// 1/(1-q) ≥ 1 and its latencies are clamped to the histograms' lowest
// discernible value, 1 ns.

// logShowable says whether v can be placed on a log axis.
func logShowable(v float64) bool { return v > 0 && !math.IsInf(v, 1) }

// droppedNote is the caption's note on n points a log axis cannot show.
func droppedNote(n int) string {
	if n == 0 {
		return ""
	}
	pts := "points"
	if n == 1 {
		pts = "point"
	}
	return fmt.Sprintf(" (%d %s ≤ 0 not shown on the log scale)", n, pts)
}

// logRange raises the max of a log axis with data by headroom times its
// span in log units (room for the legend), where that stays finite, and
// makes the range one that gonum can draw: gonum widens a one-value range
// [v, v] by ±1, to 0 or below for v ≤ 1, where LogScale panics; it is
// widened to [v/2, 2v] instead, or as near as float64 allows.
func logRange(a *plot.Axis, headroom float64) {
	if m := a.Max * math.Pow(a.Max/a.Min, headroom); !math.IsInf(m, 0) && !math.IsNaN(m) {
		a.Max = m
	}
	if a.Min == a.Max {
		lo, hi := a.Min/2, a.Max*2
		if lo == 0 { // v is the smallest float64
			lo, hi = a.Min, a.Max*4
		}
		if math.IsInf(hi, 0) { // v is near the largest
			lo, hi = a.Min/4, a.Max
		}
		a.Min, a.Max = lo, hi
	}
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
func usable(t sidecar.Trial) bool {
	return t.Status == sidecar.StatusOK || t.Status == sidecar.StatusLeaked || t.Status == sidecar.StatusPartial
}

// spectrumChart overlays, per implementation, the corrected latency
// (solid) and the service time (dashed), each merged exactly over the
// repetitions, and the harness floor's corrected latency (floorStyle)
// where the group has floor trials.
func spectrumChart(cw *chartWriter, g *group, name, title string) (chart, error) {
	p := newPlot(title, "percentile (x = 1/(1-q), log scale)", "latency (log scale)")
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.TickerFunc(spectrumTicks)
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.TickerFunc(durationTicks)
	lines := 0
	impls, _ := g.floorSplit()
	for i, impl := range impls {
		var lat, svc []*sidecar.Hist
		for _, t := range g.trials[impl] {
			if usable(t) {
				lat = append(lat, t.Latency)
				svc = append(svc, t.Service)
			}
		}
		col := implColor(i)
		if h := sidecar.Merge(lat...); h != nil && h.TotalCount() > 0 {
			l, err := plotter.NewLine(spectrum(h))
			if err != nil {
				return chart{}, fmt.Errorf("report: %s: %w", title, err)
			}
			l.Color, l.Width = col, vg.Points(1.5)
			p.Add(l)
			p.Legend.Add(impl, l)
			lines++
		}
		if h := sidecar.Merge(svc...); h != nil && h.TotalCount() > 0 {
			l, err := plotter.NewLine(spectrum(h))
			if err != nil {
				return chart{}, fmt.Errorf("report: %s: %w", title, err)
			}
			l.Color, l.Width = col, vg.Points(1)
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
			p.Add(l)
			lines++
		}
	}
	if lines == 0 {
		return chart{Title: title, Skip: "no latency histograms in the sidecar (missing sidecar, or no usable trial)"}, nil
	}
	floorAlt := ""
	if h := g.floorHist(); h != nil && h.TotalCount() > 0 {
		l, err := plotter.NewLine(spectrum(h))
		if err != nil {
			return chart{}, fmt.Errorf("report: %s: %w", title, err)
		}
		l.LineStyle = floorStyle
		p.Add(l)
		p.Legend.Add(floorLabel, l)
		floorAlt = " The grey dash-dot line is the harness floor: the no-op target under the same schedule, in the same run."
	}
	key := &plotter.Line{LineStyle: draw.LineStyle{Color: color.Gray{Y: 80}, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}}
	p.Legend.Add("dashed: service time (uncorrected)", key)
	// Room for the legend in the bottom right, under the curves.
	p.Legend.Top = false
	p.Y.Min = math.Max(1, p.Y.Min/math.Pow(p.Y.Max/p.Y.Min, 0.6))
	logRange(&p.Y, 0)
	return cw.save(p, name, title, title+": latency at each percentile, per implementation; solid = corrected latency from the intended start (the target's delays and the harness's wake error), dashed = uncorrected service time; histograms merged over all repetitions."+floorAlt)
}

// firstRep returns the trial with the lowest repetition number whose
// series has samples.
func firstRep(ts []sidecar.Trial) (sidecar.Trial, bool) {
	var best sidecar.Trial
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

// seriesChart plots one series of rep 1 per implementation over time.
func seriesChart(cw *chartWriter, g *group, name, title, yLabel string, pick func(sidecar.Series) []float64, logY bool) (chart, error) {
	p := newPlot(title, "time since measurement window opened (s)", yLabel)
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.TickerFunc(durationTicks)
	}
	lines, dropped := 0, 0
	for i, impl := range g.Impls {
		t, ok := firstRep(g.trials[impl])
		if !ok {
			continue
		}
		ys := pick(t.Series)
		var pts plotter.XYs
		for j, x := range t.Series.T {
			if j >= len(ys) || math.IsNaN(ys[j]) {
				continue
			}
			if logY && !logShowable(ys[j]) {
				dropped++
				continue
			}
			pts = append(pts, plotter.XY{X: x, Y: ys[j]})
		}
		if len(pts) == 0 {
			continue
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return chart{}, fmt.Errorf("report: %s: %w", title, err)
		}
		l.Color, l.Width = implColor(i), vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(impl, l)
		lines++
	}
	if lines == 0 {
		return chart{Title: title, Skip: "no time series in the sidecar for this chart"}, nil
	}
	if !logY {
		p.Y.Min = math.Min(p.Y.Min, 0)
		headroom(&p.Y, 1.25) // for the legend
		p.Y.Tick.Marker = valueTicks(yLabel)
	} else {
		logRange(&p.Y, 0.3)
	}
	note := droppedNote(dropped)
	return cw.save(p, name, title+note, title+": repetition 1 of each implementation, sampled every interval on the trial clock."+note)
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
	p := newPlot(title, "time since measurement window opened (s)", "breaker state")
	p.Y.Tick.Marker = plot.ConstantTicks{{Value: 0, Label: "closed"}, {Value: 1, Label: "half-open"}, {Value: 2, Label: "open"}}
	lines := 0
	n := len(g.Impls)
	for i, impl := range g.Impls {
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
		l.Color, l.Width = implColor(i), vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(impl, l)
		lines++
	}
	if lines == 0 {
		return chart{}, nil
	}
	p.Y.Min, p.Y.Max = -0.4, 2.6
	return cw.save(p, name, title, title+": breaker state of repetition 1 per implementation (closed 0, half-open 1, open 2; lines offset slightly to stay visible).")
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

func scalingChart(cw *chartWriter, groups []*group, key, unit, title string) (chart, error) {
	yl := unit + " (median)"
	p := newPlot(title, key+" (log scale)", yl)
	p.X.Scale = plot.LogScale{}
	var xticks plot.ConstantTicks
	logY := isTimeUnit(unit)
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.TickerFunc(durationTicks)
	} else {
		p.Y.Tick.Marker = valueTicks(unit)
	}
	var impls []string
	pts := map[string]plotter.XYs{}
	dropped := 0
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
				dropped++
				continue
			}
			if !slices.Contains(impls, r.Impl) {
				impls = append(impls, r.Impl)
			}
			pts[r.Impl] = append(pts[r.Impl], plotter.XY{X: x, Y: r.Summary.Center})
			shown = true
		}
		if shown {
			xticks = append(xticks, plot.Tick{Value: x, Label: label})
		}
	}
	note := droppedNote(dropped)
	if len(impls) == 0 {
		return chart{Title: title, Skip: "no value > 0 to show on its log scale"}, nil
	}
	for i, impl := range impls {
		xy := pts[impl]
		sort.Slice(xy, func(a, b int) bool { return xy[a].X < xy[b].X })
		l, sc, err := plotter.NewLinePoints(xy)
		if err != nil {
			return chart{}, fmt.Errorf("report: %s: %w", title, err)
		}
		l.Color, l.Width = implColor(i), vg.Points(1.5)
		sc.Color, sc.Shape = implColor(i), plotutil.Shape(i)
		p.Add(l, sc)
		p.Legend.Add(impl, l, sc)
	}
	p.X.Tick.Marker = xticks
	logRange(&p.X, 0)
	// Headroom for the legend.
	if logY {
		logRange(&p.Y, 0.6)
	} else {
		p.Y.Min = math.Min(p.Y.Min, 0)
		headroom(&p.Y, 1.4)
	}
	return cw.save(p, "scaling-"+title, title+note, title+": median per implementation at each value of "+key+"."+note)
}

// trimZeros drops trailing zeros of the number that starts s: "50.00k"
// becomes "50k", which reads better as a tick label.
func trimZeros(s string) string {
	end := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' && r != '-' })
	if end < 0 {
		end = len(s)
	}
	num := s[:end]
	if !strings.Contains(num, ".") {
		return s
	}
	return strings.TrimRight(strings.TrimRight(num, "0"), ".") + s[end:]
}
