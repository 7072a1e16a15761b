package report

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"golang.org/x/perf/benchmath"

	"github.com/concbench/concbench/record"
)

// What changed: where the report's files overlap (two runs of the same
// scenarios, see statTable.Columns), each decision cell compares the
// ranking of the first file that holds its combination with that of the
// last, whose numbers the rest of the report shows: whether the winner
// changed, and how far the winner's headline median moved. Files between
// the first and the last are not compared.

// changeOf compares the ranking of g in unit in the first of the group's
// files with last, the cell of its last file.
func changeOf(ds *dataset, sc record.Scenario, g *group, unit string, last *decisionCell) *decisionChange {
	ch := &decisionChange{Moved: math.NaN(), MovedP: math.NaN()}
	if g.Files == nil {
		ch.Note = onlyIn(g)
		return ch
	}
	ch.From, ch.To = g.Files[0], g.Files[len(g.Files)-1]
	var notes []string
	if ds.redescribed[sc.Name] {
		notes = append(notes, "ambiguous: the scenario's file changed between the runs (see the warnings), so its workload or headline may differ")
	}
	better := ds.better(unit)
	byFile := g.valuesByFile(unit)
	rk := rankOn(sc, g, unit, better, byFile[ch.From])
	switch {
	case rk == nil:
		notes = append(notes, "no ranked design has "+unit+" in "+ch.From)
	case last.Kind == decisionNoData:
		notes = append(notes, "no ranked design has "+unit+" in "+ch.To)
	default:
		ch.Compared = true
		ch.Before, ch.After = cellOf(rk.Rows, rk.Outcome, better).winnerOf(), last.winnerOf()
		ch.Design = cmp.Or(ch.After, ch.Before)
	}
	if ch.Design != "" {
		from, to := byFile[ch.From][ch.Design], byFile[ch.To][ch.Design]
		switch {
		case len(from) == 0:
			notes = append(notes, ch.Design+" did not run in "+ch.From)
		case len(to) == 0:
			notes = append(notes, ch.Design+" did not run in "+ch.To)
		default:
			ch.Moved = moved(median(from), median(to))
			th := benchmath.DefaultThresholds
			ch.MovedP = benchmath.AssumeNothing.Compare(benchmath.NewSample(from, &th), benchmath.NewSample(to, &th)).P
		}
	}
	ch.Note = strings.Join(notes, "; ")
	return ch
}

// moved is to over from, less 1; NaN where from is 0 and to is not.
func moved(from, to float64) float64 {
	switch {
	case from == to:
		return 0
	case from == 0:
		return math.NaN()
	}
	return to/from - 1
}

// onlyIn says why a group without file columns has nothing to compare.
func onlyIn(g *group) string {
	var files []string
	for _, rs := range g.results {
		for _, r := range rs {
			if !slices.Contains(files, r.File) {
				files = append(files, r.File)
			}
		}
	}
	if len(files) == 1 {
		return "only in " + files[0] + ": nothing to compare"
	}
	return "no design of it ran in two files: nothing to compare"
}
