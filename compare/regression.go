package compare

import (
	"bytes"
	"fmt"
	"strings"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchunit"
)

// Regression is a cell that broke Options.MaxRegression.
type Regression struct {
	Table  string  `json:"table,omitempty"` // the table's keys that tell it from the other tables ("pkg:example.com/a")
	Unit   string  `json:"unit"`
	Name   string  `json:"name"`   // the row
	Col    string  `json:"column"` // the column that regressed
	Base   string  `json:"base"`   // the first column, compared with
	Old    float64 `json:"old"`    // centers
	New    float64 `json:"new"`
	P      float64 `json:"p"`
	Better int     `json:"better"` // +1 higher is better, -1 lower
}

// String is the regression's line in every format: its table (if there
// are several), row and unit, the centers, the change, p and the columns.
func (r Regression) String() string {
	cls := benchunit.ClassOf(r.Unit)
	var b strings.Builder
	if r.Table != "" {
		b.WriteString(r.Table + " ")
	}
	fmt.Fprintf(&b, "%s %s: %s → %s (%+.2f%%, p=%.3f; %s vs %s)", r.Name, r.Unit,
		benchunit.Scale(r.Old, cls), benchunit.Scale(r.New, cls), (r.New/r.Old-1)*100, r.P, r.Col, r.Base)
	return b.String()
}

// regressions are the cells, in table, row and column order, whose
// change from their row's first-column cell is significant and worse
// than c.max in the unit's bad direction.
func (c *comparison) regressions() []Regression {
	var out []Regression
	for _, t := range c.tables {
		better := betterOf(c.units, t.Unit)
		for _, r := range t.Rows {
			for _, col := range t.Cols[1:] {
				cell := t.Cells[cellKey{r, col}]
				if cell == nil || cell.Baseline == nil {
					continue
				}
				cmp := cell.Comparison
				old, new := cell.Baseline.Summary.Center, cell.Summary.Center
				max := c.max
				if c.cal != nil {
					max = c.cal.threshold(calKey(t, r.StringValues()))
				}
				if cmp.P < cmp.Alpha && worse(better, old, new, max) {
					out = append(out, Regression{Table: c.label(t), Unit: t.Unit, Name: r.StringValues(),
						Col: col.StringValues(), Base: t.Cols[0].StringValues(), Old: old, New: new, P: cmp.P, Better: better})
				}
			}
		}
	}
	return out
}

// betterOf is +1 if higher values of unit are better, -1 if lower: its
// better= metadata, else lower except for rates (units ending /s).
func betterOf(units benchfmt.UnitMetadataMap, unit string) int {
	if b := units.GetBetter(unit); b != 0 {
		return b
	}
	if strings.HasSuffix(unit, "/s") {
		return 1
	}
	return -1
}

// worse reports whether new is more than max (a fraction) worse than old
// in the bad direction of a unit whose better is +1 or -1.
func worse(better int, old, new, max float64) bool {
	if old == 0 {
		return better < 0 && new > 0
	}
	change := new/old - 1
	if better < 0 {
		return change > max
	}
	return change < -max
}

// regressionsText writes, if there is a threshold, the regressions as the
// text format ends and the csv format's warnings end: their count, then
// a line each.
func (c *comparison) regressionsText(w *bytes.Buffer) {
	switch {
	case c.cal != nil:
		fmt.Fprintf(w, "\n%s\nregressions beyond each benchmark's calibrated threshold (significant at alpha %g, in each unit's bad direction): %d\n",
			c.cal, benchmath.DefaultThresholds.CompareAlpha, len(c.regs))
	case c.max > 0:
		fmt.Fprintf(w, "\nregressions beyond %g%% (significant at alpha %g, in each unit's bad direction): %d\n",
			c.max*100, benchmath.DefaultThresholds.CompareAlpha, len(c.regs))
	default:
		return
	}
	for _, r := range c.regs {
		w.WriteString("  " + r.String() + "\n")
	}
}
