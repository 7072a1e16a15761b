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
	"github.com/concbench/concbench/record"

	"github.com/HdrHistogram/hdrhistogram-go"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Chart size: 800x450 pixels at the PNG canvas' 96 dpi. A chart of
// several panels is panelH taller per panel after the first.
const (
	chartW = 800 * vg.Inch / 96
	chartH = 450 * vg.Inch / 96
	panelH = 400 * vg.Inch / 96
)

// Text sizes, in points (4/3 px each on the 96 dpi canvas). The page
// shows a chart at its 800 px or a little less, so the smallest, 11 pt,
// stays above 12 px down to a 660 px-wide view.
const (
	titleSize = 14
	labelSize = 12
	tickSize  = 11
)

// maxBarCharts caps the go test bar charts of one section.
const maxBarCharts = 12

// maxSeries is the most implementations one panel of a line chart shows:
// more lines than that cannot be told apart by colour. A chart of more is
// split into panels stacked in one figure, sharing their axes, each with
// the baseline (the first implementation) and up to maxSeries-1 others.
// It leaves room in the palette for a reference series (refStyle).
const maxSeries = 8

// maxBars is the most bars a go test chart draws; a group of more rows
// is left to its table, where 40 names can still be read.
const maxBars = 16

// chartWriter saves plots as PNGs in one directory, atomically, with
// names unique within the report, and renders the interactive views.
type chartWriter struct {
	dir      string
	n        int
	scripted bool // the interactive views' script is on the page
}

// panel is one plot of a figure and, for its interactive view, the lines
// it draws and its legend.
type panel struct {
	p     *plot.Plot
	lines []svgLine
	keys  []svgKey
	xFmt  string // how the interactive view formats an x value: "pct", "s", "n"
	yFmt  string // and a y value: "ns", "n"
}

// svgLine is a connected run of points of one series; a run of one point
// is drawn as a mark.
type svgLine struct {
	key   int // the legend entry that shows and hides it
	name  string
	pts   plotter.XYs
	style draw.LineStyle
	marks []svgMark // points marked with a glyph and a hover text
}

type svgMark struct {
	x, y float64
	tip  string
}

// svgKey is a legend entry; a toggle entry shows and hides its lines.
type svgKey struct {
	name   string
	style  draw.LineStyle
	glyph  int // shape of its marks, -1 for none
	toggle bool
}

func newPanel(title, xLabel, yLabel string) *panel {
	return &panel{p: newPlot(title, xLabel, yLabel), xFmt: "n", yFmt: "n"}
}

// line adds a series' points to the panel under legend entry key (added
// with keyFor): a line per run of points, a mark for a run of one point.
// Runs are split where a point is missing (a NaN, or a point dropped from
// a log axis), so that no line bridges a gap in the data.
func (pn *panel) line(key int, name string, runs []plotter.XYs, style draw.LineStyle, shape int) error {
	for _, pts := range runs {
		if len(pts) == 0 {
			continue
		}
		if len(pts) > 1 {
			l, err := plotter.NewLine(pts)
			if err != nil {
				return err
			}
			l.LineStyle = style
			pn.p.Add(l)
		}
		sl := svgLine{key: key, name: name, pts: pts, style: style}
		if len(pts) == 1 {
			sc, err := plotter.NewScatter(pts)
			if err != nil {
				return err
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: style.Color, Radius: vg.Points(3), Shape: plotutil.Shape(max(shape, 0))}
			pn.p.Add(sc)
			sl.marks = []svgMark{{x: pts[0].X, y: pts[0].Y, tip: name}}
		}
		pn.lines = append(pn.lines, sl)
	}
	return nil
}

// keyFor adds a legend entry, drawn with style and, if shape ≥ 0, a
// glyph, and returns its index.
func (pn *panel) keyFor(name string, style draw.LineStyle, shape int, toggle bool) int {
	var thumbs []plot.Thumbnailer
	if style.Width > 0 {
		thumbs = append(thumbs, &plotter.Line{LineStyle: style})
	}
	if shape >= 0 {
		thumbs = append(thumbs, &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: style.Color, Radius: vg.Points(3), Shape: plotutil.Shape(shape)}})
	}
	pn.p.Legend.Add(legendName(name), thumbs...)
	pn.keys = append(pn.keys, svgKey{name: name, style: style, glyph: shape, toggle: toggle})
	return len(pn.keys) - 1
}

// legendName shortens a long name for the PNG's legend, whose width
// comes out of the data area; the interactive view shows it whole.
func legendName(s string) string {
	const maxRunes = 30
	if r := []rune(s); len(r) > maxRunes {
		return string(r[:maxRunes-1]) + "…"
	}
	return s
}

// runs splits points at the indexes where keep is false.
func runs(n int, xy func(i int) (float64, float64, bool)) []plotter.XYs {
	var out []plotter.XYs
	var cur plotter.XYs
	for i := range n {
		x, y, ok := xy(i)
		if !ok {
			if len(cur) > 0 {
				out = append(out, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, plotter.XY{X: x, Y: y})
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// facets splits impls into the implementations of each panel: all of
// them if they are at most maxSeries, else the first (the baseline) and
// an even share of the others in each panel.
func facets(impls []string) [][]string {
	if len(impls) <= maxSeries {
		return [][]string{impls}
	}
	rest := impls[1:]
	k := (len(rest) + maxSeries - 2) / (maxSeries - 1)
	var out [][]string
	for i := range k {
		lo, hi := i*len(rest)/k, (i+1)*len(rest)/k
		out = append(out, append([]string{impls[0]}, rest[lo:hi]...))
	}
	return out
}

// facetTitle is the title of panel i of n.
func facetTitle(title string, i, n int) string {
	if n == 1 {
		return title
	}
	return fmt.Sprintf("%s (panel %d of %d)", title, i+1, n)
}

// facetNote is what the caption says of a chart split into panels.
func facetNote(impls []string) string {
	if len(impls) <= maxSeries {
		return ""
	}
	return fmt.Sprintf(" %d implementations, in panels of at most %d with the baseline %s in each; the panels share their axes.", len(impls), maxSeries, impls[0])
}

// shareAxes gives every panel the union of their axis ranges, so that
// panels read as one chart.
func shareAxes(panels []*panel) {
	if len(panels) < 2 {
		return
	}
	x, y := panels[0].p.X, panels[0].p.Y
	for _, pn := range panels[1:] {
		x.Min, x.Max = math.Min(x.Min, pn.p.X.Min), math.Max(x.Max, pn.p.X.Max)
		y.Min, y.Max = math.Min(y.Min, pn.p.Y.Min), math.Max(y.Max, pn.p.Y.Max)
	}
	for _, pn := range panels {
		pn.p.X.Min, pn.p.X.Max = x.Min, x.Max
		pn.p.Y.Min, pn.p.Y.Max = y.Min, y.Max
	}
}

func (cw *chartWriter) save(p *plot.Plot, name, title, alt string) (chart, error) {
	return cw.saveFigure([]*panel{{p: p}}, chartH, name, title, alt, false)
}

// saveFigure writes panels stacked in one PNG, the first h tall and the
// others panelH, and, if interactive, renders them as inline SVG too.
func (cw *chartWriter) saveFigure(panels []*panel, h vg.Length, name, title, alt string, interactive bool) (chart, error) {
	for _, pn := range panels {
		if !drawable(&pn.p.X) || !drawable(&pn.p.Y) {
			return chart{Title: title, Skip: "its values are too far apart to draw (the axis would span more than a float64 holds)"}, nil
		}
	}
	cw.n++
	file := fmt.Sprintf("%03d-%s.png", cw.n, slug(name))
	heights := make([]vg.Length, len(panels))
	total := vg.Length(0)
	for i := range panels {
		heights[i] = panelH
		if i == 0 {
			heights[i] = h
		}
		total += heights[i]
	}
	img := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(chartW, total), vgimg.UseDPI(96))}
	dc := draw.New(img)
	// One legend width for every panel, so that their data areas align.
	legW := vg.Length(0)
	for _, pn := range panels {
		r := pn.p.Legend.Rectangle(dc)
		legW = max(legW, r.Max.X-r.Min.X)
	}
	top := total
	for i, pn := range panels {
		c := dc
		c.Min.Y, c.Max.Y = top-heights[i], top
		top -= heights[i]
		drawPanel(c, pn.p, legW)
	}
	var buf bytes.Buffer
	if _, err := img.WriteTo(&buf); err != nil {
		return chart{}, fmt.Errorf("report: chart %s: %w", file, err)
	}
	if err := atomicfile.Write(filepath.Join(cw.dir, file), buf.Bytes()); err != nil {
		return chart{}, err
	}
	c := chart{File: file, Title: title, Alt: alt}
	if interactive {
		c.SVG = cw.svgFigure(panels, title, alt)
	}
	return c, nil
}

// legendGap separates the data area from a legend at its right.
const legendGap = 8 * vg.Inch / 96

// drawPanel draws p into c with its title centred on the whole width
// (shrunk to fit, down to tickSize) and its legend, if any, to the right
// of the data area, in a strip legW wide, where it cannot cover a line.
func drawPanel(c draw.Canvas, p *plot.Plot, legW vg.Length) {
	c = draw.Crop(c, legendGap/2, 0, 0, 0) // gonum's tick labels may touch the left edge
	if title := p.Title.Text; title != "" {
		sty := p.Title.TextStyle
		for sty.Width(title) > c.Size().X-legendGap && sty.Font.Size > vg.Points(tickSize) {
			sty.Font.Size -= vg.Points(0.5)
		}
		c.FillText(sty, vg.Point{X: c.Center().X, Y: c.Max.Y + sty.FontExtents().Descent}, title)
		c.Max.Y -= sty.Rectangle(title).Size().Y + p.Title.Padding
		p.Title.Text = ""
		defer func() { p.Title.Text = title }()
	}
	leg := p.Legend
	if legW <= 0 {
		p.Draw(c)
		return
	}
	p.Legend = plot.NewLegend() // nothing to draw in the data area
	defer func() { p.Legend = leg }()
	pc := c
	pc.Max.X -= legW + 2*legendGap
	p.Draw(pc)
	lc := c
	lc.Min.X = pc.Max.X + legendGap
	leg.Top, leg.Left = true, true
	leg.Draw(lc)
}

// niceLogRange widens a log axis to the next whole multiple of a power of
// ten beyond its highest and lowest value (140ms → 200ms, 47ms → 40ms),
// so that the data stays inside the ticks, where that stays finite and
// above 0.
func niceLogRange(a *plot.Axis) {
	if !(a.Min > 0) || math.IsInf(a.Max, 0) {
		return
	}
	e := math.Pow(10, math.Floor(math.Log10(a.Min)))
	if lo := math.Floor(a.Min/e) * e; lo > 0 && lo <= a.Min {
		a.Min = lo
	}
	e = math.Pow(10, math.Floor(math.Log10(a.Max)))
	if hi := math.Ceil(a.Max/e) * e; !math.IsInf(hi, 0) && hi >= a.Max {
		a.Max = hi
	}
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

// sansFont is the face of every chart's text: gonum's default is a serif.
func sansFont(size vg.Length) font.Font {
	return font.From(font.Font{Typeface: "Liberation", Variant: "Sans"}, size)
}

func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = sansFont(titleSize)
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.X.Label.TextStyle.Font = sansFont(labelSize)
	p.Y.Label.TextStyle.Font = sansFont(labelSize)
	p.X.Tick.Label.Font = sansFont(tickSize)
	p.Y.Tick.Label.Font = sansFont(tickSize)
	p.Legend.TextStyle.Font = sansFont(tickSize)
	p.Legend.Padding = vg.Points(2)
	p.Legend.ThumbnailWidth = vg.Points(24)
	p.Add(plotter.NewGrid())
	return p
}

// implColor returns the colour of the i-th series of a panel: the
// Okabe–Ito palette, which readers with the common colour-vision
// deficiencies can tell apart, its yellow (unreadable on white) swapped
// for a dark brown. Grey is left out: it is refStyle's.
func implColor(i int) color.Color {
	p := [maxSeries]uint32{0x0072b2, 0xe69f00, 0x009e73, 0xd55e00, 0xcc79a7, 0x56b4e9, 0x000000, 0x8c5a1e}
	c := p[i%len(p)]
	return color.RGBA{R: uint8(c >> 16), G: uint8(c >> 8), B: uint8(c), A: 255}
}

// seriesStyle is the line of the i-th series of a panel: its colour and,
// so that lines that cross or overlap can still be told apart, a dash
// pattern of its own.
func seriesStyle(i int) draw.LineStyle {
	dashes := [][]vg.Length{
		nil,
		{vg.Points(7), vg.Points(3)},
		{vg.Points(2), vg.Points(2)},
		{vg.Points(7), vg.Points(2), vg.Points(2), vg.Points(2)},
		{vg.Points(12), vg.Points(3)},
		{vg.Points(4), vg.Points(4)},
		{vg.Points(10), vg.Points(2), vg.Points(2), vg.Points(2), vg.Points(2), vg.Points(2)},
		{vg.Points(1), vg.Points(3)},
	}
	return draw.LineStyle{Color: implColor(i), Width: vg.Points(1.75), Dashes: dashes[i%len(dashes)]}
}

// refStyle is the line of a reference series that is no implementation
// (a floor, a target): grey and dashed, a colour no series has.
func refStyle() draw.LineStyle {
	return draw.LineStyle{Color: color.Gray{Y: 110}, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(6), vg.Points(4)}}
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

// ciBars is a bar per row with its CI as error bars, along y, or along x
// for horizontal bars.
type ciBars struct {
	rows       []*statRow
	horizontal bool
}

func (c ciBars) Len() int { return len(c.rows) }
func (c ciBars) XY(i int) (float64, float64) {
	if c.horizontal {
		return c.rows[i].Summary.Center, float64(i)
	}
	return float64(i), c.rows[i].Summary.Center
}
func (c ciBars) err(i int) (float64, float64) {
	s := c.rows[i].Summary
	if math.IsInf(s.Lo, 0) || math.IsInf(s.Hi, 0) {
		return 0, 0
	}
	return s.Center - s.Lo, s.Hi - s.Center
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
		if math.IsInf(r.Summary.Lo, 0) {
			note = " Error bars are missing where there are too few samples for a 95% interval."
			break
		}
	}
	c, err := cw.saveFigure([]*panel{{p: p}}, h, name, title, fmt.Sprintf("%s: median %s per implementation with 95%% confidence intervals.%s", title, t.Unit, note), false)
	c.Unit = t.Unit
	return c, err
}

// barPlot is barChart's plot, and its height.
func barPlot(t *statTable, title string) (*plot.Plot, vg.Length, error) {
	vl := t.Unit + " (median, 95% CI)"
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
	vals := make(plotter.Values, len(rows))
	var scaled []*statRow
	for i, r := range rows {
		vals[i] = r.Summary.Center / scale
		s := r.Summary
		s.Center, s.Lo, s.Hi = s.Center/scale, s.Lo/scale, s.Hi/scale
		scaled = append(scaled, &statRow{Summary: s})
	}
	h := chartH
	width := vg.Points(math.Min(40, 400/float64(len(vals))))
	if horiz {
		h = max(chartH, vg.Length(len(rows))*vg.Points(20)+vg.Points(110))
		width = vg.Points(13)
	}
	bars, err := plotter.NewBarChart(vals, width)
	if err != nil {
		return nil, 0, fmt.Errorf("report: %s: %w", title, err)
	}
	bars.Horizontal = horiz
	bars.Color = implColor(0)
	bars.LineStyle.Width = 0
	p.Add(bars)
	finite := slices.ContainsFunc(t.Rows, func(r *statRow) bool { return !math.IsInf(r.Summary.Lo, 0) && !math.IsInf(r.Summary.Hi, 0) })
	if finite {
		var eb plot.Plotter
		if horiz {
			eb, err = plotter.NewXErrorBars(ciBars{scaled, true})
		} else {
			eb, err = plotter.NewYErrorBars(ciBars{scaled, false})
		}
		if err != nil {
			return nil, 0, fmt.Errorf("report: %s: %w", title, err)
		}
		p.Add(eb)
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
	for _, r := range scaled {
		if !math.IsInf(r.Summary.Hi, 0) {
			v.Max = math.Max(v.Max, r.Summary.Hi)
		}
		if !math.IsInf(r.Summary.Lo, 0) {
			v.Min = math.Min(v.Min, r.Summary.Lo)
		}
	}
	headroom(v, 1.08)
	if !isTimeUnit(t.Unit) {
		v.Tick.Marker = valueTicks(t.Unit)
	}
	return p, h, nil
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

// durationTicks labels a log axis in nanoseconds with durations: powers
// of ten, and 2 and 5 times them where the range is narrow, and every
// multiple 1–9 where that still leaves fewer than two labels in range.
func durationTicks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	if lo <= 0 {
		lo = 1
	}
	narrow := hi/lo < 100 // label 2 and 5 too, or there may be one label
	mults := []float64{2, 5}
	if narrow {
		n := 0
		for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
			for _, m := range []float64{1, 2, 5} {
				if v := m * math.Pow(10, e); v >= lo && v <= hi {
					n++
				}
			}
		}
		if n < 2 {
			mults = []float64{2, 3, 4, 5, 6, 7, 8, 9}
		}
	}
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		v := math.Pow(10, e)
		if v == 0 {
			// Below the smallest float64: gonum normalizes every tick,
			// and LogScale panics on 0.
			continue
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: shortNs(v)})
		for _, m := range mults {
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
		floorAlt = " The grey dash-dot line is the harness floor: the no-op target under the same schedule, in the same run."
	} else {
		floor = nil
	}
	var panels []*panel
	lines := 0
	for f, impls := range fs {
		pn := newPanel(facetTitle(title, f, len(fs)), "percentile (x = 1/(1-q), log scale)", "latency (log scale)")
		pn.xFmt, pn.yFmt = "pct", "ns"
		p := pn.p
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.TickerFunc(spectrumTicks)
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.TickerFunc(durationTicks)
		for i, impl := range impls {
			var lat, svc []*record.Hist
			for _, t := range g.trials[impl] {
				if usable(t) {
					lat = append(lat, t.Latency)
					svc = append(svc, t.Service)
				}
			}
			col := seriesStyle(i).Color
			key := -1
			if h := record.Merge(lat...); h != nil && h.TotalCount() > 0 {
				style := draw.LineStyle{Color: col, Width: vg.Points(2)}
				key = pn.keyFor(impl, style, i, true)
				if err := pn.line(key, impl+" corrected", []plotter.XYs{spectrum(h)}, style, i); err != nil {
					return chart{}, fmt.Errorf("report: %s: %w", title, err)
				}
				var marks plotter.XYs
				for _, m := range spectrumMarks() {
					v := math.Max(float64(h.ValueAtQuantile(100*(1-1/m.x))), 1)
					marks = append(marks, plotter.XY{X: m.x, Y: v})
					pn.lines[len(pn.lines)-1].marks = append(pn.lines[len(pn.lines)-1].marks,
						svgMark{x: m.x, y: v, tip: impl + " " + m.name + ": " + shortNs(v)})
				}
				sc, err := plotter.NewScatter(marks)
				if err != nil {
					return chart{}, fmt.Errorf("report: %s: %w", title, err)
				}
				sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(3), Shape: plotutil.Shape(i)}
				p.Add(sc)
				lines++
			}
			if h := record.Merge(svc...); h != nil && h.TotalCount() > 0 {
				style := draw.LineStyle{Color: col, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(3), vg.Points(3)}}
				if key < 0 {
					key = pn.keyFor(impl, style, -1, true)
				}
				if err := pn.line(key, impl+" service time", []plotter.XYs{spectrum(h)}, style, -1); err != nil {
					return chart{}, fmt.Errorf("report: %s: %w", title, err)
				}
				lines++
			}
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
			ys := pick(t.Series)
			rs := runs(len(t.Series.T), func(j int) (float64, float64, bool) {
				if j >= len(ys) || math.IsNaN(ys[j]) {
					return 0, 0, false
				}
				if logY && !logShowable(ys[j]) {
					if f == 0 || i > 0 { // the baseline is in every panel: count it once
						dropped++
					}
					return 0, 0, false
				}
				return t.Series.T[j], ys[j], true
			})
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

func scalingChart(cw *chartWriter, groups []*group, key, unit, title string) (chart, error) {
	yl := unit + " (median)"
	logY := isTimeUnit(unit)
	if logY {
		yl += " (log scale)"
	}
	var xticks plot.ConstantTicks
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
			if impl == floorLabel { // the floor's row: the reference line it is on the spectrum
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
