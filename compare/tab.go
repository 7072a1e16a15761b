package compare

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/aclements/go-moremath/stats"
	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchproc"
)

// This file groups results into comparison tables exactly as
// `go tool benchstat` does. benchstat's own table builder
// (cmd/benchstat/internal/benchtab) is internal to x/perf, so its grouping
// is rebuilt here on the same public pieces it uses: benchproc projections
// decide the table, row and column of every value, benchproc.SortKeys
// orders them, benchmath summarises and compares the cells, and
// go-moremath's GeoMean makes the summary row. benchstat_test.go builds
// benchstat from the module cache and checks that both print the same
// numbers in the same cells.

// tabBuilder collects results into tables: benchtab.Builder's logic.
type tabBuilder struct {
	filter                *benchproc.Filter
	tableBy, rowBy, colBy *benchproc.Projection
	residue               *benchproc.Projection
	unitField             *benchproc.Field
	tables                map[benchproc.Key]*builderTable
}

type builderTable struct {
	rows, cols map[benchproc.Key]bool
	cells      map[cellKey]*builderCell
}

type builderCell struct {
	values  []float64
	residue map[benchproc.Key]bool
}

type cellKey struct{ Row, Col benchproc.Key }

// add files res under its table, row and column, one value per unit. It
// applies the filter (which may drop some of res's values) and returns
// why res was left out, if the filter says.
func (b *tabBuilder) add(res *benchfmt.Result) (kept bool, why error) {
	if ok, err := b.filter.Apply(res); !ok {
		return false, err
	}
	tableKeys := b.tableBy.ProjectValues(res)
	ck := cellKey{b.rowBy.Project(res), b.colBy.Project(res)}
	residue := b.residue.Project(res)
	for i, tk := range tableKeys {
		t := b.tables[tk]
		if t == nil {
			t = &builderTable{rows: map[benchproc.Key]bool{}, cols: map[benchproc.Key]bool{}, cells: map[cellKey]*builderCell{}}
			b.tables[tk] = t
		}
		c := t.cells[ck]
		if c == nil {
			c = &builderCell{residue: map[benchproc.Key]bool{}}
			t.cells[ck] = c
			t.rows[ck.Row] = true
			t.cols[ck.Col] = true
		}
		c.values = append(c.values, res.Values[i].Value)
		c.residue[residue] = true
	}
	return true, nil
}

// tab is one table: one unit of one table key, benchtab.Table's model.
// Numbers stay numbers until a renderer formats them.
type tab struct {
	Key        benchproc.Key // the table key; its last field is .unit
	Unit       string
	Assumption benchmath.Assumption
	Rows, Cols []benchproc.Key
	Cells      map[cellKey]*tabCell
	Summary    map[benchproc.Key]*tabSummary // the geomean row, by column
}

// tabCell is the sample of one row and column.
type tabCell struct {
	Sample     *benchmath.Sample
	Summary    benchmath.Summary
	Baseline   *tabCell // the first column's cell of the row, if any (and not this one)
	Comparison benchmath.Comparison
}

// tabSummary is a column's geomean, and its ratio to the first column's.
type tabSummary struct {
	HasSummary bool
	Summary    float64
	HasRatio   bool
	Ratio      float64
	Warnings   []error
}

// build finalises the builder: tables, rows and columns sorted by their
// projections (first-seen order unless the projection says otherwise),
// each cell summarised and compared with its row's first-column cell
// under the unit's assumption (its assume= metadata, else nothing), and a
// geomean per column.
func (b *tabBuilder) build(units benchfmt.UnitMetadataMap, confidence float64, th *benchmath.Thresholds) []*tab {
	var keys []benchproc.Key
	for k := range b.tables {
		keys = append(keys, k)
	}
	benchproc.SortKeys(keys)
	var out []*tab
	for _, k := range keys {
		bt := b.tables[k]
		unit := k.Get(b.unitField)
		t := &tab{Key: k, Unit: unit, Assumption: units.GetAssumption(unit),
			Rows: sortedKeys(bt.rows), Cols: sortedKeys(bt.cols), Cells: map[cellKey]*tabCell{}}
		for ck, bc := range bt.cells {
			t.Cells[ck] = &tabCell{Sample: benchmath.NewSample(bc.values, th)}
		}
		base := t.Cols[0]
		for ck, bc := range bt.cells {
			c := t.Cells[ck]
			if ck.Col != base {
				c.Baseline = t.Cells[cellKey{ck.Row, base}]
			}
			c.Summary = t.Assumption.Summary(c.Sample, confidence)
			if c.Baseline != nil {
				c.Comparison = t.Assumption.Compare(c.Baseline.Sample, c.Sample)
			}
			var residues []benchproc.Key
			for r := range bc.residue {
				residues = append(residues, r)
			}
			benchproc.SortKeys(residues)
			if nsk := benchproc.NonSingularFields(residues); len(nsk) > 0 {
				names := make([]string, len(nsk))
				for i, f := range nsk {
					names[i] = f.Name
				}
				c.Sample.Warnings = append(c.Sample.Warnings, errors.New("benchmarks vary in "+strings.Join(names, ", ")))
			}
		}
		t.summarize()
		out = append(out, t)
	}
	return out
}

func sortedKeys(m map[benchproc.Key]bool) []benchproc.Key {
	var keys []benchproc.Key
	for k := range m {
		keys = append(keys, k)
	}
	benchproc.SortKeys(keys)
	return keys
}

// summarize computes the geomean row as benchstat does: the geomean of
// each column's centers, and the geomean of each cell's ratio to its
// baseline (not the ratio of the geomeans, which compares different sets
// of benchmarks when the columns differ).
func (t *tab) summarize() {
	t.Summary = map[benchproc.Key]*tabSummary{}
	nBase := 0
	for _, r := range t.Rows {
		if _, ok := t.Cells[cellKey{r, t.Cols[0]}]; ok {
			nBase++
		}
	}
	for i, col := range t.Cols {
		s := &tabSummary{}
		t.Summary[col] = s
		var centers, ratios []float64
		badRatio := false
		for _, r := range t.Rows {
			c, ok := t.Cells[cellKey{r, col}]
			if !ok {
				continue
			}
			centers = append(centers, c.Summary.Center)
			if c.Baseline == nil {
				continue
			}
			a, b := c.Summary.Center, c.Baseline.Summary.Center
			switch {
			case a == b:
				ratios = append(ratios, 1) // 0/0 counts as no change
			case b == 0:
				badRatio = true
				ratios = append(ratios, 0) // keeps the count check below working
			default:
				ratios = append(ratios, a/b)
			}
		}
		if i > 0 && nBase != len(ratios) {
			s.Warnings = append(s.Warnings, fmt.Errorf("benchmark set differs from baseline; geomeans may not be comparable"))
		}
		if gm := stats.GeoMean(centers); math.IsNaN(gm) {
			s.Warnings = append(s.Warnings, fmt.Errorf("summaries must be >0 to compute geomean"))
		} else {
			s.HasSummary, s.Summary = true, gm
		}
		if i > 0 && !badRatio {
			if gm := stats.GeoMean(ratios); math.IsNaN(gm) {
				s.Warnings = append(s.Warnings, fmt.Errorf("ratios must be >0 to compute geomean"))
			} else {
				s.HasRatio, s.Ratio = true, gm
			}
		}
	}
}
