// Package texttab lays out benchstat's text tables, as x/perf keeps its
// own texttab apart from benchstat: a label column, then per column of
// the comparison its values and, after the first, their change from the
// first column's, columns between │ rules, the column labels centered
// over them and the unit and "vs base" beneath. The bytes are
// benchstat's: the same widths, the same alignments (the ± of every
// range in a margin of its own, so that the ranges align right after it;
// the tests aligned left), the same padding, even where a "vs base"
// overruns the columns under it. It knows strings and widths only; what
// goes in the cells is the caller's. It imports nothing of the project.
package texttab

import (
	"io"
	"strings"
	"unicode/utf8"
)

// Table is one table: a row per benchmark (and a summary row, if the
// caller adds one) under a header of column labels and units.
type Table struct {
	Unit string // over each column's values
	// Cols is how many columns the table has; every column after the
	// first is compared with it.
	Cols int
	// Header is the rows of column labels, top first, above the unit
	// row; a label may span several adjacent columns (a value shared by
	// columns that differ in a later row's), and each row's labels cover
	// the columns in order.
	Header [][]Label
	Rows   []Row
}

// Label is a column label: its text, centered over Cols adjacent
// columns (0 counts as 1).
type Label struct {
	Text string
	Cols int
}

// Labels is a header of one row: a label per column.
func Labels(texts ...string) [][]Label {
	row := make([]Label, len(texts))
	for i, s := range texts {
		row[i] = Label{Text: s, Cols: 1}
	}
	return [][]Label{row}
}

// Row is a body row: its label and a cell per column (a missing cell is
// the zero Cell; cells past Table.Cols are ignored).
type Row struct {
	Label string
	Cells []Cell
}

// Cell is one column's part of a row: its value, as a center, a range
// (printed after a ±, which it must not hold) and footnote marks, and
// after the first column its change from the first column's cell, as a
// delta, the test that says whether it is significant, and footnote
// marks. An empty part takes no room. Centers, ranges and deltas align
// right, unless LeftDelta; tests and marks left.
type Cell struct {
	Center, Range, Marks   string
	Delta, Test, TestMarks string // ignored in the first column
	LeftDelta              bool   // align Delta left, as benchstat does a summary row's "?"
}

// vsBase heads the change part of every column after the first.
const vsBase = "vs base"

// Width is how many columns s takes: its runes, so µ, ± and superscript
// marks count one each.
func Width(s string) int { return utf8.RuneCountInString(s) }

// Format writes t to w: the header rows, the unit row, then the body
// rows, each line without trailing spaces.
func (t *Table) Format(w io.Writer) error {
	var b strings.Builder
	t.grid().format(&b)
	_, err := io.WriteString(w, b.String())
	return err
}
