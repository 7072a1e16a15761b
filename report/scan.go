package report

import (
	"fmt"
	"math"
	"os"
	"strconv"

	"golang.org/x/perf/benchfmt"
)

// scanResults reads the benchfmt file at path and calls keep with each
// result line it accepts, in file order. It is the one reader of result
// lines that the report and Compare share, so both refuse the same lines.
//
// It returns the file's unit metadata and its warnings, each
// "file:line: message", in file order: benchfmt's syntax errors and the
// lines refused because a value is not finite. A NaN or ±Inf value
// poisons every statistic after it (the Mann–Whitney U step grows without
// bound on a NaN, medians and geomeans turn NaN, a chart's axis turns
// infinite), so such a line is skipped whole, before any statistics. The
// tidied value (ns/op read as sec/op, MB/s as B/s) is checked as well as
// the one written, since tidying can overflow a finite value to ±Inf.
// Zero and negative values are data and are kept.
//
// Only an unreadable file is an error.
func scanResults(path string, keep func(*benchfmt.Result)) (benchfmt.UnitMetadataMap, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("report: %w", err)
	}
	defer f.Close()
	var warnings []string
	r := benchfmt.NewReader(f, path)
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.SyntaxError:
			warnings = append(warnings, rec.Error())
		case *benchfmt.Result:
			if w := nonFinite(rec); w != "" {
				warnings = append(warnings, w)
				continue
			}
			keep(rec)
		}
	}
	if err := r.Err(); err != nil {
		return nil, nil, fmt.Errorf("report: reading %s: %w", path, err)
	}
	return r.Units(), warnings, nil
}

// nonFinite returns the warning for a result with a value that is not a
// finite number, or "" if all its values are finite. The warning names
// the unit as written in the file:
//
//	results.txt:12: ns/op: value NaN is not a finite number, line skipped
//	results.txt:13: MB/s: value 1e+305 is not finite in B/s, line skipped
func nonFinite(rec *benchfmt.Result) string {
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	for _, v := range rec.Values {
		unit, val := written(v)
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

// written returns a value's unit and value as the file wrote them, before
// benchfmt tidied them.
func written(v benchfmt.Value) (unit string, val float64) {
	if v.OrigUnit != "" {
		return v.OrigUnit, v.OrigValue
	}
	return v.Unit, v.Value
}
