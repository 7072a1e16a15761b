package report

import (
	"math"
	"strings"
	"testing"

	"github.com/concbench/concbench/record"
)

// claimGroup is a group of scenario s with the given values of unit per
// implementation.
func claimGroup(key, unit string, values map[string][]float64) *group {
	g := &group{Scenario: "s", Key: key, results: map[string][]result{}, trials: map[string][]record.Trial{}}
	for impl, vs := range values {
		g.Impls = append(g.Impls, impl)
		for _, v := range vs {
			g.results[impl] = append(g.results[impl], result{Values: map[string]float64{unit: v}})
		}
	}
	return g
}

func TestClaimVerdicts(t *testing.T) {
	low, high := []float64{5, 6, 5, 6, 5, 6}, []float64{10, 11, 12, 10, 11, 12}
	same := []float64{5, 6, 7, 5, 6, 7}
	claim := record.Claim{Guide: 2, Text: "c", Unit: "ops/s", Follows: "good", Ignores: "bad"}
	tests := []struct {
		name       string
		claim      record.Claim
		give       []*group
		wantKind   string
		wantAnswer string
		wantNumber string
	}{
		{"holds", claim, []*group{claimGroup("w=1", "ops/s", map[string][]float64{"good": high, "bad": low})},
			verdictHolds, "good is significantly better than bad in ops/s.", "ops/s: bad 0.50× good; margin 10%"},
		{"contradicted", claim, []*group{claimGroup("w=1", "ops/s", map[string][]float64{"good": low, "bad": high})},
			verdictNot, "bad is significantly better than good in ops/s in 1 of 1", "ops/s: bad 2.00× good; margin 10%"},
		{"no difference", claim, []*group{claimGroup("w=1", "ops/s", map[string][]float64{"good": same, "bad": []float64{6, 5, 7, 6, 5, 7}})},
			verdictNot, "no significant difference in ops/s between good and bad.", "ops/s: bad 1.00× good; margin 10%"},
		{"only when", claim, []*group{
			claimGroup("w=1", "ops/s", map[string][]float64{"good": high, "bad": low}),
			claimGroup("w=8", "ops/s", map[string][]float64{"good": same, "bad": same})},
			verdictHoldsWhen, "w=1: good is significantly better than bad in ops/s there, in 1 of 2", "ops/s: bad 0.50–1.00× good; margin 10%"},
		{"lower is better by declaration", record.Claim{Text: "c", Unit: "ops/s", Follows: "good", Ignores: "bad", Better: "lower"},
			[]*group{claimGroup("w=1", "ops/s", map[string][]float64{"good": low, "bad": high})},
			verdictHolds, "good is significantly better", "ops/s: bad 2.00× good; margin 10%"},
		{"significant but within the margin", claim, []*group{claimGroup("w=1", "ops/s", map[string][]float64{"good": {100, 101, 102, 100, 101, 102}, "bad": {95, 96, 97, 95, 96, 97}})},
			verdictNoMeaning, "good and bad differ significantly in ops/s, but by less than the claim's practical margin of 10%.", "ops/s: bad 0.95× good; margin 10%"},
		{"a margin of its own", record.Claim{Text: "c", Unit: "ops/s", Follows: "good", Ignores: "bad", Margin: "2%"},
			[]*group{claimGroup("w=1", "ops/s", map[string][]float64{"good": {100, 101, 102, 100, 101, 102}, "bad": {95, 96, 97, 95, 96, 97}})},
			verdictHolds, "good is significantly better than bad in ops/s.", "ops/s: bad 0.95× good; margin 2%"},
		{"why", record.Claim{Text: "c", Why: "one machine cannot show it"}, nil, verdictIsolated, "one machine cannot show it", ""},
		{"no data", claim, []*group{claimGroup("w=1", "ops/s", map[string][]float64{"good": high})},
			verdictNoData, "these files hold no ops/s of both good and bad in scenario s", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := &dataset{Better: map[string]int{"ops/s": 1}}
			v := claimVerdict(ds, record.Scenario{Name: "s"}, tt.claim, tt.give)
			// The number is compared whole: "" where there is none to decide
			// (a claim that cannot be isolated, or has no data).
			if v.Kind != tt.wantKind || !strings.Contains(v.answer(), tt.wantAnswer) || v.number() != tt.wantNumber {
				t.Errorf("verdict %q %q %q\nwant %q %q %q", v.Kind, v.answer(), v.number(), tt.wantKind, tt.wantAnswer, tt.wantNumber)
			}
		})
	}
}

// A trials-<status> claim counts the trials that ended with the status;
// a trial cut short by an interrupt counts for neither side.
func TestStatusClaim(t *testing.T) {
	g := &group{Scenario: "s", Key: "k", trials: map[string][]record.Trial{}}
	for range 4 {
		g.trials["good"] = append(g.trials["good"], record.Trial{Status: record.StatusOK})
		g.trials["bad"] = append(g.trials["bad"], record.Trial{Status: record.StatusHung})
	}
	g.trials["bad"] = append(g.trials["bad"], record.Trial{Status: record.StatusPartial})
	c := record.Claim{Guide: 6, Text: "deadlocks", Unit: "trials-hung", Follows: "good", Ignores: "bad"}
	v := claimVerdict(&dataset{}, record.Scenario{Name: "s"}, c, []*group{g})
	if v.Kind != verdictHolds || v.number() != "bad: 4 of 4 trials hung; good: 0 of 4" {
		t.Errorf("verdict %q, number %q", v.Kind, v.number())
	}
	if len(v.details()) != 1 || !strings.Contains(v.details()[0], "good 0 of 4 trials hung, bad 4 of 4 trials hung") {
		t.Errorf("details %q", v.details())
	}
}

// Holm's correction over a claim's parameter combinations: four
// comparisons at p = 0.029 each (4 trials against 4, fully separated)
// cannot be significant after correction, and the verdict says that the
// trials are too few, not that the claim does not hold; one alone holds.
func TestClaimHolmOverCombinations(t *testing.T) {
	a, b := []float64{1, 2, 3, 4}, []float64{11, 12, 13, 14}
	c := record.Claim{Text: "c", Unit: "p99-ns", Follows: "good", Ignores: "bad"}
	ds := &dataset{Better: map[string]int{"p99-ns": -1}}
	one := claimVerdict(ds, record.Scenario{Name: "s"}, c, []*group{claimGroup("k=1", "p99-ns", map[string][]float64{"good": a, "bad": b})})
	var four []*group
	for _, k := range []string{"k=1", "k=2", "k=3", "k=4"} {
		four = append(four, claimGroup(k, "p99-ns", map[string][]float64{"good": a, "bad": b}))
	}
	all := claimVerdict(ds, record.Scenario{Name: "s"}, c, four)
	if one.Kind != verdictHolds || all.Kind != verdictTooFew || !strings.Contains(all.answer(), "Holm-corrected, is 0.114") {
		t.Errorf("one combination: %q, four: %q %q; want holds, not enough trials (0.114)", one.Kind, all.Kind, all.answer())
	}
}

// The direction is the rank test's, not the medians': 8 of 20 trials hung
// against none is significant and against the one that hung, though both
// medians are 0.
func TestStatusClaimDirectionWithEqualMedians(t *testing.T) {
	g := &group{Scenario: "s", Key: "k", trials: map[string][]record.Trial{}}
	for i := range 20 {
		g.trials["good"] = append(g.trials["good"], record.Trial{Status: record.StatusOK})
		st := record.StatusOK
		if i < 8 {
			st = record.StatusHung
		}
		g.trials["bad"] = append(g.trials["bad"], record.Trial{Status: st})
	}
	c := record.Claim{Text: "deadlocks", Unit: "trials-hung", Follows: "good", Ignores: "bad"}
	if v := claimVerdict(&dataset{}, record.Scenario{Name: "s"}, c, []*group{g}); v.Kind != verdictHolds {
		t.Errorf("verdict %q: %s", v.Kind, v.answer())
	}
}

func TestMinMannWhitneyP(t *testing.T) {
	for _, tt := range []struct {
		n1, n2 int
		want   float64
	}{{3, 3, 0.1}, {4, 4, 2.0 / 70}, {6, 6, 2.0 / 924}, {1, 1, 1}} {
		if got := minMannWhitneyP(tt.n1, tt.n2); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("minMannWhitneyP(%d, %d) = %g, want %g", tt.n1, tt.n2, got, tt.want)
		}
	}
}

// TestBorderline: a verdict that turns on one combination near the
// margin, or near α, says so; one far from both does not.
func TestBorderline(t *testing.T) {
	claim := record.Claim{Text: "c", Unit: "ops/s", Follows: "good", Ignores: "bad"}
	ds := &dataset{Better: map[string]int{"ops/s": 1}}
	good := []float64{100, 101, 102, 100, 101, 102}
	near := []float64{88, 89, 90, 88, 89, 90} // 0.89×: beyond the 10% margin, within 1.5× of it
	far := []float64{50, 51, 52, 50, 51, 52}
	v := claimVerdict(ds, record.Scenario{Name: "s"}, claim, []*group{claimGroup("w=1", "ops/s", map[string][]float64{"good": good, "bad": near})})
	if v.Kind != verdictHolds || v.Borderline == nil || len(v.caveats()) != 1 || !strings.Contains(v.caveats()[0], "borderline: the verdict turns on") {
		t.Errorf("near the margin: %q, caveats %q; want holds, borderline", v.Kind, v.caveats())
	}
	v = claimVerdict(ds, record.Scenario{Name: "s"}, claim, []*group{claimGroup("w=1", "ops/s", map[string][]float64{"good": good, "bad": far})})
	if v.Kind != verdictHolds || v.Borderline != nil || len(v.caveats()) != 0 {
		t.Errorf("far from both: %q, caveats %q; want holds, none", v.Kind, v.caveats())
	}
	// Two combinations that hold near the margin: flipping one makes
	// "holds only when", so it turns on either.
	v = claimVerdict(ds, record.Scenario{Name: "s"}, claim, []*group{
		claimGroup("w=1", "ops/s", map[string][]float64{"good": good, "bad": far}),
		claimGroup("w=2", "ops/s", map[string][]float64{"good": good, "bad": near})})
	if v.Borderline == nil || v.Borderline.g.Key != "w=2" {
		t.Errorf("two combinations: borderline %v, want w=2", v.Borderline)
	}
}

// TestBorderlineFewTrialsAndOpen: with 4 trials a side the U test gives
// no p below 0.029, near α whatever the data; a complete separation by a
// difference well beyond the margin is firm, not borderline, while one
// near the margin stays borderline. A verdict no test decided is
// borderline when the medians' intervals allow a difference beyond the
// margin (with 4 trials they are unbounded), and not when they rule one
// out.
func TestBorderlineFewTrialsAndOpen(t *testing.T) {
	claim := record.Claim{Text: "c", Unit: "ops/s", Follows: "good", Ignores: "bad"}
	ds := &dataset{Better: map[string]int{"ops/s": 1}}
	one := func(good, bad []float64) verdict {
		return claimVerdict(ds, record.Scenario{Name: "s"}, claim, []*group{claimGroup("w=1", "ops/s", map[string][]float64{"good": good, "bad": bad})})
	}
	cases := []struct {
		name        string
		good, bad   []float64
		kind        string
		borderline  bool
		caveatShows string
	}{
		{"4 a side, far apart", []float64{100, 101, 102, 103}, []float64{50, 51, 52, 53}, verdictHolds, false, ""},
		{"4 a side, near the margin", []float64{100, 101, 102, 103}, []float64{88, 89, 90, 91}, verdictHolds, true, "turns on"},
		{"no difference shown, 4 a side", []float64{100, 130, 90, 120}, []float64{110, 95, 125, 100}, verdictNot, true, "no difference was shown"},
		{"no difference, ruled out beyond the margin", []float64{100, 101, 102, 100, 101, 102, 101, 100}, []float64{101, 100, 102, 101, 102, 100, 100, 101}, verdictNot, false, ""},
	}
	for _, c := range cases {
		v := one(c.good, c.bad)
		cav := strings.Join(v.caveats(), "|")
		if v.Kind != c.kind || (v.Borderline != nil) != c.borderline || !strings.Contains(cav, c.caveatShows) {
			t.Errorf("%s: %q, borderline %v, caveats %q; want %q, borderline %v, showing %q", c.name, v.Kind, v.Borderline != nil, cav, c.kind, c.borderline, c.caveatShows)
		}
	}
}

// TestVerdictCountsDisturbed: a verdict says how many disturbed trials
// its deciding combinations hold.
func TestVerdictCountsDisturbed(t *testing.T) {
	g := claimGroup("w=1", "ops/s", map[string][]float64{"good": {10, 11, 12, 10, 11, 12}, "bad": {5, 6, 5, 6, 5, 6}})
	g.trials["good"] = []record.Trial{{Disturbed: "the machine took 40%"}, {}}
	g.trials["bad"] = []record.Trial{{Disturbed: "the machine took 30%"}, {Disturbed: "the harness slowed its target"}}
	v := claimVerdict(&dataset{Better: map[string]int{"ops/s": 1}}, record.Scenario{Name: "s"}, record.Claim{Text: "c", Unit: "ops/s", Follows: "good", Ignores: "bad"}, []*group{g})
	if v.Disturbed != 3 || !strings.Contains(strings.Join(v.caveats(), "|"), "rests on 3 disturbed trials") {
		t.Errorf("disturbed %d, caveats %q; want 3", v.Disturbed, v.caveats())
	}
}
