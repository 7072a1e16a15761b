package compare

import (
	"bytes"
	"fmt"

	"golang.org/x/perf/benchproc"
	"golang.org/x/perf/benchunit"

	"github.com/concbench/concbench/internal/footnote"
	"github.com/concbench/concbench/internal/texttab"
)

// text writes benchstat's tables: per table the configuration lines that
// changed, a header of column labels and units, a row per benchmark with
// each column's center ± interval and, after the first column, the change
// and p-value, the geomean row, the footnotes; then the skipped lines and
// the regressions, last.
func (c *comparison) text(w *bytes.Buffer) error {
	for i, t := range c.tables {
		if i > 0 {
			w.WriteString("\n")
		}
		for _, h := range headers(c.tables, i) {
			w.WriteString(h + "\n")
		}
		var notes footnotes
		if err := textTable(t, &notes).Format(w); err != nil {
			return err
		}
		for k, n := range notes.list {
			fmt.Fprintf(w, "%s %s\n", footnote.Superscript(k+1), n)
		}
	}
	if len(c.tables) == 0 {
		w.WriteString("no benchmark results (after -filter)\n")
	}
	if len(c.skipped) > 0 {
		w.WriteString("\nwarnings (lines skipped):\n")
		for _, s := range c.skipped {
			w.WriteString("  " + s + "\n")
		}
	}
	c.regressionsText(w)
	return nil
}

// textTable is t as texttab lays it out: a row per benchmark and, if
// there is more than one, the geomean row. Its warnings are numbered in
// notes, in the order benchstat numbers them: row by row, and in a row
// column by column, a cell's own before its comparison's.
func textTable(t *tab, notes *footnotes) *texttab.Table {
	tt := &texttab.Table{Unit: t.Unit, Cols: len(t.Cols), Header: textHeader(t.Cols)}
	for _, r := range t.Rows {
		tt.Rows = append(tt.Rows, textRow(t, r, notes))
	}
	if len(t.Rows) > 1 {
		tt.Rows = append(tt.Rows, textGeomean(t, notes))
	}
	return tt
}

// textHeader is the column labels of cols as benchstat heads its
// columns: a row per field of the column projection, and in a row one
// label over each run of adjacent columns with the same value under the
// same label above.
func textHeader(cols []benchproc.Key) [][]texttab.Label {
	var rows [][]texttab.Label
	for level := benchproc.NewKeyHeader(cols).Top; len(level) > 0; {
		var row []texttab.Label
		var next []*benchproc.KeyHeaderNode
		for _, n := range level {
			row = append(row, texttab.Label{Text: n.Value, Cols: n.Len})
			next = append(next, n.Children...)
		}
		rows, level = append(rows, row), next
	}
	return rows
}

// textRow is row r of t: per column the center (scaled with the row's
// other centers) ± interval and, after the first column, the change from
// the first column's cell and its test, "(p=0.002 n=6)".
func textRow(t *tab, r benchproc.Key, notes *footnotes) texttab.Row {
	sc := t.rowScaler(r)
	row := texttab.Row{Label: r.StringValues(), Cells: make([]texttab.Cell, len(t.Cols))}
	for j, col := range t.Cols {
		cell, ok := t.Cells[cellKey{r, col}]
		if !ok {
			continue
		}
		tc := &row.Cells[j]
		tc.Center, tc.Range = sc.Format(cell.Summary.Center), cell.Summary.PctRangeString()
		tc.Marks = notes.mark(cell.Sample.Warnings, cell.Summary.Warnings)
		if j > 0 && cell.Baseline != nil {
			tc.Delta = cell.Comparison.FormatDelta(cell.Baseline.Summary.Center, cell.Summary.Center)
			tc.Test = "(" + cell.Comparison.String() + ")"
			tc.TestMarks = notes.mark(cell.Comparison.Warnings)
		}
	}
	return row
}

// textGeomean is t's geomean row: each column's geomean and, after the
// first, its geomean ratio to the first column as a change; a column's
// warnings are marked after the change, or after the geomean in the
// first column.
func textGeomean(t *tab, notes *footnotes) texttab.Row {
	row := texttab.Row{Label: "geomean", Cells: make([]texttab.Cell, len(t.Cols))}
	cls := benchunit.ClassOf(t.Unit)
	for j, col := range t.Cols {
		s := t.Summary[col]
		tc := &row.Cells[j]
		if s.HasSummary {
			tc.Center = benchunit.Scale(s.Summary, cls)
		}
		if j == 0 {
			tc.Marks = notes.mark(s.Warnings)
			continue
		}
		tc.Delta, tc.LeftDelta, tc.TestMarks = s.ratioString(), !s.HasRatio, notes.mark(s.Warnings)
	}
	return row
}
