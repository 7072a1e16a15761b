package scenarios

import (
	"fmt"
	"slices"
	"strings"

	"github.com/concbench/concbench/loadgen"
	"github.com/concbench/concbench/record"
	"github.com/concbench/concbench/targets"
	"github.com/concbench/concbench/units"
)

// claimUnits are the units a headline or a claim of s may name: the units
// its trials record (its pattern's, and the open loop's where it is one),
// and for a claim also trials-<status>.
func claimUnits(s *Spec, statuses bool) []string {
	var names []string
	for _, u := range units.Scenario() {
		if u.RecordedBy(s.Pattern, s.Load.Model == loadgen.Open) {
			names = append(names, u.Name)
		}
	}
	if statuses {
		for _, st := range []string{record.StatusHung, record.StatusLeaked, record.StatusCrashed, record.StatusErrors} {
			names = append(names, "trials-"+st)
		}
	}
	return names
}

// maxClaimText bounds a claim's text and why, which the report prints.
const maxClaimText = 400

func (c *checker) headline(s *Spec) {
	if len(s.Headline) == 0 && c.given("headline", false) {
		c.add("headline", "an empty list: leave headline out to name no winner")
	}
	known, again := claimUnits(s, false), repeated(s.Headline)
	for i, u := range s.Headline {
		field := fmt.Sprintf("headline[%d]", i)
		switch {
		case !slices.Contains(known, u):
			c.add(field, "%q is not a unit the trials of this scenario record; have %s", u, strings.Join(known, ", "))
		case again[i]:
			c.add(field, "%q is listed twice", u)
		}
	}
}

func (c *checker) claims(s *Spec, pat *targets.Pattern) {
	if len(s.Claims) == 0 && c.given("claims", false) {
		c.add("claims", "an empty list: leave claims out if the scenario answers none")
	}
	known := claimUnits(s, true)
	for i, cl := range s.Claims {
		field := func(f string) string { return fmt.Sprintf("claims[%d].%s", i, f) }
		if cl.Guide < 0 || cl.Guide > GuideClaims {
			c.add(field("guide"), "%d: want 1 to %d, the guide's claim, or 0 (or none) for a claim of your own", cl.Guide, GuideClaims)
		}
		switch {
		case strings.TrimSpace(cl.Text) == "":
			c.add(field("text"), "missing: a claim needs its text")
		case len(cl.Text) > maxClaimText || strings.ContainsAny(cl.Text, "\n\r"):
			c.add(field("text"), "want one line of at most %d bytes", maxClaimText)
		}
		if cl.Why != "" {
			if len(cl.Why) > maxClaimText || strings.ContainsAny(cl.Why, "\n\r") {
				c.add(field("why"), "want one line of at most %d bytes", maxClaimText)
			}
			for _, f := range []struct{ name, value string }{{"unit", cl.Unit}, {"follows", cl.Follows}, {"ignores", cl.Ignores}, {"better", cl.Better}, {"margin", cl.Margin}} {
				if f.value != "" {
					c.add(field(f.name), "%q: a claim that gives why (it cannot be isolated) names no %s", f.value, f.name)
				}
			}
			continue
		}
		if cl.Unit == "" {
			c.add(field("unit"), "missing: want one of %s (or why, if the scenario cannot isolate the claim)", strings.Join(known, ", "))
		} else if !slices.Contains(known, cl.Unit) {
			c.add(field("unit"), "%q is not a unit the trials of this scenario record: want one of %s", cl.Unit, strings.Join(known, ", "))
		}
		if cl.Better != "" && cl.Better != "higher" && cl.Better != "lower" {
			c.add(field("better"), "%q: want higher or lower (or none, for the unit's own direction)", cl.Better)
		}
		if _, ok := cl.MarginFraction(); !ok {
			c.add(field("margin"), "%q: want a percentage from 0%% to below 100%% (e.g. 10%%), or none for the default (%g%%)", cl.Margin, 100*record.DefaultMargin)
		}
		if pat != nil {
			c.claimSides(s, pat, cl, field)
		}
	}
}

// claimSides checks a claim's follows and ignores: implementations the
// scenario runs (a trial's spec: of its pattern; see validate), not the
// same one.
func (c *checker) claimSides(s *Spec, pat *targets.Pattern, cl record.Claim, field func(string) string) {
	runs := s.Impls
	switch {
	case c.trial:
		runs = pat.ImplNames()
	case len(runs) == 0:
		runs = pat.DefaultImpls()
	}
	for _, f := range []struct{ name, impl string }{{"follows", cl.Follows}, {"ignores", cl.Ignores}} {
		switch {
		case f.impl == "":
			c.add(field(f.name), "missing: want an implementation the scenario runs: %s", strings.Join(runs, ", "))
		case !slices.Contains(runs, f.impl):
			c.add(field(f.name), "%q is not an implementation the scenario runs: %s", f.impl, strings.Join(runs, ", "))
		}
	}
	if cl.Follows != "" && cl.Follows == cl.Ignores {
		c.add(field("ignores"), "%q: the same implementation as follows", cl.Ignores)
	}
}
