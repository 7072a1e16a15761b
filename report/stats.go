package report

import (
	"math"
	"slices"
	"sort"

	"github.com/montanaflynn/stats"
	"golang.org/x/perf/benchmath"

	"github.com/concbench/concbench/compare"
	"github.com/concbench/concbench/internal/footnote"
	"github.com/concbench/concbench/units"
)

// confidence is the level of every interval in the report: the
// comparison's (benchstat's), so that the report and runbench compare
// show the same intervals.
const confidence = compare.Confidence

// scenarioUnits are the units a scenario section shows, in this order;
// units a file has beyond these and hiddenScenarioUnits are shown after
// them. Both come from the one unit table.
func scenarioUnits() []string { return units.Names(func(u units.Unit) bool { return u.Shown }) }

// hiddenScenarioUnits are scenario units left out of the tables: the
// percentile spectrum chart shows them better.
func hiddenScenarioUnits() []string { return units.Names(func(u units.Unit) bool { return !u.Shown }) }

// statRow is one implementation's row of a statTable: numbers only; the
// page formats them.
type statRow struct {
	Impl    string
	Unit    string
	N       int
	Summary benchmath.Summary // its Lo and Hi are CI's
	CI      interval
	IQR     float64 // NaN if it cannot be computed
	Sample  *benchmath.Sample
	// Baseline is the first row of its column; the others are compared
	// with it (Mann–Whitney U, Holm-corrected over the column): cmp and
	// pAdj, significant where pAdj < cmp.Alpha.
	Baseline bool
	base     float64 // the baseline's median
	cmp      benchmath.Comparison
	pAdj     float64
	Winner   bool  // a table's best row, significantly better than the runner-up
	Floor    bool  // the harness floor's row: shown, never compared, ranked or charted as a bar
	Marks    []int // footnotes of its table, 0-based
	// VsFirst, in a later column of a table with several (see
	// statTable.Columns), compares the row with the same implementation
	// in the first column (Mann–Whitney U at α = 0.05, uncorrected, as
	// benchstat compares files); nil elsewhere.
	VsFirst *vsFirst
}

// vsFirst is a row's comparison with its implementation's first-file row.
type vsFirst struct {
	From float64 // the first file's median
	Cmp  benchmath.Comparison
}

// significant reports whether the row differs from its column's baseline.
func (r *statRow) significant() bool { return !r.Baseline && r.pAdj < r.cmp.Alpha }

// interval is a confidence interval of a median: Lo and Hi at Level. The
// report's level is confidence (95%); a sample too small for it (fewer
// than 6 values, for a distribution-free interval) gets the widest one it
// allows, from its lowest to its highest value, at the level that has:
// 1 − 2·0.5ⁿ (94% for 5 values, 88% for 4, 75% for 3, 50% for 2). One
// value has none: Level 0.
type interval struct {
	Lo, Hi, Level float64
}

// newInterval is the interval of s, from its summary at confidence.
func newInterval(s *benchmath.Sample, sum benchmath.Summary) interval {
	if !math.IsInf(sum.Lo, 0) && !math.IsInf(sum.Hi, 0) {
		return interval{sum.Lo, sum.Hi, confidence}
	}
	n := len(s.Values)
	if n < 2 {
		return interval{Lo: math.NaN(), Hi: math.NaN()}
	}
	// The order-statistic interval [x(1), x(n)] misses the median only if
	// every value falls on one side of it.
	return interval{s.Values[0], s.Values[n-1], 1 - 2*math.Pow(0.5, float64(n))}
}

// statTable is one unit of one (scenario, parameters) combination.
//
// When an implementation's results come from one file (one run, or the
// disjoint cells of a run's shard files), the table has one column: Rows,
// Outcome. When a row appears in more than one file (two runs of the same
// benchmarks), the files are not pooled into one sample: Columns holds a
// column per file, in file order, each summarised from that file alone
// and compared with the first, as benchstat shows files side by side;
// Rows and Outcome are then the last column's, so that whatever reads
// Rows (charts, verdicts) sees one file's numbers, never a pool.
type statTable struct {
	Unit      string
	Better    int
	Rows      []*statRow
	Outcome   *outcome // the winner test; nil where the table names no winner
	Footnotes []string // statistical warnings, each once, in order of first use
	Columns   []*statColumn
	Grid      []gridRow // with Columns: a row per implementation, its cell in each column
}

// statColumn is one file's column of a statTable.
type statColumn struct {
	File    string
	Rows    []*statRow
	Outcome *outcome
}

// gridRow is an implementation's cells across a table's columns; a cell
// is nil where the file has no result of it.
type gridRow struct {
	Impl  string
	Floor bool
	Cells []*statRow
}

// outcome is a table's winner test: the best median against the
// runner-up's, Mann–Whitney U at α = 0.05.
type outcome struct {
	Best, Second *statRow
	Tie          bool    // the two medians are equal
	P            float64 // of the test, where there is no tie
	Winner       bool    // Best is significantly better than Second
}

// winners says whether a table picks a winner: go test tables do; a
// scenario's per-unit tables leave that to its headline rankings.
type winners bool

// newStatTable summarises values[impl] (impls in file order) with
// benchmath: median and CI under AssumeNothing, Mann–Whitney U against
// the first implementation with Holm–Bonferroni correction over the
// table's comparisons, and, if pick, a winner only if it is significantly
// better than the runner-up.
func newStatTable(unit string, better int, impls []string, values map[string][]float64, pick winners) *statTable {
	t := &statTable{Unit: unit, Better: better}
	t.Rows = t.column(impls, values)
	if pick {
		t.Outcome = pickWinner(t.Rows, better)
	}
	return t
}

// newColumnsTable is newStatTable with a column per file: values[file]
// holds each file's values by implementation, files in file order.
// Each column is summarised as newStatTable does, and each later
// column's rows are compared with the first column's.
func newColumnsTable(unit string, better int, impls, files []string, values map[string]map[string][]float64, pick winners) *statTable {
	t := &statTable{Unit: unit, Better: better}
	for _, f := range files {
		c := &statColumn{File: f, Rows: t.column(impls, values[f])}
		if pick {
			c.Outcome = pickWinner(c.Rows, better)
		}
		t.Columns = append(t.Columns, c)
	}
	first := t.Columns[0]
	for _, impl := range impls {
		gr := gridRow{Impl: impl}
		base := rowOfRows(first.Rows, impl)
		for i, c := range t.Columns {
			r := rowOfRows(c.Rows, impl)
			gr.Cells = append(gr.Cells, r)
			if i == 0 || r == nil || base == nil {
				continue
			}
			r.VsFirst = &vsFirst{From: base.Summary.Center, Cmp: benchmath.AssumeNothing.Compare(base.Sample, r.Sample)}
			r.Marks = append(r.Marks, t.mark(r.VsFirst.Cmp.Warnings)...)
		}
		if slices.ContainsFunc(gr.Cells, func(r *statRow) bool { return r != nil }) {
			t.Grid = append(t.Grid, gr)
		}
	}
	last := t.Columns[len(t.Columns)-1]
	t.Rows, t.Outcome = last.Rows, last.Outcome
	return t
}

func rowOfRows(rows []*statRow, impl string) *statRow {
	for _, r := range rows {
		if r.Impl == impl {
			return r
		}
	}
	return nil
}

// mark returns the footnotes of errs, adding each new message to the
// table's footnotes.
func (t *statTable) mark(errs ...[]error) []int {
	var marks []int
	for _, es := range errs {
		for _, e := range es {
			marks = append(marks, t.footnote(e.Error()))
		}
	}
	return marks
}

// footnote returns the index of note in the table's footnotes, adding it
// if it is new.
func (t *statTable) footnote(note string) int { return footnote.Index(&t.Footnotes, note) }

// column summarises one column of values by implementation: its rows,
// each compared with the first. Footnotes go to t.
func (t *statTable) column(impls []string, values map[string][]float64) []*statRow {
	rows := summarize(t.Unit, impls, values)
	if len(rows) == 0 {
		return nil
	}
	base := rows[0]
	base.Baseline = true
	for _, r := range rows {
		r.base = base.Summary.Center
	}
	for _, r := range rows[1:] {
		r.cmp = benchmath.AssumeNothing.Compare(base.Sample, r.Sample)
	}
	holm(rows[1:])
	for _, r := range rows {
		warns := [][]error{r.Sample.Warnings, r.Summary.Warnings}
		if !r.Baseline {
			warns = append(warns, r.cmp.Warnings)
		}
		r.Marks = t.mark(warns...)
	}
	return rows
}

// summarize returns a row of each implementation with values: its
// median, interval and interquartile range.
func summarize(unit string, impls []string, values map[string][]float64) []*statRow {
	th := benchmath.DefaultThresholds
	var rows []*statRow
	for _, impl := range impls {
		vs := values[impl]
		if len(vs) == 0 {
			continue
		}
		s := benchmath.NewSample(vs, &th)
		sum := benchmath.AssumeNothing.Summary(s, confidence)
		r := &statRow{Impl: impl, Unit: unit, N: len(vs), Summary: sum, Sample: s, CI: newInterval(s, sum), IQR: math.NaN()}
		if iqr, err := stats.InterQuartileRange(stats.Float64Data(vs)); err == nil {
			r.IQR = iqr
		}
		rows = append(rows, r)
	}
	return rows
}

// holm sets pAdj of each row to its Holm–Bonferroni adjusted p-value.
func holm(rows []*statRow) {
	ps := make([]float64, len(rows))
	for i, r := range rows {
		ps[i] = r.cmp.P
	}
	for i, p := range holmAdjust(ps) {
		rows[i].pAdj = p
	}
}

// holmAdjust returns the Holm–Bonferroni adjusted p-values of ps, in the
// order of ps.
func holmAdjust(ps []float64) []float64 {
	order := make([]int, len(ps))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return ps[order[a]] < ps[order[b]] })
	adj := make([]float64, len(ps))
	run := 0.0
	for rank, i := range order {
		run = math.Max(run, math.Min(1, float64(len(ps)-rank)*ps[i]))
		adj[i] = run
	}
	return adj
}

// ranked returns rows best first in a unit whose better direction is
// better (+1 higher, -1 lower), ties in their order.
func ranked(rows []*statRow, better int) []*statRow {
	out := slices.Clone(rows)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Summary.Center, out[j].Summary.Center
		if better > 0 {
			return a > b
		}
		return a < b
	})
	return out
}

// pickWinner tests the row with the best median against the runner-up,
// and marks it the winner if it is significantly better (Mann–Whitney U,
// α = 0.05). Nil for fewer than two rows.
func pickWinner(rows []*statRow, better int) *outcome {
	if len(rows) < 2 {
		return nil
	}
	rk := ranked(rows, better)
	o := &outcome{Best: rk[0], Second: rk[1]}
	if o.Best.Summary.Center == o.Second.Summary.Center {
		o.Tie = true
		return o
	}
	c := benchmath.AssumeNothing.Compare(o.Best.Sample, o.Second.Sample)
	o.P, o.Winner = c.P, c.P < c.Alpha
	o.Best.Winner = o.Winner
	return o
}

// median returns the median of vs, or NaN if vs is empty.
func median(vs []float64) float64 {
	m, err := stats.Median(stats.Float64Data(vs))
	if err != nil {
		return math.NaN()
	}
	return m
}
