package texttab

import "strings"

// The layout works on a grid of the body: grid column 0 is the row
// label; then table column 0 has three grid columns (center, range,
// marks) and every later table column six (center, range, marks, delta,
// test, marks). Each grid column is as wide as its widest cell, and a
// table column's parts are its grid columns joined one space apart,
// widened to fit the unit, "vs base" and the column's label.

// gridCols is how many grid columns a table of n columns has.
func gridCols(n int) int { return 1 + 3 + 6*(n-1) }

// rightAligned reports whether grid column k is aligned right. Labels
// and marks are aligned left, centers and deltas right; ranges are
// aligned right in the first column but left in the later ones, and
// tests left in none of them but right in the later ones. That is the
// layout runbench compare has always printed (its modulus counts from
// the first column's grid, so it is off by three in later columns), kept
// byte for byte. It shows only where a column's ranges or tests differ
// in width ("± ∞" beside "± 13%"), and there the text differs from
// benchstat's, which right-aligns every range after a ± in the margin.
func rightAligned(k int) bool {
	if k == 0 {
		return false
	}
	k = (k - 1) % 6 // in the first column: 0 center, 1 range, 2 marks
	return k == 0 || k == 1 || k == 3
}

// group is a table column's span of grid columns and its width: its
// values part [vlo, vhi), vw wide, and after the first column its change
// part [dlo, dhi), dw wide.
type group struct{ vlo, vhi, dlo, dhi, vw, dw int }

// layout is a table measured for printing.
type layout struct {
	t      *Table
	grid   [][]string // the body rows as grid rows
	ws     []int      // the width of each grid column
	groups []group    // one per table column
}

func newLayout(t *Table) *layout {
	l := &layout{t: t, ws: make([]int, gridCols(len(t.Cols)))}
	for _, r := range t.Rows {
		g := gridRow(r, len(t.Cols))
		for k, c := range g {
			l.ws[k] = max(l.ws[k], Width(c))
		}
		l.grid = append(l.grid, g)
	}
	l.measureGroups()
	return l
}

// gridRow flattens r into its grid columns.
func gridRow(r Row, ncols int) []string {
	g := make([]string, 0, gridCols(ncols))
	g = append(g, r.Label)
	for j := range ncols {
		var c Cell
		if j < len(r.Cells) {
			c = r.Cells[j]
		}
		g = append(g, c.Center, c.Range, c.Marks)
		if j > 0 {
			g = append(g, c.Delta, c.Test, c.TestMarks)
		}
	}
	return g
}

// measureGroups finds each table column's grid span and the widths of
// its parts: as wide as their cells, the unit (over the values) and
// "vs base" (over the change), and the whole column as wide as its label.
func (l *layout) measureGroups() {
	empty := make([]string, len(l.ws))
	l.groups = make([]group, len(l.t.Cols))
	for j, label := range l.t.Cols {
		var g group
		if j == 0 {
			g.vlo, g.vhi = 1, 4
		} else {
			g.vlo = 4 + 6*(j-1)
			g.vhi, g.dlo, g.dhi = g.vlo+3, g.vlo+3, g.vlo+6
		}
		g.vw = max(Width(l.join(empty, g.vlo, g.vhi)), Width(l.t.Unit))
		if j > 0 {
			g.dw = max(Width(l.join(empty, g.dlo, g.dhi)), Width(vsBase))
		}
		l.groups[j] = g
		if d := Width(label) - l.groupWidth(j); d > 0 {
			l.groups[j].vw += d // a long label widens its column
		}
	}
}

// groupWidth is the width of table column j between its rules.
func (l *layout) groupWidth(j int) int {
	g := l.groups[j]
	if j == 0 {
		return g.vw
	}
	return g.vw + 2 + g.dw
}

// join lays out grid columns lo..hi-1 of row r, one space apart,
// leaving out the columns no cell uses (an empty marks column, say).
func (l *layout) join(r []string, lo, hi int) string {
	var parts []string
	for k := lo; k < hi; k++ {
		if l.ws[k] == 0 {
			continue
		}
		parts = append(parts, pad(r[k], l.ws[k], rightAligned(k)))
	}
	return strings.Join(parts, " ")
}

// header writes the two header rows: the column labels centered over
// their columns, then the unit centered over each column's values and
// "vs base" over each later column's change.
func (l *layout) header(b *strings.Builder) {
	l.ruled(b, func(j int) string { return center(l.t.Cols[j], l.groupWidth(j)) })
	l.ruled(b, func(j int) string {
		s := center(l.t.Unit, l.groups[j].vw)
		if j > 0 {
			s += "  " + pad(vsBase, l.groups[j].dw, false)
		}
		return s
	})
}

// ruled writes a header row: an empty label, then cell(j) of each table
// column between │ rules.
func (l *layout) ruled(b *strings.Builder, cell func(j int) string) {
	var line strings.Builder
	line.WriteString(pad("", l.ws[0], false))
	for j := range l.t.Cols {
		line.WriteString(" │ " + cell(j))
	}
	line.WriteString(" │")
	b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
}

// body writes grid row r: its label, then per table column its values
// aligned right under the rule's place and its change aligned left.
func (l *layout) body(b *strings.Builder, r []string) {
	var line strings.Builder
	line.WriteString(pad(r[0], l.ws[0], false))
	for j, g := range l.groups {
		line.WriteString("   " + pad(l.join(r, g.vlo, g.vhi), g.vw, true))
		if j > 0 {
			line.WriteString("  " + pad(l.join(r, g.dlo, g.dhi), g.dw, false))
		}
	}
	b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
}

// pad pads s with spaces to width w, on the left if right is set.
func pad(s string, w int, right bool) string {
	fill := strings.Repeat(" ", max(0, w-Width(s)))
	if right {
		return fill + s
	}
	return s + fill
}

// center pads s with spaces to width w on both sides, the odd space on
// the right.
func center(s string, w int) string {
	l := max(0, (w-Width(s))/2)
	return strings.Repeat(" ", l) + s + strings.Repeat(" ", max(0, w-Width(s)-l))
}
