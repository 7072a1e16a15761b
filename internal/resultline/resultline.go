// Package resultline holds the check that every reader of result files
// makes of a benchfmt result line, so that the report and compare refuse
// the same lines with the same words: a line with a value that is not a
// finite number is skipped whole, with a warning naming its file, line
// and unit. It imports nothing of the project.
package resultline

import (
	"fmt"
	"math"
	"strconv"

	"golang.org/x/perf/benchfmt"
)

// NonFinite returns the warning for a result with a value that is not a
// finite number, or "" if all its values are finite. The tidied value
// (ns/op read as sec/op, MB/s as B/s) is checked as well as the one
// written, since tidying can overflow a finite value to ±Inf. The warning
// names the unit as written in the file:
//
//	results.txt:12: ns/op: value NaN is not a finite number, line skipped
//	results.txt:13: MB/s: value 1e+305 is not finite in B/s, line skipped
func NonFinite(rec *benchfmt.Result) string {
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	for _, v := range rec.Values {
		unit, val := Written(v)
		if finite(v.Value) && finite(val) {
			continue
		}
		what := "is not a finite number"
		if finite(val) { // finite as written, overflowed by tidying
			what = "is not finite in " + v.Unit
		}
		file, line := rec.Pos()
		return fmt.Sprintf("%s:%d: %s: value %s %s, line skipped",
			file, line, unit, strconv.FormatFloat(val, 'g', -1, 64), what)
	}
	return ""
}

// Written returns a value's unit and value as the file wrote them, before
// benchfmt tidied them.
func Written(v benchfmt.Value) (unit string, val float64) {
	if v.OrigUnit != "" {
		return v.OrigUnit, v.OrigValue
	}
	return v.Unit, v.Value
}
