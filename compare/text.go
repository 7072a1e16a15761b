package compare

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/perf/benchunit"

	"github.com/concbench/concbench/internal/footnote"
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
		// A body row is the label, then per column the cells
		// center, ± range, marks and (after the first) delta, (p), marks.
		var body [][]string
		for _, r := range t.Rows {
			sc := t.rowScaler(r)
			cells := []string{r.StringValues()}
			for j, col := range t.Cols {
				cell, ok := t.Cells[cellKey{r, col}]
				if ok {
					cells = append(cells, sc.Format(cell.Summary.Center), "± "+cell.Summary.PctRangeString(), notes.mark(cell.Sample.Warnings, cell.Summary.Warnings))
				} else {
					cells = append(cells, "", "", "")
				}
				if j == 0 {
					continue
				}
				if ok && cell.Baseline != nil {
					cells = append(cells, cell.Comparison.FormatDelta(cell.Baseline.Summary.Center, cell.Summary.Center),
						"("+cell.Comparison.String()+")", notes.mark(cell.Comparison.Warnings))
				} else {
					cells = append(cells, "", "", "")
				}
			}
			body = append(body, cells)
		}
		if len(t.Rows) > 1 {
			cells := []string{"geomean"}
			cls := benchunit.ClassOf(t.Unit)
			for j, col := range t.Cols {
				s := t.Summary[col]
				v := ""
				if s.HasSummary {
					v = benchunit.Scale(s.Summary, cls)
				}
				if j == 0 {
					cells = append(cells, v, "", notes.mark(s.Warnings))
					continue
				}
				ratio := "?"
				if s.HasRatio {
					ratio = fmt.Sprintf("%+.2f%%", (s.Ratio-1)*100)
				}
				cells = append(cells, v, "", "", ratio, "", notes.mark(s.Warnings))
			}
			body = append(body, cells)
		}
		layoutText(w, t, body)
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

// layoutText lays body out under two header rows, benchstat's way: the
// column labels centered over their columns, the unit over each column's
// values and "vs base" over its changes, columns between │ rules. Widths
// count runes, so µ, ± and superscripts line up.
func layoutText(w *bytes.Buffer, t *tab, body [][]string) {
	width := func(s string) int { return utf8.RuneCountInString(s) }
	// Grid column k of body: 0 the label; then per table column j its
	// cells; alignment: centers and deltas right, the rest left.
	n := 1 + 3 + 6*(len(t.Cols)-1)
	right := func(k int) bool {
		if k == 0 {
			return false
		}
		k = (k - 1) % 6 // 0 center, 1 range, 2 marks, 3 delta, 4 p, 5 marks
		return k == 0 || k == 1 || k == 3
	}
	ws := make([]int, n)
	for _, r := range body {
		for k, c := range r {
			ws[k] = max(ws[k], width(c))
		}
	}
	pad := func(s string, wd int, r bool) string {
		if r {
			return strings.Repeat(" ", wd-width(s)) + s
		}
		return s + strings.Repeat(" ", wd-width(s))
	}
	center := func(s string, wd int) string {
		l := (wd - width(s)) / 2
		return strings.Repeat(" ", l) + s + strings.Repeat(" ", wd-width(s)-l)
	}
	// join lays out grid columns lo..hi-1 of a row, one space apart,
	// dropping empty marks columns.
	join := func(r []string, lo, hi int) string {
		var parts []string
		for k := lo; k < hi; k++ {
			if ws[k] == 0 {
				continue
			}
			parts = append(parts, pad(r[k], ws[k], right(k)))
		}
		return strings.Join(parts, " ")
	}
	// Each table column is a group of grid columns; its values part
	// (center, range, marks) and, after the first, its change part.
	type group struct{ vlo, vhi, dlo, dhi, vw, dw int }
	groups := make([]group, len(t.Cols))
	empty := make([]string, n)
	for j := range t.Cols {
		var g group
		if j == 0 {
			g.vlo, g.vhi = 1, 4
		} else {
			g.vlo = 4 + 6*(j-1)
			g.vhi, g.dlo, g.dhi = g.vlo+3, g.vlo+3, g.vlo+6
		}
		g.vw = max(width(join(empty, g.vlo, g.vhi)), width(t.Unit))
		if j > 0 {
			g.dw = max(width(join(empty, g.dlo, g.dhi)), width("vs base"))
		}
		groups[j] = g
	}
	groupWidth := func(j int) int {
		g := groups[j]
		if j == 0 {
			return g.vw
		}
		return g.vw + 2 + g.dw
	}
	line := func(label string, cell func(j int) string) {
		var b strings.Builder
		b.WriteString(pad(label, ws[0], false))
		for j := range t.Cols {
			b.WriteString(" │ " + cell(j))
		}
		b.WriteString(" │")
		w.WriteString(strings.TrimRight(b.String(), " ") + "\n")
	}
	for j, col := range t.Cols {
		if d := width(col.StringValues()) - groupWidth(j); d > 0 {
			groups[j].vw += d // a long label widens its column
		}
	}
	line("", func(j int) string { return center(t.Cols[j].StringValues(), groupWidth(j)) })
	line("", func(j int) string {
		s := center(t.Unit, groups[j].vw)
		if j > 0 {
			s += "  " + pad("vs base", groups[j].dw, false)
		}
		return s
	})
	for _, r := range body {
		var b strings.Builder
		b.WriteString(pad(r[0], ws[0], false))
		for j := range t.Cols {
			g := groups[j]
			b.WriteString("   " + pad(join(r, g.vlo, g.vhi), g.vw, true))
			if j > 0 {
				b.WriteString("  " + pad(join(r, g.dlo, g.dhi), g.dw, false))
			}
		}
		w.WriteString(strings.TrimRight(b.String(), " ") + "\n")
	}
}
