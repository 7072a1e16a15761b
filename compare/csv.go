package compare

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"

	"golang.org/x/perf/benchproc"
)

// csv writes benchstat's -format csv exactly, and to warn what benchstat
// writes to standard error with it (each cell's warnings, named by their
// spreadsheet cell), then the skipped lines and the regressions.
func (c *comparison) csv(w, warn *bytes.Buffer) error {
	o := csv.NewWriter(w)
	row := 1
	for i, t := range c.tables {
		if i > 0 {
			o.Write([]string{""})
			row++
		}
		for _, h := range headers(c.tables, i) {
			o.Write([]string{h})
			row++
		}
		row += t.csv(o, row, warn)
	}
	o.Flush()
	for _, s := range c.skipped {
		fmt.Fprintln(warn, s)
	}
	c.regressionsText(warn)
	return o.Error()
}

// csvTable writes one table in benchstat's csv layout
// (benchtab.Table.ToCSV): a row per key field of the columns with their
// values, a row of units, a row per benchmark and the geomean row. A
// table column takes two spreadsheet columns (center, CI), and after the
// first four (center, CI, vs base, P). Warnings go to warnings, each
// named by the spreadsheet cell it belongs to.
type csvTable struct {
	t        *tab
	o        *csv.Writer
	warnings io.Writer
	startRow int      // the spreadsheet row (from 1) of the table's first row
	rowCount int      // rows written so far
	row      []string // the row being built
}

const csvLabelCols, csvCenterCols, csvDeltaCols = 1, 2, 2

// csv writes t in benchstat's csv layout starting at spreadsheet row
// startRow, and returns how many rows it wrote.
func (t *tab) csv(o *csv.Writer, startRow int, warnings io.Writer) int {
	ct := &csvTable{t: t, o: o, warnings: warnings, startRow: startRow}
	ct.labels()
	ct.units()
	for _, rk := range t.Rows {
		ct.benchmark(rk)
	}
	ct.geomean()
	return ct.rowCount
}

// startCol is the first spreadsheet column of table column exp.
func (ct *csvTable) startCol(exp int) int {
	if exp == 0 {
		return csvLabelCols
	}
	return csvLabelCols + csvCenterCols + (exp-1)*(csvCenterCols+csvDeltaCols)
}

// clearTo fills the row with empty cells up to column col.
func (ct *csvTable) clearTo(col int) {
	for len(ct.row) < col {
		ct.row = append(ct.row, "")
	}
}

// emit writes the row and starts the next.
func (ct *csvTable) emit() {
	ct.o.Write(ct.row)
	ct.row = ct.row[:0]
	ct.rowCount++
}

// warn writes msgs as the warnings of the cell the row is at.
func (ct *csvTable) warn(msgs []error) {
	for _, msg := range msgs {
		fmt.Fprintf(ct.warnings, "%s%d: %s\n", spreadsheetCol(len(ct.row)), ct.startRow+ct.rowCount, msg)
	}
}

// labels writes a row per field of the column projection: each column's
// value of it, over the column's first spreadsheet column.
func (ct *csvTable) labels() {
	t := ct.t
	for _, f := range t.Cols[0].Projection().FlattenedFields() {
		for exp, key := range t.Cols {
			ct.clearTo(ct.startCol(exp))
			ct.row = append(ct.row, key.Get(f))
		}
		ct.clearTo(ct.startCol(len(t.Cols)))
		ct.emit()
	}
}

// units writes the row naming each spreadsheet column: the unit, CI,
// and after the first table column vs base and P.
func (ct *csvTable) units() {
	for exp := range ct.t.Cols {
		ct.clearTo(ct.startCol(exp))
		ct.row = append(ct.row, ct.t.Unit, "CI")
		if exp > 0 {
			ct.row = append(ct.row, "vs base", "P")
		}
	}
	ct.emit()
}

// benchmark writes row rk: its label, then per column the center as a
// plain number, the range and, after the first column, the delta and
// the test. A missing cell is left out, as benchstat leaves it.
func (ct *csvTable) benchmark(rk benchproc.Key) {
	t := ct.t
	ct.row = append(ct.row, rk.StringValues())
	for exp, ck := range t.Cols {
		cell, ok := t.Cells[cellKey{rk, ck}]
		if !ok {
			continue
		}
		ct.clearTo(ct.startCol(exp))
		ct.warn(cell.Sample.Warnings)
		ct.warn(cell.Summary.Warnings)
		ct.row = append(ct.row, fmt.Sprint(cell.Summary.Center), cell.Summary.PctRangeString())
		if exp > 0 && cell.Baseline != nil {
			ct.warn(cell.Comparison.Warnings)
			ct.row = append(ct.row, cell.Comparison.FormatDelta(cell.Baseline.Summary.Center, cell.Summary.Center), cell.Comparison.String())
		}
	}
	ct.emit()
}

// geomean writes the geomean row: each column's geomean as a plain
// number and, after the first, its ratio to the first column's.
func (ct *csvTable) geomean() {
	t := ct.t
	ct.row = append(ct.row, "geomean")
	for exp, key := range t.Cols {
		s := t.Summary[key]
		ct.clearTo(ct.startCol(exp))
		ct.warn(s.Warnings)
		if s.HasSummary {
			ct.row = append(ct.row, fmt.Sprint(s.Summary))
		}
		if exp > 0 {
			ct.clearTo(ct.startCol(exp) + csvCenterCols)
			ct.row = append(ct.row, s.ratioString())
		}
	}
	ct.clearTo(ct.startCol(len(t.Cols)))
	ct.emit()
}

// spreadsheetCol names column x (0-based) as benchstat's csv warnings do.
// (benchstat's own naming is kept, including its quirks past column Z,
// so that the warnings match.)
func spreadsheetCol(x int) string {
	name := make([]byte, 10)
	pos := len(name)
	for ; x > 0; x /= 26 {
		pos--
		name[pos] = 'A' + byte(x%26)
	}
	if pos == len(name) {
		pos--
		name[pos] = 'A'
	}
	return string(name[pos:])
}
