package report

import (
	"math"
	"slices"
	"sort"
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
	// verdictNoMeaning: a significant difference, but within the claim's
	// practical margin in every combination where it is significant.
	verdictNoMeaning = "no meaningful difference"
	// verdictTooFew: no comparison was significant, and with so few
	// trials none could have been: the smallest p-value Mann–Whitney can
	// give them, Holm-corrected, is not below α.
	verdictTooFew   = "not enough trials"
	verdictIsolated = "cannot be isolated" // the scenario says why
	verdictNoData   = "not measured"       // the files lack one side
)

// verdict is one row of the claims audit: the numbers that decide it;
// verdict_text.go writes them as sentences.
type verdict struct {
	Guide    int // the guide's claim number; 0 for a claim of one's own
	Claim    record.Claim
	Scenario string
	Link     string // anchor of the evidence
	Kind     string // verdictHolds, …
	Tests    []*claimTest
	Missing  []missingSide // groups without a sample of one side
	Holds    []*claimTest  // significantly in the claim's favour, beyond the margin
	Against  []*claimTest  // significantly against it, beyond the margin
	// Margin is the claim's practical margin, a fraction (0 for none).
	Margin float64
	// Borderline is the one combination the verdict turns on, if there
	// is one: flipping it (a p-value near α, or a difference near the
	// margin) would change the verdict.
	Borderline *claimTest
	// Disturbed counts the trials of the deciding combinations that the
	// harness or the machine disturbed (record.Trial.Disturbed).
	Disturbed int
}

// missingSide is a group in which one side of a claim has no value.
type missingSide struct {
	Group *group
	Who   string // the implementation(s) without a value
	at    int    // the group's place in the scenario
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
	sig, good          bool // significant; in the claim's favour
	// effect is the difference the margin applies to: the ratio of the
	// medians less 1 (ignores over follows), or for trials-<status> the
	// difference of the fractions of trials; within, that it is smaller
	// than the margin.
	effect float64
	within bool
	at     int // the group's place in the scenario
	// open is set on a test that is not significant and whose medians'
	// 95% intervals still allow a difference beyond the margin: neither a
	// difference nor its absence was shown (ratioLo, ratioHi: the ratios,
	// ignores over follows, the intervals allow).
	open             bool
	ratioLo, ratioHi float64
}

// tooFew reports whether no comparison of tests could have been
// significant: the smallest p-value Mann–Whitney can give their sample
// sizes, Holm-corrected over them, is not below α.
func tooFew(tests []*claimTest) bool {
	for _, t := range tests {
		if float64(len(tests))*minMannWhitneyP(len(t.follows), len(t.ignores)) < t.cmp.Alpha {
			return false
		}
	}
	return true
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
	v := verdict{Guide: c.Guide, Claim: c, Scenario: sc.Name}
	if c.Why != "" {
		v.Kind = verdictIsolated
		return v
	}
	better := ds.better(c.Unit)
	switch {
	case c.Better == "higher":
		better = 1
	case c.Better == "lower", strings.HasPrefix(c.Unit, statusUnitPrefix):
		better = -1
	}
	for at, g := range groups {
		f, i := claimSample(g, c.Unit, c.Follows), claimSample(g, c.Unit, c.Ignores)
		if len(f) == 0 || len(i) == 0 {
			v.Missing = append(v.Missing, missingSide{g, missing(f, i, c), at})
			continue
		}
		th := benchmath.DefaultThresholds
		t := &claimTest{g: g, follows: f, ignores: i, followsMed: median(f), ignMed: median(i), at: at}
		t.cmp = benchmath.AssumeNothing.Compare(benchmath.NewSample(f, &th), benchmath.NewSample(i, &th))
		v.Tests = append(v.Tests, t)
	}
	if len(v.Tests) == 0 {
		v.Kind = verdictNoData
		return v
	}
	holmTests(v.Tests)
	v.Margin, _ = c.MarginFraction()
	for _, t := range v.Tests {
		// The direction is the rank test's: which sample tends to be the
		// larger. (Medians can tie where the test finds a difference: a
		// status's 0/1 trials have median 0 until half of them fail.)
		t.good = superiority(t.follows, t.ignores)*float64(better) > 0
		t.sig = t.pAdj < t.cmp.Alpha
		t.effect = effect(c.Unit, t)
		t.within = math.Abs(t.effect) < v.Margin
	}
	v.Kind, v.Holds, v.Against = classify(v.Tests)
	v.Borderline = borderline(v)
	v.Disturbed = disturbedIn(v, c)
	return v
}

// classify returns the verdict kind of tests, and the tests that hold
// and that go against the claim beyond its margin.
func classify(tests []*claimTest) (kind string, holds, against []*claimTest) {
	meaningless := 0
	for _, t := range tests {
		switch {
		case t.sig && t.within:
			meaningless++
		case t.sig && t.good:
			holds = append(holds, t)
		case t.sig:
			against = append(against, t)
		}
	}
	switch {
	case len(holds) == len(tests):
		kind = verdictHolds
	case len(holds) > 0:
		kind = verdictHoldsWhen
	case len(against) > 0:
		kind = verdictNot
	case meaningless > 0:
		kind = verdictNoMeaning
	case tooFew(tests):
		kind = verdictTooFew
	default:
		kind = verdictNot
	}
	return kind, holds, against
}

// effect is the difference of t the margin applies to.
func effect(unit string, t *claimTest) float64 {
	if strings.HasPrefix(unit, statusUnitPrefix) {
		return mean(t.ignores) - mean(t.follows)
	}
	if t.followsMed == 0 {
		if t.ignMed == 0 {
			return 0
		}
		return math.Inf(1)
	}
	return t.ignMed/t.followsMed - 1
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// Near α and near the margin: a p-value within a factor of 4 of α, or a
// difference within a factor of 1.5 of the margin, could fall on the
// other side in the next run (the README's reproducibility runs).
const (
	nearAlpha  = 4
	nearMargin = 1.5
)

// borderline returns the test v's kind turns on, if flipping any one
// test near α or near the margin would change the kind: the one nearest.
// A verdict that no test decided (none significant) turns on its first
// open test, whatever its p-value: it says no difference was shown, and
// the next run may show one.
func borderline(v verdict) *claimTest {
	if v.Kind == verdictNot && len(v.Against) == 0 {
		for _, t := range v.Tests {
			if markOpen(t, v.Margin); t.open {
				return t
			}
		}
	}
	var best *claimTest
	bestDist := math.Inf(1)
	for _, t := range v.Tests {
		dist := math.Inf(1) // how near, in factors, to flipping
		if a := t.cmp.Alpha; t.pAdj >= a/nearAlpha && t.pAdj < a*nearAlpha && !firm(t, v.Margin) {
			dist = math.Abs(math.Log(t.pAdj / a))
		}
		if m := v.Margin; m > 0 && !math.IsInf(t.effect, 0) {
			if e := math.Abs(t.effect); e >= m/nearMargin && e < m*nearMargin {
				dist = math.Min(dist, math.Abs(math.Log(e/m)))
			}
		}
		if math.IsInf(dist, 1) || dist >= bestDist {
			continue
		}
		flipped := *t
		if t.pAdj >= t.cmp.Alpha/nearAlpha && t.pAdj < t.cmp.Alpha*nearAlpha && !firm(t, v.Margin) {
			flipped.sig = !t.sig
		} else {
			flipped.within = !t.within
		}
		alt := slices.Clone(v.Tests)
		alt[slices.Index(v.Tests, t)] = &flipped
		if k, _, _ := classify(alt); k != v.Kind {
			best, bestDist = t, dist
		}
	}
	return best
}

// firm reports whether t's p-value, though near α, is as small as its
// sample sizes allow: every trial of one side beyond every trial of the
// other, by a difference well beyond the margin. With 4 trials a side the
// U test gives no p below 0.029, within a factor of 4 of α = 0.05 for any
// result: 4 hung trials of 4 against 0 of 4 is not a coin flip.
func firm(t *claimTest, margin float64) bool {
	if math.Abs(t.effect) < margin*nearMargin {
		return false
	}
	fLo, fHi := slices.Min(t.follows), slices.Max(t.follows)
	iLo, iHi := slices.Min(t.ignores), slices.Max(t.ignores)
	return fHi < iLo || iHi < fLo
}

// markOpen sets t.open (and the ratios) if t is not significant and the
// 95% intervals of its two medians allow a ratio beyond 1 ± margin. With
// fewer than 6 trials a side the interval of a median is unbounded
// (benchmath), so such a test is always open. A trials-<status> unit,
// whose effect is a difference of fractions, is never open.
func markOpen(t *claimTest, margin float64) {
	if t.sig || margin <= 0 || len(t.follows) == 0 || len(t.ignores) == 0 || math.IsInf(t.effect, 0) {
		return
	}
	th := benchmath.DefaultThresholds
	f := benchmath.AssumeNothing.Summary(benchmath.NewSample(t.follows, &th), 0.95)
	i := benchmath.AssumeNothing.Summary(benchmath.NewSample(t.ignores, &th), 0.95)
	t.ratioLo, t.ratioHi = i.Lo/f.Hi, i.Hi/f.Lo
	if f.Lo <= 0 || math.IsNaN(t.ratioLo) || math.IsNaN(t.ratioHi) {
		t.ratioLo, t.ratioHi = 0, math.Inf(1)
	}
	t.ratioLo = max(t.ratioLo, 0) // an unbounded interval's end: no lower bound on a ratio of positives
	t.open = t.ratioLo-1 <= -margin || t.ratioHi-1 >= margin
}

// disturbedIn counts the disturbed trials of the claim's two
// implementations in the combinations that decide v: those that hold or
// go against it, or all of them where none does.
func disturbedIn(v verdict, c record.Claim) int {
	deciding := append(slices.Clone(v.Holds), v.Against...)
	if len(deciding) == 0 {
		deciding = v.Tests
	}
	n := 0
	for _, t := range deciding {
		for _, impl := range []string{c.Follows, c.Ignores} {
			for _, tr := range t.g.trials[impl] {
				if tr.Disturbed != "" {
					n++
				}
			}
		}
	}
	return n
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
