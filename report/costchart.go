package report

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// costChart draws, for one group, what each implementation's throughput
// cost: its median CPU per operation against its median throughput, one
// point each, labelled. A design that answers as fast for less CPU sits
// lower; one that buys throughput with CPU sits up and to the right.
func costChart(cw *chartWriter, g *group, name, title string) (chart, error) {
	cpu, ops := g.table("cpu-ns/op"), g.table("ops/s")
	if cpu == nil || ops == nil {
		return chart{}, nil // results from before the cost units: nothing to say
	}
	through := map[string]float64{}
	for _, r := range ops.Rows {
		through[r.Impl] = r.Summary.Center
	}
	pn := newPanel(title, "ops/s (median)", "cpu-ns/op (median, log scale)")
	p := pn.p
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.TickerFunc(durationTicks)
	var labels plotter.XYLabels
	n := 0
	for i, r := range cpu.Rows {
		x, ok := through[r.Impl]
		y := r.Summary.Center
		if !ok || !logShowable(y) {
			continue
		}
		sc, err := plotter.NewScatter(plotter.XYs{{X: x, Y: y}})
		if err != nil {
			return chart{}, fmt.Errorf("report: %s: %w", title, err)
		}
		sc.Color, sc.Shape, sc.Radius = implColor(i), plotutil.Shape(i), vg.Points(4)
		label := legendName(r.Impl)
		if r.Floor {
			sc.Color, sc.Shape, label = floorStyle.Color, draw.CrossGlyph{}, "harness floor"
		}
		p.Add(sc)
		p.Legend.Add(label, sc)
		labels.XYs = append(labels.XYs, plotter.XY{X: x, Y: y})
		labels.Labels = append(labels.Labels, label)
		n++
	}
	if n == 0 {
		return chart{Title: title, Skip: "no implementation has both a throughput and a CPU per operation above 0"}, nil
	}
	l, err := plotter.NewLabels(labels)
	if err != nil {
		return chart{}, fmt.Errorf("report: %s: %w", title, err)
	}
	for i := range l.TextStyle {
		l.TextStyle[i].XAlign, l.Offset = draw.XLeft, vg.Point{X: vg.Points(6)}
	}
	p.Add(l)
	p.X.Min = 0
	headroom(&p.X, 1.15)
	logRange(&p.Y, 0)
	niceLogRange(&p.Y)
	return cw.saveFigure([]*panel{pn}, chartH, name, title,
		title+": each implementation's median CPU per operation (the whole trial process's, net of the generator's spin) against its median throughput; lower is cheaper, right is faster.", false)
}
