package report

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The decision table in words: each cell of decision.go's model written
// as the short text the page, the markdown and the JSON show. A row that
// covers several parameter combinations shows each number as the range
// over them ("1.02–1.10×").

// maxSummary bounds a row's summary of its scenario, in runes: the rest
// of the description is the section's.
const maxSummary = 72

// shortDescription is a description's first sentence, cut before its
// first colon or semicolon (what follows details it), its parenthetical
// asides dropped where it is still long, and past maxSummary runes cut
// after a clause or a word, with "…".
func shortDescription(desc string) string {
	s := firstSentence(strings.Join(strings.Fields(desc), " "))
	if i := clauseEnd(s); i >= 12 {
		s = s[:i]
	}
	if utf8.RuneCountInString(s) > maxSummary {
		s = dropAsides(s)
	}
	s = strings.TrimRight(s, " .,;:")
	if utf8.RuneCountInString(s) > maxSummary {
		cut := string([]rune(s)[:maxSummary])
		if i := strings.LastIndex(cut, ", "); i >= maxSummary/3 {
			cut = cut[:i] // a whole clause
		} else if i := strings.LastIndexByte(cut, ' '); i > 0 {
			cut = cut[:i]
		}
		s = strings.TrimRight(cut, " ,;:") + "…"
	}
	return s
}

// firstSentence returns s up to the end of its first sentence: a '.', '!'
// or '?' outside parentheses, followed by a space (a sentence may begin
// with an implementation's name, in lower case) or by nothing, and not
// ending an abbreviation.
func firstSentence(s string) string {
	end := outsideParens(s, func(i int, c rune) bool {
		if c != '.' && c != '!' && c != '?' {
			return false
		}
		rest := s[i+1:]
		return rest == "" || rest[0] == ' ' && !abbreviation(s[:i])
	})
	if end < 0 {
		return s
	}
	return s[:end+1]
}

// abbreviation reports whether the word that ends s is an abbreviation
// whose '.' ends no sentence: "e.g", "i.e", "vs", "cf".
func abbreviation(s string) bool {
	w := s[strings.LastIndexByte(s, ' ')+1:]
	return strings.Contains(w, ".") || w == "vs" || w == "cf"
}

// clauseEnd is the index of the first ':' or ';' outside parentheses
// that a space follows, or -1.
func clauseEnd(s string) int {
	return outsideParens(s, func(i int, c rune) bool {
		return (c == ':' || c == ';') && strings.HasPrefix(s[i+1:], " ")
	})
}

// outsideParens returns the index of the first rune of s outside
// parentheses for which at says true, or -1.
func outsideParens(s string, at func(i int, c rune) bool) int {
	depth := 0
	for i, c := range s {
		switch {
		case c == '(':
			depth++
		case c == ')':
			depth = max(0, depth-1)
		case depth == 0 && at(i, c):
			return i
		}
	}
	return -1
}

// dropAsides removes s's parenthesised text and the space before it.
func dropAsides(s string) string {
	var b strings.Builder
	depth := 0
	for _, c := range s {
		switch {
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(c)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// betterArrow marks a unit's better direction: ↑ higher, ↓ lower.
func betterArrow(better int) string {
	if better > 0 {
		return "↑"
	}
	return "↓"
}

// span writes the range of vs (NaNs left out) with f: "a", or "a–b"
// where f writes its ends differently; "" where vs has no number.
func span(vs []float64, f func(float64) string) string {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		if !math.IsNaN(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if lo > hi {
		return ""
	}
	if a, b := f(lo), f(hi); a != b {
		return a + "–" + b
	}
	return f(lo)
}

// distinct returns the non-empty strings of ss, each once, in order.
func distinct(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// cells returns the cells of unit i in every combination of the row.
func (r *decisionRow) cells(i int) []*decisionCell {
	out := make([]*decisionCell, len(r.Combos))
	for j, c := range r.Combos {
		out[j] = c.Cells[i]
	}
	return out
}

// where names the row's combinations: their varying parameters, "" where
// the scenario has one combination, "all 4 combinations" where the row
// covers all of several.
func (r *decisionRow) where() string {
	if r.Of < 2 {
		return ""
	}
	var ps []string
	for _, c := range r.Combos {
		ps = append(ps, c.Params)
	}
	s := strings.Join(ps, "; ")
	// One varying parameter: "workers=1, 2, 4".
	if k, _, ok := strings.Cut(ps[0], "="); ok && !strings.Contains(ps[0], " ") {
		vs := []string{}
		for _, p := range ps {
			kk, v, _ := strings.Cut(p, "=")
			if kk != k || strings.Contains(p, " ") {
				vs = nil
				break
			}
			vs = append(vs, v)
		}
		if vs != nil {
			s = k + "=" + strings.Join(vs, ", ")
		}
	}
	if len(r.Combos) == r.Of {
		return "all " + strconv.Itoa(r.Of) + " combinations"
	}
	return s
}

// use names what a row's unit i picks: the winner, the one design, or
// "no meaningful difference".
func (r *decisionRow) use(i int) string {
	c := r.Combos[0].Cells[i]
	switch c.Kind {
	case decisionWinner, decisionAlone:
		return c.Best
	}
	return c.Kind
}

// by says by how much the row's unit i's winner beats the runner-up:
// "2.54× over channels"; between which designs there is no meaningful
// difference; that a design was the only one ranked.
func (r *decisionRow) by(i int) string {
	cs := r.cells(i)
	var ratios []float64
	var seconds, pairs []string
	for _, c := range cs {
		ratios = append(ratios, c.Ratio)
		seconds = append(seconds, c.Second)
		pairs = append(pairs, c.Best+" and "+c.Second)
	}
	switch cs[0].Kind {
	case decisionWinner:
		return ratioSpan(ratios) + " over " + strings.Join(distinct(seconds), ", ")
	case decisionNone, decisionTooFew:
		if ps := distinct(pairs); len(ps) == 1 {
			return "between " + ps[0]
		}
		return "between the top two"
	case decisionAlone:
		return "the only design ranked"
	}
	return ""
}

// ratioSpan writes the range of ratios of medians: "2.54×",
// "1.81–4.36×"; "∞" stands for a ratio to a median of 0.
func ratioSpan(rs []float64) string {
	s := span(rs, func(r float64) string {
		switch {
		case math.IsInf(r, 1):
			return "∞"
		case r < 0.1:
			return strconv.FormatFloat(r, 'g', 2, 64)
		}
		return formatRatio(r)
	})
	if s == "" {
		return ""
	}
	return s + "×"
}

// cost says what the row's unit i's winner costs, a part per unit of
// costShown, each with its ratio to the runner-up's where that is
// notable ("5138 goroutines (72×) · 11.7 MiB stack (19.7×) · 14.2 µs
// CPU/op"); nil where the unit names no winner.
func (r *decisionRow) cost(i int) []string {
	cs := r.cells(i)
	if w := cs[0].winnerOf(); w == "" {
		return nil
	}
	var parts []string
	for _, u := range costShown(cs) {
		var vs, rs []float64
		for _, c := range cs {
			if j := slices.IndexFunc(c.Cost, func(v costValue) bool { return v.Unit == u }); j >= 0 {
				vs = append(vs, c.Cost[j].Value)
				rs = append(rs, c.Cost[j].Value/c.Cost[j].Second)
			}
		}
		if s := span(vs, func(v float64) string { return costNumber(u, v) }); s != "" {
			parts = append(parts, s+costLabel(u)+againstSecond(rs))
		}
	}
	return parts
}

// costShown are the cost units the table shows of cells, to keep a line
// to one line: goroutines, stack memory or else heap bytes per
// operation, and CPU per operation. (The JSON has every cost unit.)
func costShown(cs []*decisionCell) []string {
	has := func(u string) bool {
		return slices.ContainsFunc(cs, func(c *decisionCell) bool {
			return slices.ContainsFunc(c.Cost, func(v costValue) bool { return v.Unit == u })
		})
	}
	out := []string{"peak-goroutines", "peak-stack-bytes", "cpu-ns/op"}
	if !has("peak-stack-bytes") {
		out[1] = "B/op"
	}
	return out
}

// notableCost is how far from 1 a cost's ratio to the runner-up's must
// be for the table to show it: closer, the two cost about the same.
const notableCost = 0.2

// againstSecond writes the ratios of a winner's cost to the runner-up's,
// " (72×)", where one of them is notable; "" where none is (or there is
// no runner-up).
func againstSecond(rs []float64) string {
	notable := slices.ContainsFunc(rs, func(r float64) bool {
		return !math.IsNaN(r) && (r >= 1+notableCost || r <= 1/(1+notableCost))
	})
	if !notable {
		return ""
	}
	return " (" + ratioSpan(rs) + ")"
}

// costNumber writes a cost median: goroutines whole, bytes in IEC steps,
// CPU time as a duration.
func costNumber(unit string, v float64) string {
	switch {
	case unit == "peak-goroutines" && v == math.Trunc(v):
		return strconv.FormatFloat(v, 'f', 0, 64)
	case unit == "peak-goroutines" && v < 100: // a median of an even count
		return strconv.FormatFloat(v, 'f', 1, 64)
	case unit == "peak-goroutines":
		return strconv.FormatFloat(v, 'f', 0, 64)
	case unit == "peak-stack-bytes" || unit == "B/op":
		return bytesText(v)
	case unit == "cpu-ns/op":
		return formatNs(v, 3, " ")
	}
	return formatValue(unit, v)
}

// costLabel follows a cost number: what it counts.
func costLabel(unit string) string {
	switch unit {
	case "peak-goroutines":
		return " goroutines"
	case "peak-stack-bytes":
		return " stack"
	case "B/op":
		return "/op"
	case "cpu-ns/op":
		return " CPU/op"
	}
	return " " + unit
}

// bytesText writes bytes with three significant digits in IEC steps:
// "56 B", "640 KiB", "11.4 MiB".
func bytesText(v float64) string {
	steps := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	i := 0
	for math.Abs(v) >= 1024 && i < len(steps)-1 {
		v /= 1024
		i++
	}
	if i == 0 {
		return strconv.FormatFloat(v, 'f', 0, 64) + " B"
	}
	return strconv.FormatFloat(v, 'g', 3, 64) + " " + steps[i]
}

// change says what changed in the row's unit i between the first file
// and the last: whether the winner changed, and how far the winner's
// median moved ("same winner, median +3.1%"; "winner changed (was
// channels), median -12.0%"), "(n.s.)" after a move that is not
// significant; and what the reader must know of the comparison (why it
// is ambiguous or missing). Both "" where the files do not overlap.
func (r *decisionRow) change(i int) (s, note string) {
	cs := r.cells(i)
	ch := cs[0].Change
	if ch == nil {
		return "", ""
	}
	var parts []string
	if ch.Compared {
		switch {
		case ch.Before == "" && ch.After == "":
			parts = append(parts, "no winner in either file")
		case !ch.Changed():
			parts = append(parts, "same winner")
		case ch.Before == "":
			parts = append(parts, "new winner (none before)")
		case ch.After == "":
			parts = append(parts, "no winner now (was "+ch.Before+")")
		default:
			parts = append(parts, "winner changed (was "+ch.Before+")")
		}
	}
	if m := movedText(cs); m != "" {
		parts = append(parts, m)
	}
	return strings.Join(parts, ", "), ch.Note
}

// movedText says how far the followed design's median moved in cs: "median
// +3.1%" for the winner, "median of x +3.1%" for the first file's winner
// where the last names none; "(n.s.)" where no move is significant
// (Mann–Whitney U, α = 0.05, as the tables' "vs first file").
func movedText(cs []*decisionCell) string {
	var ms []float64
	sig := false
	for _, c := range cs {
		ms = append(ms, c.Change.Moved)
		sig = sig || c.Change.MovedP < winnerAlpha
	}
	s := span(ms, func(m float64) string { return fmt.Sprintf("%+.1f%%", 100*m) })
	if s == "" {
		return ""
	}
	ch := cs[0].Change
	if ch.Design != ch.After {
		s = "of " + ch.Design + " " + s
	}
	s = "median " + s
	if !sig {
		s += " (n.s.)"
	}
	return s
}

// decisionLine is one line of the decision table: one headline unit of a
// row, in words.
type decisionLine struct {
	Row *decisionRow
	// PatternSpan, on the first line of a pattern's rows, and RowSpan,
	// on the first line of a row, count the lines they cover; 0 on the
	// other lines.
	PatternSpan, RowSpan int
	Unit                 string // "p99-ns ↓"
	Kind                 string // of the row's first combination's cell
	Use, By              string
	Cost                 []string // a part per cost unit
	// Change and ChangeNote say what changed, and what the reader must
	// know of it; "" where the files do not overlap.
	Change, ChangeNote string
	Changed            bool // the winner changed between the files
	// Disturbed counts the trials the line's rankings rest on that the
	// harness or the machine disturbed (see their sections).
	Disturbed int
	// CostSpan, on the first of consecutive lines of a row whose
	// winner's cost is the same, counts them (the page shows it once);
	// 0 on the others. 1 on a line alone.
	CostSpan int
}

// costText is the line's cost in one string.
func (l decisionLine) costText() string { return strings.Join(l.Cost, " · ") }

// changeText is the line's change and its note in one string.
func (l decisionLine) changeText() string {
	if l.Change == "" || l.ChangeNote == "" {
		return l.Change + l.ChangeNote
	}
	return l.Change + "; " + l.ChangeNote
}

// lines writes the table's rows as lines, a line per headline unit.
func (dt *decisionTable) lines() []decisionLine {
	var out []decisionLine
	patternAt := -1
	for _, r := range dt.Rows {
		if patternAt < 0 || out[patternAt].Row.Pattern != r.Pattern {
			patternAt = len(out)
		}
		costAt := -1
		for i, u := range r.Units {
			l := decisionLine{Row: r, Unit: u + " " + betterArrow(r.Better[i]), Kind: r.Combos[0].Cells[i].Kind,
				Use: r.use(i), By: r.by(i), Cost: r.cost(i), CostSpan: 1}
			for _, c := range r.cells(i) {
				l.Disturbed += c.Disturbed
			}
			if costAt >= 0 && l.Cost != nil && slices.Equal(out[costAt].Cost, l.Cost) {
				out[costAt].CostSpan++
				l.CostSpan = 0
			} else {
				costAt = len(out)
			}
			l.Change, l.ChangeNote = dt.change(r, i)
			if ch := r.Combos[0].Cells[i].Change; ch != nil {
				l.Changed = ch.Changed()
			}
			if i == 0 {
				l.RowSpan = len(r.Units)
			}
			out = append(out, l)
			out[patternAt].PatternSpan++
		}
	}
	return out
}

// change is the row's change in unit i, and its note, naming its files
// where they are not the first and the last of the table's.
func (dt *decisionTable) change(r *decisionRow, i int) (s, note string) {
	s, note = r.change(i)
	ch := r.Combos[0].Cells[i].Change
	if s == "" || ch == nil || ch.From == "" || len(dt.Files) == 0 {
		return s, note
	}
	if ch.From != dt.Files[0] || ch.To != dt.Files[len(dt.Files)-1] {
		s = ch.From + " → " + ch.To + ": " + s
	}
	return s, note
}

// legend says how to read the table.
func (dt *decisionTable) legend() string {
	s := "A line per headline unit each scenario declares (↑ higher, ↓ lower is better). " +
		"Use: the design with the best median where its ranking finds it significantly better than the runner-up (Mann–Whitney U, α = 0.05), " +
		"by the ratio of their medians in the unit's better direction; no meaningful difference where it is not, too few trials to tell where so few trials could not be. " +
		"Costs are the winner's medians, with their ratio to the runner-up's where it is " + formatRatio(1+notableCost) + "× or more apart. " +
		"Demonstrations and the harness floor are never ranked; each scenario's section has its rankings. " +
		"⚠ marks a line whose rankings rest on trials the harness or the machine disturbed."
	if n := len(dt.Files); n > 0 {
		s += " The rankings are those of " + dt.Files[n-1] + "; what changed compares each with that of " + dt.Files[0]
		switch {
		case n == 3:
			s += " (the file between them is not compared)"
		case n > 3:
			s += " (the " + strconv.Itoa(n-2) + " files between them are not compared)"
		}
		s += "; n.s.: a move that is not significant (Mann–Whitney U, α = 0.05)."
	}
	return s
}
