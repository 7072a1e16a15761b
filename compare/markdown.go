package compare

import (
	"bytes"
	"fmt"
	"strings"

	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchproc"
	"golang.org/x/perf/benchunit"

	"github.com/concbench/concbench/internal/footnote"
)

// markdown writes each table as a pull-request comment table: the
// configuration lines, then a row per benchmark with each column's
// center ± interval and its change from the first column; the footnotes,
// the skipped lines, and the regressions last.
func (c *comparison) markdown(w *bytes.Buffer) error {
	for i, t := range c.tables {
		w.WriteString("\n")
		if hs := headers(c.tables, i); len(hs) > 0 {
			for k, h := range hs {
				hs[k] = "`" + h + "`"
			}
			w.WriteString(strings.Join(hs, " · ") + "\n\n")
		}
		var notes footnotes
		markdownHeader(w, t)
		for _, r := range t.Rows {
			markdownRow(w, t, r, &notes)
		}
		if len(t.Rows) > 1 {
			markdownGeomean(w, t, &notes)
		}
		if len(notes.list) > 0 {
			w.WriteString("\n")
			for k, n := range notes.list {
				fmt.Fprintf(w, "%s %s<br>\n", footnote.Superscript(k+1), mdEscape(n))
			}
		}
	}
	if len(c.tables) == 0 {
		w.WriteString("No benchmark results (after -filter).\n")
	}
	c.markdownTail(w)
	return nil
}

// mdEscape escapes the | of s, which would end a table cell.
func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// markdownHeader writes the table's header row, the unit then each
// column's label and after the first a "vs base" column, and its
// alignment row: values right, the rest left.
func markdownHeader(w *bytes.Buffer, t *tab) {
	w.WriteString("| " + mdEscape(t.Unit))
	align := "|---"
	for j, col := range t.Cols {
		w.WriteString(" | " + mdEscape(col.StringValues()))
		align += "|---:"
		if j > 0 {
			w.WriteString(" | vs base")
			align += "|---"
		}
	}
	w.WriteString(" |\n" + align + "|\n")
}

// markdownRow writes row r: per column the center ± interval and, after
// the first, the change "-18.73% (p=0.002 n=6)", each with its marks.
func markdownRow(w *bytes.Buffer, t *tab, r benchproc.Key, notes *footnotes) {
	sc := t.rowScaler(r)
	w.WriteString("| " + mdEscape(r.StringValues()))
	for j, col := range t.Cols {
		cell, ok := t.Cells[cellKey{r, col}]
		if !ok {
			w.WriteString(" | ")
		} else {
			fmt.Fprintf(w, " | %s ± %s%s", sc.Format(cell.Summary.Center), cell.Summary.PctRangeString(), sup(notes.mark(cell.Sample.Warnings, cell.Summary.Warnings)))
		}
		if j == 0 {
			continue
		}
		if ok && cell.Baseline != nil {
			fmt.Fprintf(w, " | %s (%s)%s", strings.TrimSpace(cell.Comparison.FormatDelta(cell.Baseline.Summary.Center, cell.Summary.Center)),
				cell.Comparison.String(), sup(notes.mark(cell.Comparison.Warnings)))
		} else {
			w.WriteString(" | ")
		}
	}
	w.WriteString(" |\n")
}

// markdownGeomean writes the geomean row: each column's geomean with its
// marks ("?" if there is none) and, after the first, its ratio to the
// first column's.
func markdownGeomean(w *bytes.Buffer, t *tab, notes *footnotes) {
	cls := benchunit.ClassOf(t.Unit)
	w.WriteString("| geomean")
	for j, col := range t.Cols {
		s := t.Summary[col]
		v := "?"
		if s.HasSummary {
			v = benchunit.Scale(s.Summary, cls)
		}
		w.WriteString(" | " + v + sup(notes.mark(s.Warnings)))
		if j > 0 {
			w.WriteString(" | " + s.ratioString())
		}
	}
	w.WriteString(" |\n")
}

// markdownTail writes what follows the tables: the skipped lines, and
// the regressions if there is a threshold.
func (c *comparison) markdownTail(w *bytes.Buffer) {
	if len(c.skipped) > 0 {
		w.WriteString("\nLines skipped:\n\n")
		for _, s := range c.skipped {
			fmt.Fprintf(w, "- `%s`\n", strings.ReplaceAll(s, "`", "'"))
		}
	}
	switch {
	case c.cal != nil:
		fmt.Fprintf(w, "\n%s\n\n**Regressions beyond each benchmark's calibrated threshold** (significant at α = %g, in each unit's bad direction): %d\n",
			mdEscape(c.cal.String()), benchmath.DefaultThresholds.CompareAlpha, len(c.regs))
	case c.max > 0:
		fmt.Fprintf(w, "\n**Regressions beyond %g%%** (significant at α = %g, in each unit's bad direction): %d\n",
			c.max*100, benchmath.DefaultThresholds.CompareAlpha, len(c.regs))
	}
	if c.max > 0 || c.cal != nil {
		if len(c.regs) > 0 {
			w.WriteString("\n")
		}
		for _, r := range c.regs {
			fmt.Fprintf(w, "- %s\n", mdEscape(r.String()))
		}
	}
}

// sup is the marks of a markdown cell: after a space, without the spaces
// between them.
func sup(marks string) string {
	if marks == "" {
		return ""
	}
	return " " + strings.ReplaceAll(marks, " ", "")
}
