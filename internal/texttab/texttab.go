// Package texttab lays out benchstat's text tables, as x/perf keeps its
// own texttab apart from benchstat: a label column, then per column of
// the comparison its values and, after the first, their change from the
// first column's, columns between │ rules, the column labels centered
// over them and the unit and "vs base" beneath. It knows strings and
// widths only; what goes in the cells is the caller's. It imports
// nothing of the project.
package texttab

import (
	"io"
	"strings"
	"unicode/utf8"
)

// Table is one table: a row per benchmark (and a summary row, if the
// caller adds one) under a header of column labels and units.
type Table struct {
	Unit string   // over each column's values
	Cols []string // the column labels; every column after the first is compared with it
	Rows []Row
}

// Row is a body row: its label and a cell per column of Table.Cols (a
// missing cell is the zero Cell).
type Row struct {
	Label string
	Cells []Cell
}

// Cell is one column's part of a row: its value, as a center, a range
// and footnote marks, and after the first column its change from the
// first column's cell, as a delta, the test that says whether it is
// significant, and footnote marks. An empty part takes no room; see
// rightAligned for which parts are aligned right.
type Cell struct {
	Center, Range, Marks   string
	Delta, Test, TestMarks string // ignored in the first column
}

// vsBase heads the change part of every column after the first.
const vsBase = "vs base"

// Width is how many columns s takes: its runes, so µ, ± and superscript
// marks count one each.
func Width(s string) int { return utf8.RuneCountInString(s) }

// Format writes t to w: the two header rows, then the body rows, each
// line without trailing spaces.
func (t *Table) Format(w io.Writer) error {
	l := newLayout(t)
	var b strings.Builder
	l.header(&b)
	for _, r := range l.grid {
		l.body(&b, r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
