package texttab

import (
	"slices"
	"strings"
)

// A grid is text set in columns, the engine under Table: cells placed at
// a row and a grid column, some spanning several columns, each with its
// alignment and a left margin. It sizes and prints the columns the way
// benchstat's text tables come out:
//
//   - A column's margin is as wide as the widest margin of a cell that
//     starts in it, and every cell starting there prints its margin
//     aligned right in that width.
//   - A column is as wide as its widest one-column cell, margin included.
//     Then the spanning cells, narrowest span first, widen the columns
//     they span that may grow (not the shrink ones) until their text
//     fits: the widest of those first, each to the rounded-up average of
//     what is still missing.
//   - A row prints its cells left to right, skipping the blank ones (no
//     text and a blank margin), each padded to its place from where the
//     previous one ended. Where a cell ran past its place (a "vs base"
//     over columns too narrow for it, which never grow) the next is still
//     padded by the overrun, and the columns after it shift right, as in
//     benchstat's text.
type grid struct {
	cells  []gridCell
	shrink map[int]bool // the columns spanning cells may not widen
}

// gridCell is one cell of a grid.
type gridCell struct {
	row, col, span int
	text, margin   string
	align          align
}

type align int

const (
	alignLeft align = iota
	alignCenter
	alignRight
)

// add places a cell at row and column col, spanning span columns.
func (g *grid) add(row, col, span int, text, margin string, a align) {
	g.cells = append(g.cells, gridCell{row, col, span, text, margin, a})
}

// widths returns each column's margin width and its width, margin
// included, for ncols columns.
func (g *grid) widths(ncols int) (margins, ws []int) {
	margins, ws = make([]int, ncols), make([]int, ncols)
	for _, c := range g.cells {
		margins[c.col] = max(margins[c.col], Width(c.margin))
	}
	var spanning []gridCell
	for _, c := range g.cells {
		if c.span == 1 {
			ws[c.col] = max(ws[c.col], Width(c.text)+margins[c.col])
		} else {
			spanning = append(spanning, c)
		}
	}
	slices.SortStableFunc(spanning, func(a, b gridCell) int { return a.span - b.span })
	for _, c := range spanning {
		g.widen(ws, c.col, c.span, Width(c.text)+margins[c.col])
	}
	return margins, ws
}

// widen makes columns col..col+span-1 at least need wide together,
// growing only those that may grow: the widest first, each to at least
// the rounded-up average of what the rest must still cover.
func (g *grid) widen(ws []int, col, span, need int) {
	total := 0
	for k := col; k < col+span; k++ {
		total += ws[k]
	}
	if total >= need {
		return
	}
	var grow []int
	for k := col; k < col+span; k++ {
		if g.shrink[k] {
			need -= ws[k]
		} else {
			grow = append(grow, k)
		}
	}
	slices.SortStableFunc(grow, func(a, b int) int { return ws[b] - ws[a] })
	for i, k := range grow {
		left := len(grow) - i
		ws[k] = max(ws[k], (need+left-1)/left)
		need -= ws[k]
	}
}

// format writes the grid's rows, each ending in a newline.
func (g *grid) format(b *strings.Builder) {
	ncols, nrows := 0, 0
	for _, c := range g.cells {
		ncols, nrows = max(ncols, c.col+c.span), max(nrows, c.row+1)
	}
	margins, ws := g.widths(ncols)
	offs := make([]int, ncols+1) // where each column's margin starts
	for k, w := range ws {
		offs[k+1] = offs[k] + w
	}
	cells := slices.Clone(g.cells)
	slices.SortStableFunc(cells, func(a, b gridCell) int {
		if a.row != b.row {
			return a.row - b.row
		}
		return a.col - b.col
	})
	row, at := 0, 0 // at: where the row's text ends, as the columns count it
	for _, c := range cells {
		if strings.TrimSpace(c.text) == "" && strings.TrimSpace(c.margin) == "" {
			continue
		}
		for ; row < c.row; row++ {
			b.WriteString("\n")
			at = 0
		}
		m := margins[c.col]
		b.WriteString(fill(offs[c.col] - at))
		b.WriteString(padLeft(c.margin, m))
		at = offs[c.col] + m // an overrun before it is not counted
		s := c.align.pad(c.text, offs[c.col+c.span]-offs[c.col]-m)
		b.WriteString(s)
		at += Width(s)
	}
	if len(cells) > 0 {
		b.WriteString("\n")
	}
}

// pad aligns s in a space w wide: left leaves it as it is, center puts
// half the room before it and none after, right puts the room before it.
// Where s does not fit it is left as it is, but a center or right
// alignment with less than no room still pads by the shortfall (center
// before s, right after it), which is what benchstat prints there.
func (a align) pad(s string, w int) string {
	switch a {
	case alignCenter:
		return fill((w-Width(s))/2) + s
	case alignRight:
		if w < 0 {
			return s + strings.Repeat(" ", max(0, -w-Width(s)))
		}
		return padLeft(s, w)
	}
	return s
}

// fill is n spaces, or -n where n is negative: the padding before a cell
// that the previous one overran.
func fill(n int) string {
	if n < 0 {
		n = -n
	}
	return strings.Repeat(" ", n)
}

// padLeft pads s with spaces on the left to width w.
func padLeft(s string, w int) string {
	return strings.Repeat(" ", max(0, w-Width(s))) + s
}
