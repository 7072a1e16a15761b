package texttab

// A Table is set on a grid (grid.go) as benchstat sets its tables:
//
//   - grid column 0 holds the row labels;
//   - table column 0 takes three grid columns: center, range, marks;
//   - every later table column six: center, range, marks, delta, test,
//     marks.
//
// The header rows put each column label, centered, over its table
// columns' grid columns after a " │ " margin, and close the row with a
// " │" after the last column. The unit row puts the unit, centered, over
// each table column's first three grid columns after a " │ " margin and,
// after the first column, "vs base" over the other three after two
// spaces; only the center columns may widen to fit what spans them.
//
// A body cell's parts have one-space margins, but the range's is " ± ",
// so the ± signs line up and the ranges align right after them. Centers
// and deltas align right, marks and tests left, and so does a delta the
// caller asks to (the geomean row's "?"). As each grid column's margin is
// its widest, the center after a " │ " rule and the delta after the two
// spaces before "vs base" keep that room in every row.

// startCol is the grid column where table column j starts.
func startCol(j int) int {
	if j == 0 {
		return 1
	}
	return 4 + 6*(j-1)
}

// grid sets t on a grid.
func (t *Table) grid() *grid {
	g := &grid{shrink: map[int]bool{}}
	edge := startCol(t.Cols) // the column after the last: the closing rule
	row := 0
	for _, labels := range t.Header {
		j := 0
		for _, l := range labels {
			n := max(1, l.Cols)
			g.add(row, startCol(j), startCol(j+n)-startCol(j), l.Text, " │ ", alignCenter)
			j += n
		}
		g.add(row, edge, 1, "", " │", alignLeft)
		row++
	}
	for j := range t.Cols {
		c, end := startCol(j), startCol(j)+3
		g.add(row, c, 3, t.Unit, " │ ", alignCenter)
		if j > 0 {
			g.add(row, c+3, 3, vsBase, "  ", alignLeft)
			end += 3
		}
		for k := c + 1; k < end; k++ {
			g.shrink[k] = true
		}
	}
	g.add(row, edge, 1, "", " │", alignLeft)
	for _, r := range t.Rows {
		row++
		g.add(row, 0, 1, r.Label, "", alignLeft)
		for j, c := range r.Cells[:min(len(r.Cells), t.Cols)] {
			g.body(row, j, c)
		}
	}
	return g
}

// body places cell c of table column j in row.
func (g *grid) body(row, j int, c Cell) {
	k := startCol(j)
	part := func(col int, text, margin string, a align) {
		if text != "" {
			g.add(row, col, 1, text, margin, a)
		}
	}
	part(k, c.Center, " ", alignRight)
	part(k+1, c.Range, " ± ", alignRight)
	part(k+2, c.Marks, " ", alignLeft)
	if j == 0 {
		return
	}
	deltaAlign := alignRight
	if c.LeftDelta {
		deltaAlign = alignLeft
	}
	part(k+3, c.Delta, " ", deltaAlign)
	part(k+4, c.Test, " ", alignLeft)
	part(k+5, c.TestMarks, " ", alignLeft)
}
