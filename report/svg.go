package report

import (
	"fmt"
	"html/template"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// The interactive view of a chart is inline SVG written here rather than
// by gonum's vgsvg: vgsvg draws paths with no notion of a series, so its
// output cannot be told which lines a legend entry shows and hides, and
// it would embed the fonts (hundreds of kB per chart) or name one that
// the reader may lack. The view takes the axes gonum computed (ranges,
// scales, ticks) from the same panels the PNG draws, so both show the
// same chart; its text is the page's sans-serif.
//
// Every text that may come from a result file (implementation and
// benchmark names, titles) is escaped; ids derive from the chart's number,
// unique on the page. One small script, on the page once, makes the
// views interactive: clicking (or Enter on) a legend entry hides and
// shows its series, and hovering over the data area shows the values of
// the visible series nearest the pointer. Without the script each line
// and mark still names itself in a <title> tooltip.

// SVG layout, in px of the 800 px-wide view; text sizes match the PNG's.
const (
	svgW     = 800.0
	svgTitle = titleSize * 4 / 3.0
	svgLabel = labelSize * 4 / 3.0
	svgTick  = tickSize * 4 / 3.0
	svgCharW = svgTick * svgCharRatio // a rough mean width of a sans-serif character at tick size
	// svgCharRatio is a sans-serif character's mean width over its size:
	// about 0.5 for lower case, more for capitals and digits; 0.55 errs
	// towards a title that fits.
	svgCharRatio = 0.55
	svgMaxName   = 40 // runes of a legend entry shown; the rest in its title
)

// svgFigure renders panels as one interactive figure.
func (cw *chartWriter) svgFigure(panels []*panel, title, alt string) template.HTML {
	id := fmt.Sprintf("cbfig%d", cw.n)
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="cb-fig" id="%s">`, id)
	// One legend width for every panel, so that their data areas align.
	legW := 0.0
	for _, pn := range panels {
		for _, k := range pn.keys {
			legW = math.Max(legW, float64(min(len([]rune(k.name)), svgMaxName))*svgCharW+38)
		}
	}
	for i, pn := range panels {
		h := 450.0
		if i > 0 {
			h = 400
		}
		svgPanel(&b, fmt.Sprintf("%s-%d", id, i+1), pn, h, legW)
	}
	b.WriteString(`</div>`)
	// Every piece of outside text above went through esc.
	return template.HTML(b.String())
}

func esc(s string) string { return template.HTMLEscapeString(s) }

// svgPanel writes one panel as an <svg> of svgW × h px, with its legend
// in a strip legW wide at the right.
func svgPanel(b *strings.Builder, id string, pn *panel, h, legW float64) {
	p := pn.p
	yt := ticksIn(p.Y)
	yLabelW := 0.0
	for _, t := range yt {
		yLabelW = math.Max(yLabelW, float64(len([]rune(t.Label)))*svgCharW)
	}
	a := svgArea{left: 10 + svgLabel + 8 + yLabelW + 8, right: svgW - 12, top: 12 + svgTitle + 12, bottom: h - (svgTick + 10 + svgLabel + 14), h: h, x: p.X, y: p.Y}
	if legW > 0 {
		a.right = svgW - legW - 16
	}
	fmt.Fprintf(b, `<svg id="%s" class="cb-int" viewBox="0 0 %g %g" width="%g" height="%g" role="img" aria-label="%s" font-family="sans-serif" data-x="%s" data-y="%s" data-xf="%s" data-yf="%s">`,
		id, svgW, h, svgW, h, esc(p.Title.Text), axisAttr(p.X, a.left, a.right), axisAttr(p.Y, a.bottom, a.top), pn.xFmt, pn.yFmt)
	fmt.Fprintf(b, `<defs><clipPath id="%s-clip"><rect x="%s" y="%s" width="%s" height="%s"/></clipPath></defs>`,
		id, f1(a.left-4), f1(a.top-4), f1(a.right-a.left+8), f1(a.bottom-a.top+8))
	svgTitleText(b, p.Title.Text)
	a.frame(b, ticksIn(p.X), yt, p.X.Label.Text, p.Y.Label.Text)
	svgSeries(b, id, pn, a)
	if len(pn.keys) > 0 {
		svgLegend(b, pn.keys, a.right+12, a.top, legW)
	}
	b.WriteString(`</svg>`)
}

// svgArea is a panel's data area in px, and its axes.
type svgArea struct {
	left, right, top, bottom, h float64
	x, y                        plot.Axis
}

func (a svgArea) xAt(v float64) float64 { return a.left + a.x.Norm(v)*(a.right-a.left) }
func (a svgArea) yAt(v float64) float64 { return a.bottom - a.y.Norm(v)*(a.bottom-a.top) }

// svgTitleText writes a panel's title centred on the view. A title too
// long for the view at svgTitle px is set smaller, down to svgTick px,
// then squeezed to the view's width: it is never clipped at the edges.
func svgTitleText(b *strings.Builder, title string) {
	const room = svgW - 24
	size, fit := svgTitle, ""
	width := func(size float64) float64 { return float64(len([]rune(title))) * size * svgCharRatio }
	for width(size) > room && size > svgTick {
		size = math.Max(size-0.5, svgTick)
	}
	if width(size) > room {
		fit = fmt.Sprintf(` textLength="%s" lengthAdjust="spacingAndGlyphs"`, f1(room))
	}
	fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" font-size="%s" font-weight="600"%s>%s</text>`,
		f1(svgW/2), f1(12+svgTitle*0.8), f1(size), fit, esc(title))
}

// frame writes the grid, the axes with their ticks, and the axis labels.
func (a svgArea) frame(b *strings.Builder, xt, yt []plot.Tick, xLabel, yLabel string) {
	b.WriteString(`<g stroke="#ddd" stroke-width="1">`)
	for _, t := range xt {
		if t.Label != "" {
			fmt.Fprintf(b, `<line x1="%s" x2="%s" y1="%s" y2="%s"/>`, f1(a.xAt(t.Value)), f1(a.xAt(t.Value)), f1(a.top), f1(a.bottom))
		}
	}
	for _, t := range yt {
		if t.Label != "" {
			fmt.Fprintf(b, `<line x1="%s" x2="%s" y1="%s" y2="%s"/>`, f1(a.left), f1(a.right), f1(a.yAt(t.Value)), f1(a.yAt(t.Value)))
		}
	}
	b.WriteString(`</g><g stroke="#444" stroke-width="1">`)
	fmt.Fprintf(b, `<line x1="%s" x2="%s" y1="%s" y2="%s"/><line x1="%s" x2="%s" y1="%s" y2="%s"/>`,
		f1(a.left), f1(a.right), f1(a.bottom), f1(a.bottom), f1(a.left), f1(a.left), f1(a.top), f1(a.bottom))
	tick := func(t plot.Tick) float64 {
		if t.Label != "" {
			return 6
		}
		return 3
	}
	for _, t := range xt {
		fmt.Fprintf(b, `<line x1="%s" x2="%s" y1="%s" y2="%s"/>`, f1(a.xAt(t.Value)), f1(a.xAt(t.Value)), f1(a.bottom), f1(a.bottom+tick(t)))
	}
	for _, t := range yt {
		fmt.Fprintf(b, `<line x1="%s" x2="%s" y1="%s" y2="%s"/>`, f1(a.left-tick(t)), f1(a.left), f1(a.yAt(t.Value)), f1(a.yAt(t.Value)))
	}
	fmt.Fprintf(b, `</g><g font-size="%s" fill="#222">`, f1(svgTick))
	for _, t := range xt {
		if t.Label != "" {
			fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`, f1(a.xAt(t.Value)), f1(a.bottom+8+svgTick), esc(t.Label))
		}
	}
	for _, t := range yt {
		if t.Label != "" {
			fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="end">%s</text>`, f1(a.left-9), f1(a.yAt(t.Value)+svgTick*0.35), esc(t.Label))
		}
	}
	fmt.Fprintf(b, `</g><text x="%s" y="%s" text-anchor="middle" font-size="%s">%s</text>`,
		f1((a.left+a.right)/2), f1(a.h-10), f1(svgLabel), esc(xLabel))
	cy := (a.top + a.bottom) / 2
	fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" font-size="%s" transform="rotate(-90 %s %s)">%s</text>`,
		f1(10+svgLabel), f1(cy), f1(svgLabel), f1(10+svgLabel), f1(cy), esc(yLabel))
}

// svgSeries writes the panel's series, a group per legend entry, drawn
// in order and clipped to the data area.
func svgSeries(b *strings.Builder, id string, pn *panel, a svgArea) {
	fmt.Fprintf(b, `<g clip-path="url(#%s-clip)" fill="none">`, id)
	for k := range pn.keys {
		var inner strings.Builder
		for _, l := range pn.lines {
			if l.key != k {
				continue
			}
			if len(l.pts) > 1 {
				fmt.Fprintf(&inner, `<polyline data-n="%s" points="%s"%s/>`, esc(l.name), polyPoints(l.pts, a.xAt, a.yAt), strokeAttrs(l.style))
			}
			for _, m := range l.marks {
				glyph(&inner, pn.keys[k].glyph, a.xAt(m.x), a.yAt(m.y), l.style.Color, m.tip)
			}
		}
		if inner.Len() > 0 {
			fmt.Fprintf(b, `<g class="cb-s" data-k="%d"><title>%s</title>%s</g>`, k, esc(pn.keys[k].name), inner.String())
		}
	}
	b.WriteString(`</g>`)
}

// svgLegend writes the legend from (lx, top), legW wide: a toggle entry
// shows and hides its series.
func svgLegend(b *strings.Builder, keys []svgKey, lx, top, legW float64) {
	for k, key := range keys {
		y := top + 6 + float64(k)*(svgTick+7)
		name := key.name
		if r := []rune(name); len(r) > svgMaxName {
			name = string(r[:svgMaxName-1]) + "…"
		}
		if key.toggle {
			fmt.Fprintf(b, `<g class="cb-l" data-k="%d" tabindex="0" role="button" aria-pressed="true"><title>%s: click to hide or show</title><rect x="%s" y="%s" width="%s" height="%s" fill="transparent"/>`,
				k, esc(key.name), f1(lx-2), f1(y-2), f1(legW), f1(svgTick+6))
		} else {
			b.WriteString(`<g>`)
		}
		ly := y + (svgTick+2)/2
		if key.style.Width > 0 {
			fmt.Fprintf(b, `<line x1="%s" x2="%s" y1="%s" y2="%s"%s/>`, f1(lx), f1(lx+26), f1(ly), f1(ly), strokeAttrs(key.style))
		}
		if key.glyph >= 0 {
			glyph(b, key.glyph, lx+13, ly, key.style.Color, "")
		}
		fmt.Fprintf(b, `<text x="%s" y="%s" font-size="%s" fill="#222">%s</text></g>`, f1(lx+32), f1(ly+svgTick*0.35), f1(svgTick), esc(name))
	}
}

// ticksIn returns an axis' ticks that fall within its range.
func ticksIn(a plot.Axis) []plot.Tick {
	var out []plot.Tick
	for _, t := range a.Tick.Marker.Ticks(a.Min, a.Max) {
		if t.Value >= a.Min && t.Value <= a.Max {
			out = append(out, t)
		}
	}
	return out
}

// axisAttr describes an axis for the script, which inverts a pixel
// position to a value: the pixels of its min and max, its range, and
// whether it is logarithmic.
func axisAttr(a plot.Axis, pxMin, pxMax float64) string {
	log := 0
	if _, ok := a.Scale.(plot.LogScale); ok {
		log = 1
	}
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }
	return fmt.Sprintf("%s %s %s %s %d", f1(pxMin), f1(pxMax), g(a.Min), g(a.Max), log)
}

// polyPoints lists pts in pixels, leaving out a point that adds nothing
// at the view's resolution: a repeat of the last pixel, or the middle of
// a run at one height.
func polyPoints(pts plotter.XYs, xAt, yAt func(float64) float64) string {
	type pt struct{ x, y string }
	var out []pt
	for i, p := range pts {
		q := pt{f1(xAt(p.X)), f1(yAt(p.Y))}
		if n := len(out); n > 0 && out[n-1] == q {
			continue
		}
		if n := len(out); n > 1 && i < len(pts)-1 && out[n-1].y == q.y && out[n-2].y == q.y {
			out[n-1] = q
			continue
		}
		out = append(out, q)
	}
	var b strings.Builder
	for i, p := range out {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p.x + "," + p.y)
	}
	return b.String()
}

func strokeAttrs(s draw.LineStyle) string {
	a := fmt.Sprintf(` stroke="%s" stroke-width="%s"`, hexColor(s.Color), f1(float64(s.Width)*4/3))
	if len(s.Dashes) > 0 {
		var ds []string
		for _, d := range s.Dashes {
			ds = append(ds, f1(float64(d)*4/3))
		}
		a += ` stroke-dasharray="` + strings.Join(ds, " ") + `"`
	}
	return a
}

// glyph draws mark shape i (as plotutil.Shape numbers them, roughly) at
// x, y, with tip as its hover text if set.
func glyph(b *strings.Builder, i int, x, y float64, c color.Color, tip string) {
	const r = 4.0
	col := hexColor(c)
	var shape string
	switch max(i, 0) % 8 {
	case 0: // ring
		shape = fmt.Sprintf(`<circle cx="%s" cy="%s" r="%g" fill="#fff" stroke="%s" stroke-width="1.5"`, f1(x), f1(y), r, col)
	case 1: // square
		shape = fmt.Sprintf(`<rect x="%s" y="%s" width="%g" height="%g" fill="#fff" stroke="%s" stroke-width="1.5"`, f1(x-r), f1(y-r), 2*r, 2*r, col)
	case 2: // triangle
		shape = fmt.Sprintf(`<path d="M%s %sL%s %sL%s %sZ" fill="#fff" stroke="%s" stroke-width="1.5"`, f1(x), f1(y-r-1), f1(x+r+1), f1(y+r), f1(x-r-1), f1(y+r), col)
	case 3: // plus
		shape = fmt.Sprintf(`<path d="M%s %sh%gM%s %sv%g" stroke="%s" stroke-width="2"`, f1(x-r-1), f1(y), 2*r+2, f1(x), f1(y-r-1), 2*r+2, col)
	case 4: // cross
		shape = fmt.Sprintf(`<path d="M%s %sl%g %gM%s %sl%g %g" stroke="%s" stroke-width="2"`, f1(x-r), f1(y-r), 2*r, 2*r, f1(x-r), f1(y+r), 2*r, -2*r, col)
	case 5: // disc
		shape = fmt.Sprintf(`<circle cx="%s" cy="%s" r="%g" fill="%s"`, f1(x), f1(y), r, col)
	case 6: // box
		shape = fmt.Sprintf(`<rect x="%s" y="%s" width="%g" height="%g" fill="%s"`, f1(x-r), f1(y-r), 2*r, 2*r, col)
	default: // pyramid
		shape = fmt.Sprintf(`<path d="M%s %sL%s %sL%s %sZ" fill="%s"`, f1(x), f1(y-r-1), f1(x+r+1), f1(y+r), f1(x-r-1), f1(y+r), col)
	}
	if tip == "" {
		b.WriteString(shape + "/>")
		return
	}
	tag := shape[1:strings.IndexByte(shape, ' ')]
	b.WriteString(shape + "><title>" + esc(tip) + "</title></" + tag + ">")
}

func hexColor(c color.Color) string {
	if c == nil {
		return "#000"
	}
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}

// f1 formats a pixel position to a tenth of a pixel.
func f1(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }
