package report

import (
	"image/color"
	"slices"

	"github.com/HdrHistogram/hdrhistogram-go"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/concbench/concbench/record"
)

// The harness floor: trials that the sidecar marks Floor ran the floor's
// target under the same open-loop schedule as the implementations beside
// them. The report learns which rows they are from that mark only (never
// from a name), shows them under floorLabel, ranks them with nothing and
// draws them on the latency spectrum as a line of their own.

// floorLabel names the floor's row in tables and its line on the spectrum.
const floorLabel = "harness floor (pipe echo, same schedule)"

// latencyNote says what each latency in a report includes.
const latencyNote = "Latency (p50-ns, p99-ns, the spectrum's solid lines) runs from each operation's intended start: it includes the target's own delays (a blocked Submit, a queue) and the generator's wake error while idle, which is the harness's. The harness floor (a pipe echo to another goroutine, which needs the netpoller and a timer as real code does, under the same schedule, in the same run) shows that share at each open-loop rate, and its svc-vs-solo whether the generator slowed it; wake-p99-ns is the generator's wake error alone and late-p99-ns the total start lateness."

// floorStyle draws the floor on the spectrum: grey, dash-dot, so that it
// reads apart from the dashed service-time curves.
var floorStyle = draw.LineStyle{
	Color: color.Gray{Y: 110}, Width: vg.Points(2),
	Dashes: []vg.Length{vg.Points(8), vg.Points(3), vg.Points(2), vg.Points(3)},
}

// isFloor says whether impl's trials in g are harness-floor trials.
func (g *group) isFloor(impl string) bool {
	return slices.ContainsFunc(g.trials[impl], func(t record.Trial) bool { return t.Floor })
}

// floorSplit returns g's implementations, then its floor rows, each in
// file order.
func (g *group) floorSplit() (impls, floors []string) {
	for _, impl := range g.Impls {
		if g.isFloor(impl) {
			floors = append(floors, impl)
		} else {
			impls = append(impls, impl)
		}
	}
	return impls, floors
}

// tableWithFloor is newStatTable over g's implementations, the floor left
// out of the baseline, the comparisons and the winner, then added as a
// last row marked Floor (the page labels it floorLabel), its statistical
// warnings footnoted.
func tableWithFloor(unit string, better int, g *group, values map[string][]float64, pick winners) *statTable {
	impls, floors := g.floorSplit()
	t := newStatTable(unit, better, impls, values, pick)
	for _, r := range summarize(unit, floors, values) {
		r.Floor = true
		r.Marks = t.mark(r.Sample.Warnings, r.Summary.Warnings)
		t.Rows = append(t.Rows, r)
	}
	return t
}

// floorHist merges the corrected latency of g's floor trials, or nil.
func (g *group) floorHist() *hdrhistogram.Histogram {
	var hs []*record.Hist
	for _, impl := range g.Impls {
		for _, t := range g.trials[impl] {
			if t.Floor && usable(t) {
				hs = append(hs, t.Latency)
			}
		}
	}
	return record.Merge(hs...)
}

// withoutFloor returns t without its floor rows (t itself if it has none).
func (t *statTable) withoutFloor() *statTable {
	if t == nil || !slices.ContainsFunc(t.Rows, func(r *statRow) bool { return r.Floor }) {
		return t
	}
	c := *t
	c.Rows = slices.DeleteFunc(slices.Clone(t.Rows), func(r *statRow) bool { return r.Floor })
	return &c
}

// columnsTableWithFloor is newColumnsTable over g's implementations, and
// the floor as a last grid row marked Floor in each file's column,
// compared with nothing and named winner of nothing.
func columnsTableWithFloor(unit string, better int, g *group, values map[string]map[string][]float64, pick winners) *statTable {
	impls, floors := g.floorSplit()
	t := newColumnsTable(unit, better, impls, g.Files, values, pick)
	for _, f := range floors {
		gr := gridRow{Impl: f, Floor: true}
		for i, file := range g.Files {
			var r *statRow
			if rows := summarize(unit, []string{f}, values[file]); len(rows) > 0 {
				r = rows[0]
				r.Floor = true
				r.Marks = t.mark(r.Sample.Warnings, r.Summary.Warnings)
				t.Columns[i].Rows = append(t.Columns[i].Rows, r)
			}
			gr.Cells = append(gr.Cells, r)
		}
		if slices.ContainsFunc(gr.Cells, func(r *statRow) bool { return r != nil }) {
			t.Grid = append(t.Grid, gr)
		}
	}
	t.Rows = t.Columns[len(t.Columns)-1].Rows
	return t
}
