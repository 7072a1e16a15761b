package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/concbench/concbench/record"
)

// A scenario's summary answers before the tables detail: its description,
// a ranking on each headline unit its file declares (the only place a
// winner is named: the per-unit tables of a scenario compare each row
// with their baseline but pick no winner), and the one chart that shows
// the headline.

// summary is what a scenario section opens with.
type summary struct {
	Pattern     string
	Description string
	Headline    []string  // the units the scenario file declares as its headline
	Impls       []implRow // what each implementation is, in the scenario's order
	Rankings    []*ranking
	NoHeadline  bool // the scenario declares no headline: no winner named
	// Reps says how many repetitions a scenario with sequential
	// repetitions took and why it stopped; "" for a fixed count.
	Reps string
}

// implRow is an implementation a scenario ran: its doc and module.
type implRow struct {
	Name string
	record.Impl
}

// ranking is one headline unit of one parameter combination.
type ranking struct {
	Group   *group
	Unit    string
	Better  int
	Rows    []*statRow // ranked implementations, best first
	Outcome *outcome   // the winner test of Rows
	Unrank  []unranked // demonstrations, the floor and designs without a result
	Partial []partial  // implementations ranked on some of their trials only
	// Disturbed counts the ranked implementations' trials that the
	// harness or the machine disturbed.
	Disturbed int
	// Cost is what each ranked implementation cost, by impl: the medians
	// of costUnits, NaN where a unit has no value; nil where the results
	// carry none of them.
	Cost map[string][]float64
}

// costUnits are the units of a ranking's cost line.
var costUnits = []string{"cpu-ns/op", "B/op", "sched-p99-ns"}

// costOf returns the medians of costUnits for impls in g, or nil if g
// has none of them.
func costOf(g *group, impls []string) map[string][]float64 {
	var cols []map[string][]float64
	any := false
	for _, u := range costUnits {
		v := g.shown(u)
		cols = append(cols, v)
		any = any || len(v) > 0
	}
	if !any {
		return nil
	}
	out := map[string][]float64{}
	for _, impl := range impls {
		for _, v := range cols {
			out[impl] = append(out[impl], median(v[impl]))
		}
	}
	return out
}

// unranked is an implementation a ranking leaves out, and why.
type unranked struct {
	Impl   string
	Floor  bool
	Median float64 // NaN where it has no result
	Why    string  // "demonstration: …", "the harness's own floor"
	Failed statusCounts
}

// partial is an implementation ranked on the trials that gave a result.
type partial struct {
	Impl   string
	Ranked int
	Failed statusCounts
}

// statusCounts counts the trials of an implementation that did not end
// ok, by status, out of Of.
type statusCounts struct {
	ByStatus map[string]int
	Of       int
}

func (c statusCounts) any() bool { return len(c.ByStatus) > 0 }

// String says "2 of 6 trials hung, 1 of 6 trials leaked", or "".
func (c statusCounts) String() string {
	var parts []string
	for _, st := range slices.Sorted(maps.Keys(c.ByStatus)) {
		parts = append(parts, fmt.Sprintf("%d of %d trials %s", c.ByStatus[st], c.Of, st))
	}
	return strings.Join(parts, ", ")
}

// failedCounts counts the trials of ts that did not end ok.
func failedCounts(ts []record.Trial) statusCounts {
	c := statusCounts{Of: len(ts)}
	for _, t := range ts {
		if t.Status != record.StatusOK {
			if c.ByStatus == nil {
				c.ByStatus = map[string]int{}
			}
			c.ByStatus[t.Status]++
		}
	}
	return c
}

// scenarioOf returns the description of the scenario a section holds.
func (ds *dataset) scenarioOf(s *section) (record.Scenario, bool) {
	if !s.Scenario {
		return record.Scenario{}, false
	}
	i := slices.IndexFunc(ds.Scenarios, func(sc record.Scenario) bool { return sc.Name == s.Title })
	if i < 0 {
		return record.Scenario{}, false
	}
	return ds.Scenarios[i], true
}

// notRanked says why impl is not ranked in sc, or "" if it is: a
// demonstration (broken on purpose) or the harness's own floor.
func notRanked(sc record.Scenario, g *group, impl string) string {
	if why, ok := sc.Demos[impl]; ok {
		return "demonstration: " + why
	}
	for _, t := range g.trials[impl] { // the trials say so too, scenario line or not
		if t.Demo != "" {
			return "demonstration: " + t.Demo
		}
	}
	if g.isFloor(impl) {
		return "the harness's own floor"
	}
	return ""
}

// summarise builds a scenario section's summary: its rankings on each
// headline unit in each of its groups.
func summarise(ds *dataset, s *section) {
	sc, ok := ds.scenarioOf(s)
	sum := &summary{Pattern: sc.Pattern, Description: strings.TrimSpace(sc.Description), Headline: sc.Headline}
	for _, name := range slices.Sorted(maps.Keys(sc.Impls)) {
		sum.Impls = append(sum.Impls, implRow{name, sc.Impls[name]})
	}
	s.Summary = sum
	if r, ok := ds.Reps[sc.Name]; ok {
		sum.Reps = fmt.Sprintf("Repetitions: %d, sequential (repeat: auto): %s.", r.Reps, r.Reason)
	}
	if !ok || len(sc.Headline) == 0 {
		sum.NoHeadline = true
		return
	}
	for _, u := range sc.Headline {
		for _, g := range s.Groups {
			if rk := rank(sc, g, u, ds.better(u)); rk != nil {
				sum.Rankings = append(sum.Rankings, rk)
			}
		}
	}
}

// rank ranks g's implementations on unit, leaving out (and saying why)
// the demonstrations, the floor and those without a result; nil if none
// is left to rank. With several file columns it ranks the last file's
// values (g.shown), and its Cost is the last file's.
func rank(sc record.Scenario, g *group, unit string, better int) *ranking {
	rk := rankOn(sc, g, unit, better, g.shown(unit))
	if rk != nil {
		rk.Cost = costOf(g, rk.names())
	}
	return rk
}

// names are the ranked implementations, in the group's order.
func (rk *ranking) names() []string {
	var out []string
	for _, impl := range rk.Group.Impls {
		if rowOfRows(rk.Rows, impl) != nil {
			out = append(out, impl)
		}
	}
	return out
}

// rankOn is rank on the given values of unit by implementation (one
// file's, where the group has several), without the cost.
func rankOn(sc record.Scenario, g *group, unit string, better int, values map[string][]float64) *ranking {
	rk := &ranking{Group: g, Unit: unit, Better: better}
	var names []string
	for _, impl := range g.Impls {
		failed, why := failedCounts(g.trials[impl]), notRanked(sc, g, impl)
		switch {
		case why != "":
			if len(values[impl]) > 0 {
				rk.Unrank = append(rk.Unrank, unranked{Impl: impl, Floor: g.isFloor(impl), Median: median(values[impl]), Why: why})
			}
		case len(values[impl]) == 0:
			if failed.any() {
				rk.Unrank = append(rk.Unrank, unranked{Impl: impl, Median: median(nil), Why: "no result", Failed: failed})
			}
		default:
			if failed.any() {
				rk.Partial = append(rk.Partial, partial{Impl: impl, Ranked: len(values[impl]), Failed: failed})
			}
			names = append(names, impl)
		}
	}
	if len(names) == 0 {
		return nil
	}
	t := newStatTable(unit, better, names, values, true)
	rk.Rows, rk.Outcome = ranked(t.Rows, better), t.Outcome
	for _, impl := range names {
		for _, tr := range g.trials[impl] {
			if tr.Disturbed != "" {
				rk.Disturbed++
			}
		}
	}
	return rk
}
