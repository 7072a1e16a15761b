package report

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/concbench/concbench/record"
)

// The claims audit in words: each verdict's answer, the number that
// decides it and its evidence per parameter combination, written from
// the verdict's numbers (verdict.go) when the page is rendered.

// answer is the verdict in a sentence.
func (v verdict) answer() string {
	c := v.Claim
	switch v.Kind {
	case verdictIsolated:
		return c.Why
	case verdictNoData:
		return fmt.Sprintf("these files hold no %s of both %s and %s in scenario %s", c.Unit, c.Follows, c.Ignores, v.Scenario)
	case verdictHolds:
		return fmt.Sprintf("%s is significantly better than %s in %s%s.", c.Follows, c.Ignores, c.Unit, everywhere(len(v.Tests)))
	case verdictHoldsWhen:
		var where []string
		for _, t := range v.Holds {
			where = append(where, t.g.Title())
		}
		a := fmt.Sprintf("%s: %s is significantly better than %s in %s there, in %d of %d parameter combinations", strings.Join(where, "; "), c.Follows, c.Ignores, c.Unit, len(v.Holds), len(v.Tests))
		if len(v.Against) > 0 {
			a += fmt.Sprintf("; significantly worse in %d", len(v.Against))
		}
		return a + "."
	case verdictTooFew:
		t := v.Tests[0]
		return fmt.Sprintf("no significant difference, and with %d+%d trials in each of %d parameter combinations none could be shown: the smallest p-value Mann–Whitney gives them, Holm-corrected, is %.3f, not below α = %.2f. Run more repetitions.",
			len(t.follows), len(t.ignores), len(v.Tests), math.Min(1, float64(len(v.Tests))*minMannWhitneyP(len(t.follows), len(t.ignores))), t.cmp.Alpha)
	}
	if v.Kind == verdictNoMeaning {
		return fmt.Sprintf("%s and %s differ significantly in %s, but by less than the claim's practical margin of %s%s.", c.Follows, c.Ignores, c.Unit, pct(v.Margin), wherever(v))
	}
	if len(v.Against) > 0 {
		return fmt.Sprintf("%s is significantly better than %s in %s in %d of %d parameter combinations, and nowhere worse.", c.Ignores, c.Follows, c.Unit, len(v.Against), len(v.Tests))
	}
	return fmt.Sprintf("no significant difference in %s between %s and %s%s.", c.Unit, c.Follows, c.Ignores, everywhere(len(v.Tests)))
}

// number is the one number that decides the verdict, with the claim's
// practical margin; "" where there is none.
func (v verdict) number() string {
	if len(v.Tests) == 0 {
		return ""
	}
	n := claimNumber(v.Claim, v.Tests)
	if v.Margin > 0 {
		n += "; margin " + pct(v.Margin)
	}
	return n
}

// caveats are what a reader must know before trusting the verdict: the
// one borderline combination it turns on, the disturbed trials it rests
// on. nil for none.
func (v verdict) caveats() []string {
	var out []string
	if t := v.Borderline; t != nil && t.open {
		out = append(out, fmt.Sprintf("borderline: no difference was shown, nor that none beyond the margin of %s exists (%s: Holm p=%.3f; the medians' 95%% intervals allow a ratio of %s to %s): the next run may show one",
			pct(v.Margin), t.g.Title(), t.pAdj, ratioText(t.ratioLo), ratioText(t.ratioHi)))
	} else if t != nil {
		out = append(out, fmt.Sprintf("borderline: the verdict turns on %s alone (Holm p=%.3f against α=%.2f; difference %s against the margin of %s): the next run may give another",
			t.g.Title(), t.pAdj, t.cmp.Alpha, signedPct(t.effect), pct(v.Margin)))
	}
	if v.Disturbed > 0 {
		out = append(out, fmt.Sprintf("rests on %d disturbed trials (see their scenario's section)", v.Disturbed))
	}
	return out
}

// ratioText writes an interval's end: "0.85×", "∞" where unbounded.
func ratioText(r float64) string {
	if math.IsInf(r, 0) {
		return "∞"
	}
	return strconv.FormatFloat(r, 'f', 2, 64) + "×"
}

// pct writes a fraction as a percentage: "10%", "2.5%".
func pct(f float64) string { return strconv.FormatFloat(100*f, 'g', 3, 64) + "%" }

// signedPct writes a difference as a signed percentage: "+7.1%".
func signedPct(f float64) string {
	if math.IsInf(f, 0) {
		return "∞"
	}
	return fmt.Sprintf("%+.3g%%", 100*f)
}

// wherever says in how many combinations, where more than one.
func wherever(v verdict) string {
	return everywhere(len(v.Tests))
}

// details is the evidence per parameter combination.
func (v verdict) details() []string {
	c := v.Claim
	byGroup := map[int]string{}
	for _, m := range v.Missing {
		byGroup[m.at] = fmt.Sprintf("%s: no %s for %s", m.Group.Title(), c.Unit, m.Who)
	}
	for _, t := range v.Tests {
		byGroup[t.at] = fmt.Sprintf("%s: %s %s, %s %s (Mann–Whitney p=%.3f, Holm %.3f over %d, n=%d+%d)%s",
			t.g.Title(), c.Follows, formatClaimValue(c.Unit, t.followsMed, t.follows), c.Ignores, formatClaimValue(c.Unit, t.ignMed, t.ignores),
			t.cmp.P, t.pAdj, len(v.Tests), len(t.follows), len(t.ignores), testMark(t))
	}
	var out []string
	for _, at := range slices.Sorted(maps.Keys(byGroup)) {
		out = append(out, byGroup[at])
	}
	return out
}

func everywhere(n int) string {
	if n == 1 {
		return ""
	}
	return " in all " + strconv.Itoa(n) + " parameter combinations"
}

func testMark(t *claimTest) string {
	switch {
	case t.sig && t.within:
		return ": significant, within the margin"
	case t.sig && t.good:
		return ": holds"
	case t.sig:
		return ": contradicts"
	}
	return ": no significant difference"
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
	r := formatRatio(lo)
	if hi/lo > 1.005 {
		r += "–" + formatRatio(hi)
	}
	s := fmt.Sprintf("%s: %s %s× %s", c.Unit, c.Ignores, r, c.Follows)
	if zero {
		s += " (where " + c.Follows + " is not 0)"
	}
	return s
}
