package report

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/concbench/concbench/record"
)

// A scenario's summary answers before the tables detail: its description,
// a ranking on each headline unit its file declares (the only place a
// winner is named), and the one chart that shows the headline.

// summary is what a scenario section opens with.
type summary struct {
	Pattern     string
	Description string
	Rankings    []*ranking
	NoHeadline  bool   // the scenario declares no headline: no winner named
	Chart       *chart // the chart of the first headline unit
}

// ranking is one headline unit of one parameter combination.
type ranking struct {
	Group   string
	Unit    string
	Better  int
	Rows    []*statRow // ranked implementations, best first
	Verdict string     // the winner, or why there is none
	Unrank  []unranked // demonstrations and references, with their values
	Notes   []string   // implementations ranked on some of their trials only
}

// unranked is an implementation the ranking leaves out, and why.
type unranked struct {
	Impl, Median, Why string
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

// summarise builds a scenario section's summary and leaves the winners to
// it: the per-unit tables below compare with their baseline but name no
// winner.
func summarise(ds *dataset, s *section) {
	for _, g := range s.Groups {
		for _, t := range g.Tables {
			t.Verdict = ""
			for _, r := range t.Rows {
				r.Winner = false
			}
		}
	}
	sc, ok := ds.scenarioOf(s)
	sum := &summary{Pattern: sc.Pattern, Description: strings.TrimSpace(sc.Description)}
	s.Summary = sum
	if !ok || len(sc.Headline) == 0 {
		sum.NoHeadline = true
		return
	}
	for _, u := range sc.Headline {
		for _, g := range s.Groups {
			values := g.shown(u)
			var ranked []string
			rk := &ranking{Group: g.Title(), Unit: u, Better: ds.better(u)}
			for _, impl := range g.Impls {
				failed := notOKTrials(g.trials[impl])
				if len(values[impl]) == 0 {
					if failed != "" && notRanked(sc, g, impl) == "" {
						rk.Unrank = append(rk.Unrank, unranked{Impl: impl, Median: "–", Why: "no result: " + failed})
					}
					continue
				}
				if failed != "" && notRanked(sc, g, impl) == "" {
					rk.Notes = append(rk.Notes, fmt.Sprintf("%s: ranked on the %d trial(s) with a result; %s", impl, len(values[impl]), failed))
				}
				if why := notRanked(sc, g, impl); why != "" {
					name := impl
					if g.isFloor(impl) {
						name = floorLabel
					}
					rk.Unrank = append(rk.Unrank, unranked{Impl: name, Median: formatValue(u, median(values[impl])), Why: why})
					continue
				}
				ranked = append(ranked, impl)
			}
			if len(ranked) == 0 {
				continue
			}
			t := newStatTable(u, rk.Better, ranked, values)
			rk.Rows = slices.Clone(t.Rows)
			sort.SliceStable(rk.Rows, func(i, j int) bool {
				a, b := rk.Rows[i].Summary.Center, rk.Rows[j].Summary.Center
				if rk.Better > 0 {
					return a > b
				}
				return a < b
			})
			rk.Verdict = t.Verdict
			sum.Rankings = append(sum.Rankings, rk)
		}
	}
	sum.Chart = headlineChart(s, sc.Headline[0])
}

// headlineChart picks the chart of unit: across parameters where the
// scenario has several, else the first group's.
func headlineChart(s *section, unit string) *chart {
	latency := isTimeUnit(unit)
	match := func(c chart) bool {
		return c.File != "" && (c.Unit == unit || latency && c.Unit == latencyUnits)
	}
	for i := range s.Charts {
		if match(s.Charts[i]) {
			return &s.Charts[i]
		}
	}
	for _, g := range s.Groups {
		for i := range g.Charts {
			if match(g.Charts[i]) {
				return &g.Charts[i]
			}
		}
	}
	return nil
}

// notOKTrials says how many of ts did not end ok, by status ("2 of 6
// trials hung"), or "" if all did.
func notOKTrials(ts []record.Trial) string {
	counts := map[string]int{}
	for _, t := range ts {
		if t.Status != record.StatusOK {
			counts[t.Status]++
		}
	}
	var parts []string
	for _, st := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%d of %d trials %s", counts[st], len(ts), st))
	}
	return strings.Join(parts, ", ")
}

// latencyUnits is the Unit of a chart of every latency at once (the
// percentile spectrum).
const latencyUnits = "latency"

// uniform returns the value every trial of every implementation has in t,
// if they all have the same one: such a unit is a line, not a table.
func (t *statTable) uniform() (string, bool) {
	if len(t.Rows) == 0 {
		return "", false
	}
	v := t.Rows[0].Sample.Values[0]
	for _, r := range t.Rows {
		for _, x := range r.Sample.Values {
			if x != v {
				return "", false
			}
		}
	}
	return formatValue(t.Unit, v), true
}
