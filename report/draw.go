package report

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"image/color"
	"math"
	"path/filepath"
	"strings"

	"github.com/concbench/concbench/internal/atomicfile"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
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

// maxSeries is the most implementations one panel of a line chart shows:
// more lines than that cannot be told apart by colour. A chart of more is
// split into panels stacked in one figure, sharing their axes, each with
// the baseline (the first implementation) and up to maxSeries-1 others.
// It leaves room in the palette for a reference series (refStyle).
const maxSeries = 8

// chartWriter saves plots as PNGs in one directory, atomically, with
// names unique within the report, and renders the interactive views.
type chartWriter struct {
	dir         string
	inline      bool // every chart into the page as SVG (Options.Inline)
	n           int
	interactive bool // an interactive view was drawn: the page needs its script
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
// others panelH, and renders them into the page as SVG: an interactive
// view if interactive, else, with cw.inline, a static one.
func (cw *chartWriter) saveFigure(panels []*panel, h vg.Length, name, title, alt string, interactive bool) (chart, error) {
	for _, pn := range panels {
		if !drawable(&pn.p.X) || !drawable(&pn.p.Y) {
			return chart{Title: title, Skip: "its values are too far apart to draw (the axis would span more than a float64 holds)"}, nil
		}
	}
	cw.n++
	file := fmt.Sprintf("%03d-%s.png", cw.n, slug(name))
	img := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(chartW, figureHeight(panels, h)), vgimg.UseDPI(96))}
	drawFigure(img, panels, h)
	var buf bytes.Buffer
	if _, err := img.WriteTo(&buf); err != nil {
		return chart{}, fmt.Errorf("report: chart %s: %w", file, err)
	}
	if err := atomicfile.Write(filepath.Join(cw.dir, file), buf.Bytes()); err != nil {
		return chart{}, err
	}
	c := chart{File: file, Title: title, Alt: alt}
	switch {
	case interactive:
		c.SVG = cw.svgFigure(panels, title, alt)
		cw.interactive = true
	case cw.inline:
		svg, err := staticSVG(panels, h, alt)
		if err != nil {
			return chart{}, fmt.Errorf("report: chart %s: %w", file, err)
		}
		c.SVG = svg
	}
	return c, nil
}

// figureHeight is the height of panels stacked, the first h tall and the
// others panelH.
func figureHeight(panels []*panel, h vg.Length) vg.Length {
	return h + vg.Length(len(panels)-1)*panelH
}

// drawFigure draws panels stacked onto canvas, which is chartW wide and
// figureHeight tall, with one legend width for every panel so that their
// data areas align.
func drawFigure(canvas vg.CanvasSizer, panels []*panel, h vg.Length) {
	dc := draw.New(canvas)
	legW := vg.Length(0)
	for _, pn := range panels {
		r := pn.p.Legend.Rectangle(dc)
		legW = max(legW, r.Max.X-r.Min.X)
	}
	top := figureHeight(panels, h)
	for i, pn := range panels {
		height := panelH
		if i == 0 {
			height = h
		}
		c := dc
		c.Min.Y, c.Max.Y = top-height, top
		top -= height
		drawPanel(c, pn.p, legW)
	}
}

// staticSVG draws panels as an SVG element to put into the page: gonum's
// own SVG canvas, its fonts named rather than embedded (the page's
// reader has a sans-serif of their own), scaled to the page's width.
func staticSVG(panels []*panel, h vg.Length, alt string) (template.HTML, error) {
	c := vgsvg.NewWith(vgsvg.UseWH(chartW, figureHeight(panels, h)))
	drawFigure(c, panels, h)
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", err
	}
	svg := buf.String()
	i := strings.Index(svg, "<svg")
	if i < 0 {
		return "", errors.New("gonum's SVG canvas wrote no <svg> element")
	}
	// The prolog goes; the element gets its text alternative and scales
	// with the page (its width and height stay as the aspect ratio).
	svg = strings.Replace(svg[i:], "<svg", `<svg class="cb-static" role="img" aria-label="`+esc(alt)+`"`, 1)
	// A reader without Liberation Sans gets another sans-serif, not the
	// browser's default serif.
	svg = strings.ReplaceAll(svg, "font-family:Liberation Sans;", "font-family:Liberation Sans,Arial,sans-serif;")
	return template.HTML(svg), nil
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
		ticks = append(ticks, plot.Tick{Value: v, Label: formatNs(v, 3, "")})
		for _, m := range mults {
			t := plot.Tick{Value: m * v}
			if narrow {
				t.Label = formatNs(m*v, 3, "")
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
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

// chart is one PNG of the report, or the reason it is missing. SVG, if
// set, is an interactive inline view of the same chart, which the page
// shows instead of the PNG (the PNG stays, as a file and a link).
type chart struct {
	File, Alt, Title string
	Skip             string
	SVG              template.HTML
	Unit             string // the unit it charts, where it charts one
}
