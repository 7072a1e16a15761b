package compare

import (
	"fmt"
	"strings"

	"golang.org/x/perf/benchproc"
	"golang.org/x/perf/benchunit"

	"github.com/concbench/concbench/internal/footnote"
)

// This file holds what the text, markdown and csv renderers share.

// footnotes numbers a table's warnings, as benchstat does: each distinct
// message once, in order of first use.
type footnotes struct{ list []string }

// mark returns the marks of errs, space-separated, numbering the
// messages f does not hold yet.
func (f *footnotes) mark(errs ...[]error) string {
	return strings.Join(footnote.Marks(&f.list, errs...), " ")
}

// headers returns, for table i, the "key: value" lines of its key that
// changed since table i-1, as benchstat prints them above a table.
func headers(tables []*tab, i int) []string {
	var out []string
	for _, f := range tables[i].Key.Projection().FlattenedFields() {
		if f.Name == ".unit" {
			continue
		}
		v := tables[i].Key.Get(f)
		if i == 0 || v != tables[i-1].Key.Get(f) {
			out = append(out, f.Name+": "+v)
		}
	}
	return out
}

// rowScaler is benchstat's common scale for the centers of one row.
func (t *tab) rowScaler(row benchproc.Key) benchunit.Scaler {
	var vs []float64
	for _, col := range t.Cols {
		if c, ok := t.Cells[cellKey{row, col}]; ok {
			vs = append(vs, c.Summary.Center)
		}
	}
	return benchunit.CommonScale(vs, benchunit.ClassOf(t.Unit))
}

// ratioString is the geomean ratio to the first column as benchstat
// prints it, "-7.90%", or "?" when there is none.
func (s *tabSummary) ratioString() string {
	if !s.HasRatio {
		return "?"
	}
	return fmt.Sprintf("%+.2f%%", (s.Ratio-1)*100)
}
