package report

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/perf/benchmath"

	"github.com/concbench/concbench/record"
)

// Verdicts on claims. A scenario declares the claims its results answer
// (record.Claim, from its file's claims:); the report computes each
// verdict from the data alone, the same way for every claim, so no
// scenario or implementation is named here.
//
// A claim compares the implementation that follows the advice with the
// one that ignores it, in one unit, in every parameter combination
// (group) of its scenario: Mann–Whitney U on the trials' values, Holm
// corrected over the claim's groups, at α = 0.05. The unit trials-<status>
// is the fraction of trials that ended with that status, each trial a 0
// or a 1.

// Verdict kinds, the first column of the audit.
const (
	verdictHolds     = "holds"
	verdictHoldsWhen = "holds only when"
	verdictNot       = "does not hold"
	// verdictTooFew: no comparison was significant, and with so few
	// trials none could have been: the smallest p-value Mann–Whitney can
	// give them, Holm-corrected, is not below α.
	verdictTooFew   = "not enough trials"
	verdictIsolated = "cannot be isolated" // the scenario says why
	verdictNoData   = "not measured"       // the files lack one side
)

// verdict is one row of the claims audit.
type verdict struct {
	Guide    int    // the guide's claim number; 0 for a claim of one's own
	Claim    string // the claim's text
	Kind     string // verdictHolds, …
	Answer   string // the verdict in a sentence
	Number   string // the one number that decides it
	Scenario string
	Link     string // anchor of the evidence
	Unit     string
	Details  []string // per parameter combination
}

// statusUnitPrefix marks the units computed from trial statuses.
const statusUnitPrefix = "trials-"

// claimTest is one comparison of a claim: one group's two samples.
type claimTest struct {
	g                  *group
	follows, ignores   []float64
	cmp                benchmath.Comparison
	pAdj               float64
	followsMed, ignMed float64
}

// audit computes the verdict of every claim the files' scenarios declare,
// in the order of the guide's numbering (claims of one's own last), then
// of scenario names, then as declared.
func audit(ds *dataset, sections []*section) []verdict {
	groups := map[string][]*group{} // by scenario name
	anchors := map[*group]string{}
	for _, s := range sections {
		for _, g := range s.Groups {
			if g.Scenario != "" {
				groups[g.Scenario] = append(groups[g.Scenario], g)
				anchors[g] = s.ID
			}
		}
	}
	var out []verdict
	for _, sc := range ds.Scenarios {
		for _, c := range sc.Claims {
			v := claimVerdict(ds, sc, c, groups[sc.Name])
			if gs := groups[sc.Name]; len(gs) > 0 {
				v.Link = anchors[gs[0]]
			}
			out = append(out, v)
		}
	}
	// By the guide's number (claims of one's own last), then scenario: an
	// order that does not depend on the order of the files.
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Guide, out[j].Guide
		if a != b {
			return a != 0 && (b == 0 || a < b)
		}
		return out[i].Scenario < out[j].Scenario
	})
	return out
}

// claimVerdict computes one claim's verdict over the groups of its
// scenario.
func claimVerdict(ds *dataset, sc record.Scenario, c record.Claim, groups []*group) verdict {
	v := verdict{Guide: c.Guide, Claim: c.Text, Scenario: sc.Name, Unit: c.Unit}
	if c.Why != "" {
		v.Kind, v.Answer = verdictIsolated, c.Why
		return v
	}
	better := ds.better(c.Unit)
	switch {
	case c.Better == "higher":
		better = 1
	case c.Better == "lower", strings.HasPrefix(c.Unit, statusUnitPrefix):
		better = -1
	}
	var tests []*claimTest
	for _, g := range groups {
		f, i := claimSample(g, c.Unit, c.Follows), claimSample(g, c.Unit, c.Ignores)
		if len(f) == 0 || len(i) == 0 {
			v.Details = append(v.Details, fmt.Sprintf("%s: no %s for %s", g.Title(), c.Unit, missing(f, i, c)))
			continue
		}
		th := benchmath.DefaultThresholds
		t := &claimTest{g: g, follows: f, ignores: i, followsMed: median(f), ignMed: median(i)}
		t.cmp = benchmath.AssumeNothing.Compare(benchmath.NewSample(f, &th), benchmath.NewSample(i, &th))
		tests = append(tests, t)
	}
	if len(tests) == 0 {
		v.Kind = verdictNoData
		v.Answer = fmt.Sprintf("these files hold no %s of both %s and %s in scenario %s", c.Unit, c.Follows, c.Ignores, sc.Name)
		return v
	}
	holmTests(tests)
	var holds, against []*claimTest
	reachable := false // could any comparison have been significant?
	for _, t := range tests {
		// The direction is the rank test's: which sample tends to be the
		// larger. (Medians can tie where the test finds a difference: a
		// status's 0/1 trials have median 0 until half of them fail.)
		good := superiority(t.follows, t.ignores)*float64(better) > 0
		sig := t.pAdj < t.cmp.Alpha
		reachable = reachable || float64(len(tests))*minMannWhitneyP(len(t.follows), len(t.ignores)) < t.cmp.Alpha
		switch {
		case sig && good:
			holds = append(holds, t)
		case sig:
			against = append(against, t)
		}
		v.Details = append(v.Details, fmt.Sprintf("%s: %s %s, %s %s (Mann–Whitney p=%.3f, Holm %.3f over %d, n=%d+%d)%s",
			t.g.Title(), c.Follows, formatClaimValue(c.Unit, t.followsMed, t.follows), c.Ignores, formatClaimValue(c.Unit, t.ignMed, t.ignores),
			t.cmp.P, t.pAdj, len(tests), len(t.follows), len(t.ignores), mark(sig, good)))
	}
	v.Number = claimNumber(c, tests)
	switch {
	case len(holds) == len(tests):
		v.Kind = verdictHolds
		v.Answer = fmt.Sprintf("%s is significantly better than %s in %s%s.", c.Follows, c.Ignores, c.Unit, everywhere(len(tests)))
	case len(holds) > 0:
		v.Kind = verdictHoldsWhen
		var where []string
		for _, t := range holds {
			where = append(where, t.g.Title())
		}
		v.Answer = fmt.Sprintf("%s: %s is significantly better than %s in %s there, in %d of %d parameter combinations", strings.Join(where, "; "), c.Follows, c.Ignores, c.Unit, len(holds), len(tests))
		if len(against) > 0 {
			v.Answer += fmt.Sprintf("; significantly worse in %d", len(against))
		}
		v.Answer += "."
	case len(against) > 0:
		v.Kind = verdictNot
		v.Answer = fmt.Sprintf("%s is significantly better than %s in %s in %d of %d parameter combinations, and nowhere worse.", c.Ignores, c.Follows, c.Unit, len(against), len(tests))
	case !reachable:
		v.Kind = verdictTooFew
		t := tests[0]
		v.Answer = fmt.Sprintf("no significant difference, and with %d+%d trials in each of %d parameter combinations none could be shown: the smallest p-value Mann–Whitney gives them, Holm-corrected, is %.3f, not below α = %.2f. Run more repetitions.",
			len(t.follows), len(t.ignores), len(tests), math.Min(1, float64(len(tests))*minMannWhitneyP(len(t.follows), len(t.ignores))), t.cmp.Alpha)
	default:
		v.Kind = verdictNot
		v.Answer = fmt.Sprintf("no significant difference in %s between %s and %s%s.", c.Unit, c.Follows, c.Ignores, everywhere(len(tests)))
	}
	return v
}

func everywhere(n int) string {
	if n == 1 {
		return ""
	}
	return " in all " + strconv.Itoa(n) + " parameter combinations"
}

func mark(sig, good bool) string {
	switch {
	case sig && good:
		return ": holds"
	case sig:
		return ": contradicts"
	}
	return ": no significant difference"
}

func missing(f, i []float64, c record.Claim) string {
	switch {
	case len(f) == 0 && len(i) == 0:
		return c.Follows + " nor " + c.Ignores
	case len(f) == 0:
		return c.Follows
	}
	return c.Ignores
}

// claimSample returns impl's values of unit in g: one per trial.
func claimSample(g *group, unit, impl string) []float64 {
	if st, ok := strings.CutPrefix(unit, statusUnitPrefix); ok {
		var out []float64
		for _, t := range g.trials[impl] {
			if t.Status == record.StatusPartial {
				continue // cut short: says nothing of the design
			}
			out = append(out, b2f(t.Status == st))
		}
		return out
	}
	return g.shown(unit)[impl]
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// holmTests sets each test's Holm–Bonferroni adjusted p-value.
func holmTests(tests []*claimTest) {
	ps := make([]float64, len(tests))
	for i, t := range tests {
		ps[i] = t.cmp.P
	}
	for i, p := range holmAdjust(ps) {
		tests[i].pAdj = p
	}
}

// superiority is P(x > y) − P(y > x) over every pair of the two samples:
// positive where x tends to be the larger, the direction Mann–Whitney U
// tests.
func superiority(xs, ys []float64) float64 {
	var d int
	for _, x := range xs {
		for _, y := range ys {
			switch {
			case x > y:
				d++
			case x < y:
				d--
			}
		}
	}
	return float64(d) / float64(len(xs)*len(ys))
}

// minMannWhitneyP is the smallest two-sided p-value the Mann–Whitney U
// test can give samples of n1 and n2 values (without ties): both
// samples wholly apart, 2 / C(n1+n2, n1).
func minMannWhitneyP(n1, n2 int) float64 {
	c := 1.0 // C(n1+n2, n1), computed incrementally
	for i := 1; i <= n1; i++ {
		c = c * float64(n2+i) / float64(i)
	}
	return math.Min(1, 2/c)
}

// formatClaimValue formats a median of unit; a status fraction as the
// count of trials it stands for.
func formatClaimValue(unit string, med float64, sample []float64) string {
	if st, ok := strings.CutPrefix(unit, statusUnitPrefix); ok {
		n := 0
		for _, x := range sample {
			if x == 1 {
				n++
			}
		}
		return fmt.Sprintf("%d of %d trials %s", n, len(sample), st)
	}
	return formatValue(unit, med)
}

// claimNumber is the number that decides a claim: the ratio of the two
// medians (ignores over follows, so that above 1 means ignoring the
// advice costs that factor in a lower-is-better unit), its range over the
// parameter combinations; for a status, the trials that ended so.
func claimNumber(c record.Claim, tests []*claimTest) string {
	if strings.HasPrefix(c.Unit, statusUnitPrefix) {
		var f, i, nf, ni int
		for _, t := range tests {
			for _, x := range t.follows {
				f += int(x)
			}
			for _, x := range t.ignores {
				i += int(x)
			}
			nf, ni = nf+len(t.follows), ni+len(t.ignores)
		}
		st := strings.TrimPrefix(c.Unit, statusUnitPrefix)
		return fmt.Sprintf("%s: %d of %d trials %s; %s: %d of %d", c.Ignores, i, ni, st, c.Follows, f, nf)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	var zero bool
	for _, t := range tests {
		if t.followsMed == 0 {
			zero = true
			continue
		}
		r := t.ignMed / t.followsMed
		lo, hi = math.Min(lo, r), math.Max(hi, r)
	}
	if math.IsInf(lo, 1) {
		t := tests[0]
		return fmt.Sprintf("%s %s: %s, %s: %s", c.Unit, c.Ignores, formatValue(c.Unit, t.ignMed), c.Follows, formatValue(c.Unit, t.followsMed))
	}
	r := ratio(lo)
	if hi/lo > 1.005 {
		r += "–" + ratio(hi)
	}
	s := fmt.Sprintf("%s: %s %s× %s", c.Unit, c.Ignores, r, c.Follows)
	if zero {
		s += " (where " + c.Follows + " is not 0)"
	}
	return s
}

func ratio(r float64) string {
	switch {
	case r >= 100:
		return strconv.FormatFloat(r, 'f', 0, 64)
	case r >= 10:
		return strconv.FormatFloat(r, 'f', 1, 64)
	}
	return strconv.FormatFloat(r, 'f', 2, 64)
}
