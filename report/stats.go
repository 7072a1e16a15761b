package report

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/montanaflynn/stats"
	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchunit"

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

// statRow is one implementation's row of a statTable.
type statRow struct {
	Impl     string
	N        int
	Summary  benchmath.Summary
	Sample   *benchmath.Sample
	Median   string
	CI       string
	IQR      string
	Delta    string // vs baseline, "~" when not significant
	P        string // raw and Holm-adjusted p-value
	Baseline bool
	Winner   bool
	Floor    bool   // the harness floor's row: shown, never compared or charted as a bar
	Marks    string // footnote marks
	// In a later column of a table with several (see statTable.Columns):
	// the change from the same implementation in the first column, "~"
	// when not significant (Mann–Whitney U at α = 0.05, as benchstat
	// compares files), and its p-value.
	VsFirst  string
	VsFirstP string
	pAdj     float64
	cmp      benchmath.Comparison
}

// statTable is one unit of one (scenario, parameters) combination.
//
// When an implementation's results come from one file (one run, or the
// disjoint cells of a run's shard files), the table has one column: Rows,
// Verdict. When a row appears in more than one file (two runs of the same
// benchmarks), the files are not pooled into one sample: Columns holds a
// column per file, in file order, each summarised from that file alone
// and compared with the first, as benchstat shows files side by side;
// Rows and Verdict are then the last column's, so that whatever reads
// Rows (charts, verdicts) sees one file's numbers, never a pool.
type statTable struct {
	Unit      string
	Better    int
	Rows      []*statRow
	Verdict   string // winner or "no clear winner", with the reason
	Footnotes []string
	Columns   []*statColumn // nil for a single column
	Grid      []gridRow     // with Columns: a row per implementation, its cell in each column
}

// statColumn is one file's column of a statTable.
type statColumn struct {
	File    string
	Rows    []*statRow
	Verdict string
}

// gridRow is an implementation's cells across a table's columns; a cell
// is nil where the file has no result of it.
type gridRow struct {
	Impl  string
	Cells []*statRow
}

// newStatTable summarises values[impl] (impls in file order) with
// benchmath: median and 95% CI under AssumeNothing, Mann-Whitney U
// against the first implementation with Holm-Bonferroni correction over
// the table's comparisons, and a winner only if it is significantly
// better than the runner-up.
func newStatTable(unit string, better int, impls []string, values map[string][]float64) *statTable {
	t := &statTable{Unit: unit, Better: better}
	t.Rows, t.Verdict = t.column(impls, values)
	return t
}

// newColumnsTable is newStatTable with a column per file: values[file]
// holds each file's values by implementation, files in file order.
// Each column is summarised as newStatTable does, and each later
// column's rows are compared with the first column's.
func newColumnsTable(unit string, better int, impls, files []string, values map[string]map[string][]float64) *statTable {
	t := &statTable{Unit: unit, Better: better}
	for _, f := range files {
		rows, verdict := t.column(impls, values[f])
		t.Columns = append(t.Columns, &statColumn{File: f, Rows: rows, Verdict: verdict})
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
			cmp := benchmath.AssumeNothing.Compare(base.Sample, r.Sample)
			r.VsFirst = "~"
			if cmp.P < cmp.Alpha {
				r.VsFirst = pctDelta(base.Summary.Center, r.Summary.Center)
			}
			r.VsFirstP = fmt.Sprintf("p=%.3f n=%d+%d", cmp.P, cmp.N1, cmp.N2)
			r.Marks += t.mark(cmp.Warnings)
		}
		if slices.ContainsFunc(gr.Cells, func(r *statRow) bool { return r != nil }) {
			t.Grid = append(t.Grid, gr)
		}
	}
	last := t.Columns[len(t.Columns)-1]
	t.Rows, t.Verdict = last.Rows, last.Verdict
	if t.Verdict != "" {
		t.Verdict = "in " + last.File + ", " + t.Verdict
	}
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

// mark returns the footnote marks of errs, adding each new message to
// the table's footnotes.
func (t *statTable) mark(errs ...[]error) string {
	return strings.Join(footnote.Marks(&t.Footnotes, errs...), "")
}

// column summarises one column of values by implementation: its rows,
// compared with the first implementation, and its verdict. Footnotes go
// to t.
func (t *statTable) column(impls []string, values map[string][]float64) ([]*statRow, string) {
	th := benchmath.DefaultThresholds
	var rows []*statRow
	for _, impl := range impls {
		vs := values[impl]
		if len(vs) == 0 {
			continue
		}
		s := benchmath.NewSample(vs, &th)
		sum := benchmath.AssumeNothing.Summary(s, confidence)
		r := &statRow{Impl: impl, N: len(vs), Summary: sum, Sample: s}
		r.Median = formatValue(t.Unit, sum.Center)
		r.CI = formatCI(t.Unit, sum)
		if iqr, err := stats.InterQuartileRange(stats.Float64Data(vs)); err == nil {
			r.IQR = formatValue(t.Unit, iqr)
		}
		rows = append(rows, r)
	}
	if len(rows) == 0 {
		return nil, ""
	}
	base := rows[0]
	base.Baseline = true
	base.Delta = "baseline"
	var others []*statRow
	for _, r := range rows[1:] {
		r.cmp = benchmath.AssumeNothing.Compare(base.Sample, r.Sample)
		others = append(others, r)
	}
	holm(others)
	for _, r := range rows {
		warns := [][]error{r.Sample.Warnings, r.Summary.Warnings}
		if !r.Baseline {
			warns = append(warns, r.cmp.Warnings)
			r.P = fmt.Sprintf("p=%.3f (Holm %.3f) n=%d+%d", r.cmp.P, r.pAdj, r.cmp.N1, r.cmp.N2)
			if r.pAdj < r.cmp.Alpha {
				r.Delta = pctDelta(base.Summary.Center, r.Summary.Center)
			} else {
				r.Delta = "~"
			}
		}
		r.Marks = t.mark(warns...)
	}
	return rows, pickWinner(rows, t.Better)
}

// holm sets pAdj of each row to its Holm-Bonferroni adjusted p-value.
func holm(rows []*statRow) {
	ps := make([]float64, len(rows))
	for i, r := range rows {
		ps[i] = r.cmp.P
	}
	for i, p := range holmAdjust(ps) {
		rows[i].pAdj = p
	}
}

// holmAdjust returns the Holm-Bonferroni adjusted p-values of ps, in the
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

// pickWinner marks the row with the best median if it is significantly
// better (Mann-Whitney U, alpha 0.05) than the runner-up.
func pickWinner(rows []*statRow, better int) string {
	if len(rows) < 2 {
		return ""
	}
	ranked := slices.Clone(rows)
	sort.SliceStable(ranked, func(i, j int) bool {
		a, b := ranked[i].Summary.Center, ranked[j].Summary.Center
		if better > 0 {
			return a > b
		}
		return a < b
	})
	best, second := ranked[0], ranked[1]
	if best.Summary.Center == second.Summary.Center {
		return fmt.Sprintf("no clear winner: %s and %s tie at %s", best.Impl, second.Impl, best.Median)
	}
	c := benchmath.AssumeNothing.Compare(best.Sample, second.Sample)
	if c.P < c.Alpha {
		best.Winner = true
		return fmt.Sprintf("winner: %s (%s vs runner-up %s %s, p=%.3f)", best.Impl, best.Median, second.Impl, second.Median, c.P)
	}
	return fmt.Sprintf("no clear winner: best median %s (%s) is not significantly better than %s (%s), p=%.3f", best.Impl, best.Median, second.Impl, second.Median, c.P)
}

func pctDelta(old, new float64) string {
	switch {
	case old == new:
		return "0.00%"
	case old == 0:
		return "?"
	}
	return fmt.Sprintf("%+.2f%%", (new/old-1)*100)
}

// isTimeUnit reports whether values of unit are nanoseconds.
func isTimeUnit(unit string) bool {
	return strings.HasSuffix(unit, "-ns") || strings.HasPrefix(unit, "ns/") || unit == "ns"
}

// formatValue formats v for humans: nanosecond units as durations, small
// whole numbers as they are, the rest with SI or IEC prefixes.
func formatValue(unit string, v float64) string {
	switch {
	case math.IsInf(v, 0) || math.IsNaN(v):
		return fmt.Sprint(v)
	case isTimeUnit(unit):
		return formatNs(v)
	case v == math.Trunc(v) && math.Abs(v) < 1e4:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case math.Abs(v) >= 1 && math.Abs(v) < 1e4:
		// Four significant digits, as a whole number reads beside it
		// (1088 beside 1075, not 1.087k beside 1075).
		return strconv.FormatFloat(v, 'f', max(0, 3-int(math.Floor(math.Log10(math.Abs(v))))), 64)
	}
	return benchunit.Scale(v, benchunit.ClassOf(unit))
}

// formatNs formats nanoseconds with four significant digits.
func formatNs(v float64) string {
	a := math.Abs(v)
	switch {
	case a < 1e3:
		return strconv.FormatFloat(v, 'g', 4, 64) + " ns"
	case a < 1e6:
		return strconv.FormatFloat(v/1e3, 'g', 4, 64) + " µs"
	case a < 1e9:
		return strconv.FormatFloat(v/1e6, 'g', 4, 64) + " ms"
	}
	return strconv.FormatFloat(v/1e9, 'g', 4, 64) + " s"
}

func formatCI(unit string, s benchmath.Summary) string {
	if math.IsInf(s.Lo, 0) || math.IsInf(s.Hi, 0) {
		return "∞"
	}
	return formatValue(unit, s.Lo) + " .. " + formatValue(unit, s.Hi)
}

// median returns the median of vs, or NaN if vs is empty.
func median(vs []float64) float64 {
	m, err := stats.Median(stats.Float64Data(vs))
	if err != nil {
		return math.NaN()
	}
	return m
}
