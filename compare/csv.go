package compare

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
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

// csv writes one table in benchstat's csv layout starting at spreadsheet
// row startRow, and returns how many rows it wrote.
func (t *tab) csv(o *csv.Writer, startRow int, warnings io.Writer) (rowCount int) {
	const labelCols, centerCols, deltaCols = 1, 2, 2
	startCol := func(exp int) int {
		if exp == 0 {
			return labelCols
		}
		return labelCols + centerCols + (exp-1)*(centerCols+deltaCols)
	}
	var row []string
	clearTo := func(col int) {
		for len(row) < col {
			row = append(row, "")
		}
	}
	emit := func() {
		o.Write(row)
		row = row[:0]
		rowCount++
	}
	warn := func(msgs []error) {
		for _, msg := range msgs {
			fmt.Fprintf(warnings, "%s%d: %s\n", spreadsheetCol(len(row)), startRow+rowCount, msg)
		}
	}
	for _, f := range t.Cols[0].Projection().FlattenedFields() {
		for exp, key := range t.Cols {
			clearTo(startCol(exp))
			row = append(row, key.Get(f))
		}
		clearTo(startCol(len(t.Cols)))
		emit()
	}
	for exp := range t.Cols {
		clearTo(startCol(exp))
		row = append(row, t.Unit, "CI")
		if exp > 0 {
			row = append(row, "vs base", "P")
		}
	}
	emit()
	for _, rk := range t.Rows {
		row = append(row, rk.StringValues())
		for exp, ck := range t.Cols {
			cell, ok := t.Cells[cellKey{rk, ck}]
			if !ok {
				continue
			}
			clearTo(startCol(exp))
			warn(cell.Sample.Warnings)
			warn(cell.Summary.Warnings)
			row = append(row, fmt.Sprint(cell.Summary.Center), cell.Summary.PctRangeString())
			if exp > 0 && cell.Baseline != nil {
				warn(cell.Comparison.Warnings)
				row = append(row, cell.Comparison.FormatDelta(cell.Baseline.Summary.Center, cell.Summary.Center), cell.Comparison.String())
			}
		}
		emit()
	}
	row = append(row, "geomean")
	for exp, key := range t.Cols {
		s := t.Summary[key]
		clearTo(startCol(exp))
		warn(s.Warnings)
		if s.HasSummary {
			row = append(row, fmt.Sprint(s.Summary))
		}
		if exp > 0 {
			clearTo(startCol(exp) + centerCols)
			if s.HasRatio {
				row = append(row, fmt.Sprintf("%+.2f%%", (s.Ratio-1)*100))
			} else {
				row = append(row, "?")
			}
		}
	}
	clearTo(startCol(len(t.Cols)))
	emit()
	return rowCount
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
