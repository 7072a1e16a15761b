package report

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/concbench/concbench/internal/footnote"
	"golang.org/x/perf/benchunit"
)

// Formatting: the one place where the report's numbers become text. The
// model (stats.go, rank.go, verdict.go) holds numbers; the page, the
// charts' labels and the interactive views' script (through nsUnitsJSON)
// format them here.

// nsUnits are the steps a nanosecond value is written in, largest first.
var nsUnits = []struct {
	Div  float64
	Name string
}{{1e9, "s"}, {1e6, "ms"}, {1e3, "µs"}, {1, "ns"}}

// nsUnitsJSON is nsUnits for the page's script, which formats the values
// under the pointer with the same steps ([[1e9,"s"],…]).
func nsUnitsJSON() string {
	var pairs [][2]any
	for _, u := range nsUnits {
		pairs = append(pairs, [2]any{u.Div, u.Name})
	}
	b, _ := json.Marshal(pairs) // numbers and strings: cannot fail
	return string(b)
}

// formatNs writes nanoseconds v in the largest step it reaches, with
// digits significant digits and sep between the number and the step:
// formatNs(1234567, 4, " ") is "1.235 ms", formatNs(1234567, 3, "") is
// "1.23ms" (a tick label).
func formatNs(v float64, digits int, sep string) string {
	a := math.Abs(v)
	for _, u := range nsUnits {
		if a >= u.Div || u.Div == 1 {
			return strconv.FormatFloat(v/u.Div, 'g', digits, 64) + sep + u.Name
		}
	}
	panic("unreachable: nsUnits ends with 1")
}

// isTimeUnit reports whether values of unit are nanoseconds.
func isTimeUnit(unit string) bool {
	return strings.HasSuffix(unit, "-ns") || strings.HasPrefix(unit, "ns/") || unit == "ns"
}

// formatValue formats v of unit for humans: nanosecond units as
// durations, small whole numbers as they are, numbers below 10⁴ with four
// significant digits, the rest with SI or IEC prefixes.
func formatValue(unit string, v float64) string {
	switch {
	case math.IsInf(v, 0) || math.IsNaN(v):
		return fmt.Sprint(v)
	case isTimeUnit(unit):
		return formatNs(v, 4, " ")
	case v == math.Trunc(v) && math.Abs(v) < 1e4:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case math.Abs(v) >= 1 && math.Abs(v) < 1e4:
		// Four significant digits, as a whole number reads beside it
		// (1088 beside 1075, not 1.087k beside 1075).
		return strconv.FormatFloat(v, 'f', max(0, 3-int(math.Floor(math.Log10(math.Abs(v))))), 64)
	}
	return benchunit.Scale(v, benchunit.ClassOf(unit))
}

// formatInterval writes a confidence interval of unit, with its level
// where it is not the report's (a small sample's widest interval).
func formatInterval(unit string, ci interval) string {
	if ci.Level == 0 {
		return "– (n=1)"
	}
	s := formatValue(unit, ci.Lo) + " .. " + formatValue(unit, ci.Hi)
	if ci.Level != confidence {
		s += fmt.Sprintf(" (%.0f%%)", 100*ci.Level)
	}
	return s
}

// formatDelta writes a row's change from its baseline: "baseline", "~"
// where it is not significant, else the change in percent.
func formatDelta(r *statRow, base float64) string {
	switch {
	case r.Baseline:
		return "baseline"
	case !r.significant():
		return "~"
	}
	return pctDelta(base, r.Summary.Center)
}

// pctDelta writes the change from old to new in percent.
func pctDelta(old, new float64) string {
	switch {
	case old == new:
		return "0.00%"
	case old == 0:
		return "?"
	}
	return fmt.Sprintf("%+.2f%%", (new/old-1)*100)
}

// formatP writes a row's raw and Holm-adjusted p-value.
func formatP(r *statRow) string {
	if r.Baseline {
		return ""
	}
	return fmt.Sprintf("p=%.3f (Holm %.3f) n=%d+%d", r.cmp.P, r.pAdj, r.cmp.N1, r.cmp.N2)
}

// formatVsFirst writes a later file's change from the first file, "~"
// where it is not significant, and its p-value.
func formatVsFirst(v *vsFirst, now float64) (delta, p string) {
	delta = "~"
	if v.Cmp.P < v.Cmp.Alpha {
		delta = pctDelta(v.From, now)
	}
	return delta, fmt.Sprintf("p=%.3f n=%d+%d", v.Cmp.P, v.Cmp.N1, v.Cmp.N2)
}

// formatOutcome writes a table's winner test: the winner with its margin,
// or why there is none.
func formatOutcome(o *outcome) string {
	if o == nil {
		return ""
	}
	b, s := o.Best, o.Second
	bm, sm := formatValue(b.Unit, b.Summary.Center), formatValue(s.Unit, s.Summary.Center)
	switch {
	case o.Tie:
		return fmt.Sprintf("no clear winner: %s and %s tie at %s", b.Impl, s.Impl, bm)
	case o.Winner:
		return fmt.Sprintf("winner: %s (%s vs runner-up %s %s, p=%.3f)", b.Impl, bm, s.Impl, sm, o.P)
	}
	return fmt.Sprintf("no clear winner: best median %s (%s) is not significantly better than %s (%s), p=%.3f", b.Impl, bm, s.Impl, sm, o.P)
}

// marks writes footnote indexes (0-based) as their marks, ¹ for 0.
func marks(is []int) string {
	var b strings.Builder
	for _, i := range is {
		b.WriteString(footnote.Superscript(i + 1))
	}
	return b.String()
}

// trimZeros drops trailing zeros of the number that starts s: "50.00k"
// becomes "50k", which reads better as a tick label.
func trimZeros(s string) string {
	end := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' && r != '-' })
	if end < 0 {
		end = len(s)
	}
	num := s[:end]
	if !strings.Contains(num, ".") {
		return s
	}
	return strings.TrimRight(strings.TrimRight(num, "0"), ".") + s[end:]
}

// formatRatio writes a ratio with about three significant digits.
func formatRatio(r float64) string {
	switch {
	case r >= 100:
		return strconv.FormatFloat(r, 'f', 0, 64)
	case r >= 10:
		return strconv.FormatFloat(r, 'f', 1, 64)
	}
	return strconv.FormatFloat(r, 'f', 2, 64)
}
