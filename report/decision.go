package report

import (
	"math"
	"slices"
	"strings"

	"github.com/concbench/concbench/record"
)

// The decision table: the report's first answer to "which design should
// I use, for this workload, on this machine?". A row per scenario section
// and per set of its parameter combinations whose headline rankings
// (rank.go) name the same winners; for each headline unit the scenario
// declares, the winner, its margin over the runner-up and what it costs.
// Everything in it comes from the rankings and from the scenarios' own
// declarations (description, headline), so no scenario or implementation
// is named here; demonstrations and the harness floor never appear, since
// the rankings leave them out.

// Kinds of a decision cell: what one ranking says.
const (
	// decisionWinner: the best median is significantly better than the
	// runner-up's (the ranking's winner test, pickWinner).
	decisionWinner = "winner"
	// decisionNone: a tie, or a best median not significantly better.
	decisionNone = "no meaningful difference"
	// decisionTooFew: not significantly better, and with so few trials
	// it could not have been: the smallest p-value Mann–Whitney U gives
	// their sample sizes is not below α. Not "no meaningful difference",
	// which the data would not show either way.
	decisionTooFew = "too few trials to tell"
	// decisionAlone: one design was ranked (the others are
	// demonstrations, the floor, or have no result): nothing to pick.
	decisionAlone = "one design"
	// decisionNoData: no ranked design has a value of the unit here.
	decisionNoData = "not measured"
)

// winnerAlpha is the level of the rankings' winner test and of a
// file-against-file test: benchmath's Mann–Whitney U at α = 0.05.
const winnerAlpha = 0.05

// decisionCostUnits are what a design costs: those of them the results
// carry. The table's cost column shows costShown of them.
var decisionCostUnits = []string{"peak-goroutines", "peak-stack-bytes", "B/op", "cpu-ns/op"}

// decisionTable is the table the report opens with.
type decisionTable struct {
	Rows []*decisionRow
	// LeftOut are the scenario sections without a headline: the table
	// names no winner for them.
	LeftOut []leftOut
	// Files are the files whose results overlap (the same scenario,
	// parameters and implementation in two or more files), in file
	// order: the rows' "what changed" compares the first with the last.
	// Nil where no results overlap.
	Files []string
}

// leftOut is a scenario section the decision table leaves out, and why.
type leftOut struct {
	Scenario, Link, Why string
}

// decisionRow is a scenario and the parameter combinations of it whose
// rankings name the same winner in every headline unit.
type decisionRow struct {
	Pattern  string
	Scenario string
	// Summary is the first sentence of the scenario's description, or a
	// short form of it; Description is the whole.
	Summary, Description string
	Link                 string // the section's ID
	Units                []string
	Better               []int
	Combos               []*decisionCombo
	Of                   int // the scenario's parameter combinations
}

// decisionCombo is one parameter combination (group) of a row.
type decisionCombo struct {
	// Params are the parameters that vary between the scenario's
	// combinations ("rate=2000"); "" where it has one combination.
	Params string
	Cells  []*decisionCell // by headline unit, as the row's Units
}

// decisionCell is what one headline ranking says.
type decisionCell struct {
	Kind string // decisionWinner, …
	// Best has the best median, Second the runner-up's ("" where
	// Kind is decisionAlone or decisionNoData).
	Best, Second       string
	BestMed, SecondMed float64
	// Ratio is Best's median over Second's in the unit's better
	// direction (at least 1; +Inf where Best's is 0 in a lower-is-better
	// unit, or Second's in a higher-is-better one); NaN without Second.
	Ratio float64
	P     float64 // of the winner test; NaN for a tie or one design
	Cost  []costValue
	// Disturbed counts the ranked designs' trials that the harness or
	// the machine disturbed (ranking.Disturbed).
	Disturbed int
	// Change compares the first file's ranking with the last's, where
	// the report's files overlap; nil otherwise.
	Change *decisionChange
}

// costValue is a design's median of a cost unit, beside the runner-up's
// (NaN where there is none).
type costValue struct {
	Unit          string
	Value, Second float64
}

// decisionChange is what changed in a ranking between the first and the
// last file that hold its combination.
type decisionChange struct {
	From, To string
	Compared bool // the combination has a ranking in both files
	// Before and After are the files' winners: the design with the best
	// median where it is significantly better or the only one ranked;
	// "" where a file names none.
	Before, After string
	// Design is whose headline median Moved: the last file's winner,
	// else the first's; "" for neither.
	Design string
	// Moved is Design's median in To over its median in From, less 1;
	// NaN where one of them has none. MovedP is Mann–Whitney U's p of
	// the two files' values.
	Moved, MovedP float64
	// Note says what the reader must know: why the comparison is
	// ambiguous or missing, or that a winner did not run in one file.
	Note string
}

// Changed reports whether the winner is not the first file's.
func (c *decisionChange) Changed() bool { return c.Compared && c.Before != c.After }

// decide builds the decision table from the scenario sections' rankings.
func decide(ds *dataset, sections []*section) *decisionTable {
	dt := &decisionTable{Files: overlapping(ds.Files, sections)}
	var patterns []string
	byPattern := map[string][]*decisionRow{}
	for _, s := range sections {
		if !s.Scenario || s.Summary == nil {
			continue
		}
		sc, ok := ds.scenarioOf(s)
		switch {
		case !ok:
			dt.LeftOut = append(dt.LeftOut, leftOut{s.Title, s.ID, "no sidecar describes it, so its headline is unknown: no winner named"})
			continue
		case len(sc.Headline) == 0:
			dt.LeftOut = append(dt.LeftOut, leftOut{s.Title, s.ID, "it declares no headline unit: no winner named"})
			continue
		}
		if !slices.Contains(patterns, sc.Pattern) {
			patterns = append(patterns, sc.Pattern)
		}
		byPattern[sc.Pattern] = append(byPattern[sc.Pattern], decisionRows(ds, sc, s, dt.Files)...)
	}
	for _, p := range patterns {
		dt.Rows = append(dt.Rows, byPattern[p]...)
	}
	return dt
}

// overlapping returns the files, in file order, that are columns of some
// scenario group: those whose results overlap another file's.
func overlapping(files []fileInfo, sections []*section) []string {
	in := map[string]bool{}
	for _, s := range sections {
		for _, g := range s.Groups {
			if s.Scenario {
				for _, f := range g.Files {
					in[f] = true
				}
			}
		}
	}
	var out []string
	for _, f := range files {
		if in[f.Path] {
			out = append(out, f.Path)
		}
	}
	return out
}

// decisionRows returns the rows of one scenario section: its parameter
// combinations, those whose cells say the same merged into one row, in
// the order of their first combination.
func decisionRows(ds *dataset, sc record.Scenario, s *section, files []string) []*decisionRow {
	params := varyingParams(s.Groups)
	var rows []*decisionRow
	byKey := map[string]*decisionRow{}
	for gi, g := range s.Groups {
		c := &decisionCombo{Params: params[gi]}
		var key []string
		for _, u := range sc.Headline {
			cell := decisionCellOf(s.Summary, g, u)
			if files != nil {
				cell.Change = changeOf(ds, sc, g, u, cell)
			}
			c.Cells = append(c.Cells, cell)
			key = append(key, cell.key())
		}
		k := strings.Join(key, "\x00")
		row := byKey[k]
		if row == nil {
			row = &decisionRow{Pattern: sc.Pattern, Scenario: sc.Name, Link: s.ID, Of: len(s.Groups),
				Description: strings.TrimSpace(sc.Description), Summary: shortDescription(sc.Description), Units: sc.Headline}
			for _, u := range sc.Headline {
				row.Better = append(row.Better, ds.better(u))
			}
			byKey[k] = row
			rows = append(rows, row)
		}
		row.Combos = append(row.Combos, c)
	}
	return rows
}

// key is what combinations must share to be one row: the kind, the
// winner, and what changed.
func (c *decisionCell) key() string {
	k := c.Kind
	if c.Kind == decisionWinner || c.Kind == decisionAlone {
		k += ":" + c.Best
	}
	if ch := c.Change; ch != nil {
		k += "|" + ch.From + "|" + ch.To + "|" + ch.Before + "|" + ch.After + "|" + ch.Note
	}
	return k
}

// varyingParams returns, for each group, its parameters whose values are
// not the same in every group ("rate=2000 workers=4"); all "" for one
// group.
func varyingParams(groups []*group) []string {
	var keys []string
	first := map[string]string{}
	for i, g := range groups {
		for _, p := range g.Params {
			if !slices.Contains(keys, p.Key) {
				keys = append(keys, p.Key)
			}
			if i == 0 {
				first[p.Key] = p.Value
			}
		}
	}
	vary := map[string]bool{}
	for _, g := range groups {
		for _, k := range keys {
			if paramValue(g, k) != first[k] {
				vary[k] = true
			}
		}
	}
	out := make([]string, len(groups))
	for i, g := range groups {
		var parts []string
		for _, p := range g.Params {
			if vary[p.Key] {
				parts = append(parts, p.Key+"="+p.Value)
			}
		}
		out[i] = strings.Join(parts, " ")
	}
	return out
}

func paramValue(g *group, key string) string {
	for _, p := range g.Params {
		if p.Key == key {
			return p.Value
		}
	}
	return ""
}

// decisionCellOf reads the summary's ranking of g in unit.
func decisionCellOf(sum *summary, g *group, unit string) *decisionCell {
	i := slices.IndexFunc(sum.Rankings, func(rk *ranking) bool { return rk.Group == g && rk.Unit == unit })
	if i < 0 {
		return cellOf(nil, nil, 0)
	}
	rk := sum.Rankings[i]
	c := cellOf(rk.Rows, rk.Outcome, rk.Better)
	c.Cost, c.Disturbed = decisionCost(g, c.Best, c.Second), rk.Disturbed
	return c
}

// cellOf is the cell of ranked rows (best first) and their winner test.
func cellOf(rows []*statRow, o *outcome, better int) *decisionCell {
	c := &decisionCell{Kind: decisionAlone, BestMed: math.NaN(), SecondMed: math.NaN(), Ratio: math.NaN(), P: math.NaN()}
	if len(rows) == 0 {
		c.Kind = decisionNoData
		return c
	}
	c.Best, c.BestMed = rows[0].Impl, rows[0].Summary.Center
	if o == nil {
		return c
	}
	c.Best, c.Second = o.Best.Impl, o.Second.Impl
	c.BestMed, c.SecondMed = o.Best.Summary.Center, o.Second.Summary.Center
	c.Ratio = betterRatio(c.BestMed, c.SecondMed, better)
	c.Kind = decisionNone
	if !o.Tie {
		c.P = o.P
	}
	switch {
	case o.Winner:
		c.Kind = decisionWinner
	case !o.Tie && minMannWhitneyP(o.Best.N, o.Second.N) >= winnerAlpha:
		c.Kind = decisionTooFew
	}
	return c
}

// betterRatio is best over second in the better direction: at least 1
// where best is the better.
func betterRatio(best, second float64, better int) float64 {
	if better < 0 {
		best, second = second, best
	}
	switch {
	case best == second:
		return 1
	case second == 0:
		return math.Inf(1)
	}
	return best / second
}

// decisionCost returns the cost medians of impl in g, beside those of
// second ("" for none).
func decisionCost(g *group, impl, second string) []costValue {
	if impl == "" {
		return nil
	}
	var out []costValue
	for _, u := range decisionCostUnits {
		v := g.shown(u)
		if len(v[impl]) == 0 {
			continue
		}
		out = append(out, costValue{Unit: u, Value: median(v[impl]), Second: median(v[second])})
	}
	return out
}

// winnerOf is the design a cell names: its winner, or the one design
// ranked; "" where it names none.
func (c *decisionCell) winnerOf() string {
	if c.Kind == decisionWinner || c.Kind == decisionAlone {
		return c.Best
	}
	return ""
}
