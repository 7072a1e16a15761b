package harness

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/aclements/go-moremath/stats"
	"golang.org/x/perf/benchmath"

	"github.com/concbench/concbench/record"
	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"
	"github.com/concbench/concbench/trial"
	"github.com/concbench/concbench/units"
)

// Sequential repetitions (repeat: auto). A scenario runs in rounds, each
// one repetition of every trial, interleaved as always. After each round
// from the scenario's minimum on it stops if every comparison it feeds is
// decided: each headline unit's ranking (its best implementation against
// the runner-up) and each claim (follows against ignores), in every
// parameter combination. The rule is Haybittle–Peto's: an interim look
// stops only on overwhelming evidence, interimP, so that the final look
// keeps its nominal α (the report's tests, unchanged); here overwhelming
// is Welch's t on the logarithms of the values (scale-free, and with a
// handful of values far more sensitive than a rank test), either way:
//
//   - different: p < interimP, and the report's own test (Mann–Whitney,
//     Holm-corrected over the claim's combinations) already significant
//     at α with the values at hand, so that stopping never leaves the
//     report unable to say so;
//   - the same: both one-sided tests of a difference beyond the claim's
//     practical margin (10% by default; a ranking's too) reject at
//     interimP (TOST), or the two samples are equal constants.
//
// Otherwise it goes on, up to scenarios.SequentialMax. The minimum is
// scenarios.SequentialMin, or more where a claim spans k combinations:
// the smallest count at which Mann–Whitney, Holm-corrected over k, can
// reach α at all.
const interimP = 0.001

// alpha is the report's α.
const alpha = 0.05

// seqScenario is one auto scenario's values so far.
type seqScenario struct {
	spec   scenarios.Spec
	pat    *targets.Pattern
	min    int
	values map[string]map[string]map[string][]float64 // group → impl → unit → one value per trial
	// stoppedAt holds the cells that stopped, with the round they
	// stopped after; undecided, those stopped at the most with a
	// comparison undecided, and which.
	stoppedAt map[string]int
	undecided map[string]string
	reps      int // rounds begun
}

func newSeqScenario(s scenarios.Spec, reg *targets.Registry) *seqScenario {
	q := &seqScenario{spec: s, pat: reg.MustLookup(s.Pattern), values: map[string]map[string]map[string][]float64{},
		stoppedAt: map[string]int{}, undecided: map[string]string{}}
	q.min = scenarios.SequentialMin
	k := q.claimFamily()
	for minMannWhitneyP(q.min)*float64(k) >= alpha && q.min < scenarios.SequentialMax {
		q.min++
	}
	return q
}

// claimFamily is the most parameter combinations one claim of the
// scenario spans: the Holm family of its tests.
func (q *seqScenario) claimFamily() int {
	if len(q.spec.Claims) == 0 {
		return 1
	}
	d := q.spec.Dims(q.pat, nil, 0)
	n := 0
	if len(d.Impls) > 0 {
		d.Points(d.Impls[0], 1, func(scenarios.Point) { n++ })
	}
	return max(n, 1)
}

// units are the units the scenario's comparisons are on.
func (q *seqScenario) units() []string {
	us := slices.Clone(q.spec.Headline)
	for _, c := range q.spec.Claims {
		if c.Why == "" && !slices.Contains(us, c.Unit) {
			us = append(us, c.Unit)
		}
	}
	return us
}

// add keeps a trial's values of the scenario's units.
func (q *seqScenario) add(tr record.Trial) {
	if tr.Status == record.StatusPartial || tr.Floor {
		return
	}
	g := groupKey(tr)
	if q.values[g] == nil {
		q.values[g] = map[string]map[string][]float64{}
	}
	if q.values[g][tr.Impl] == nil {
		q.values[g][tr.Impl] = map[string][]float64{}
	}
	for _, u := range q.units() {
		if st, ok := strings.CutPrefix(u, "trials-"); ok {
			q.values[g][tr.Impl][u] = append(q.values[g][tr.Impl][u], b2f(tr.Status == st))
			continue
		}
		if row, ok := units.Lookup(u); ok {
			if v, ok := row.Value(&tr); ok {
				q.values[g][tr.Impl][u] = append(q.values[g][tr.Impl][u], v)
			}
		} else if v, ok := tr.Counters[u]; ok {
			q.values[g][tr.Impl][u] = append(q.values[g][tr.Impl][u], float64(v))
		}
	}
}

// groupKey is a trial's parameter combination: its name's parts.
func groupKey(tr record.Trial) string {
	var parts []string
	for _, p := range tr.Parts {
		parts = append(parts, p.Key+"="+p.Value)
	}
	return strings.Join(parts, "/")
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// settled says whether cell g's comparisons are all decided, and if not,
// the first that is not.
func (q *seqScenario) settled(g string) (bool, string) {
	impls := q.values[g]
	for _, u := range q.spec.Headline {
		if ok, why := q.rankingDecided(impls, u); !ok {
			return false, fmt.Sprintf("%s: %s", u, why)
		}
	}
	for _, c := range q.spec.Claims {
		if c.Why != "" {
			continue
		}
		f, i := impls[c.Follows][c.Unit], impls[c.Ignores][c.Unit]
		if len(f) == 0 || len(i) == 0 {
			continue
		}
		m, _ := c.MarginFraction()
		if ok, why := decided(f, i, m, float64(q.claimFamily())); !ok {
			return false, fmt.Sprintf("claim on %s: %s", c.Unit, why)
		}
	}
	return true, ""
}

// endRound decides, after round r, which cells stop.
func (q *seqScenario) endRound(r int) {
	for g := range q.values {
		if _, done := q.stoppedAt[g]; done {
			continue
		}
		ok, why := q.settled(g)
		switch {
		case r >= q.min && ok:
			q.stoppedAt[g] = r
		case r >= scenarios.SequentialMax:
			q.stoppedAt[g] = r
			q.undecided[g] = why
		}
	}
}

// summary says how many repetitions the scenario's cells took and why.
func (q *seqScenario) summary() (reps int, reason string) {
	byReps := map[int]int{}
	for g := range q.values {
		r, ok := q.stoppedAt[g]
		if !ok {
			r = q.reps
		}
		byReps[r]++
		reps = max(reps, r)
	}
	var parts []string
	for _, r := range slices.Sorted(maps.Keys(byReps)) {
		parts = append(parts, fmt.Sprintf("%d of %d parameter combinations stopped after %d", byReps[r], len(q.values), r))
	}
	reason = strings.Join(parts, ", ") + fmt.Sprintf(" (sequential, %d to %d: a combination stops once its ranking's best two and its claims are decided, Welch p < %g on log values or equal within the margin)", q.min, scenarios.SequentialMax, interimP)
	if len(q.undecided) > 0 {
		g := slices.Sorted(maps.Keys(q.undecided))[0]
		reason += fmt.Sprintf("; %d still undecided at the most, e.g. %s: %s", len(q.undecided), g, q.undecided[g])
	}
	return reps, reason
}

// rankingDecided says whether a headline ranking's best two are decided.
func (q *seqScenario) rankingDecided(impls map[string]map[string][]float64, unit string) (bool, string) {
	better := units.LowerIsBetter
	if row, ok := units.Lookup(unit); ok {
		better = row.Better
	}
	type cand struct {
		med float64
		v   []float64
	}
	var cs []cand
	for impl, byUnit := range impls {
		if q.isDemo(impl) || len(byUnit[unit]) == 0 {
			continue
		}
		cs = append(cs, cand{median(byUnit[unit]), byUnit[unit]})
	}
	if len(cs) < 2 {
		return true, ""
	}
	slices.SortFunc(cs, func(a, b cand) int {
		if better == units.HigherIsBetter {
			return cmpFloat(b.med, a.med)
		}
		return cmpFloat(a.med, b.med)
	})
	// Best two whose medians are within the practical margin: no
	// meaningful difference, whatever more repetitions would show (issue
	// 19's margin: a smaller difference is not a reason to choose).
	if a, b := cs[0].med, cs[1].med; a != 0 && math.Abs(b/a-1) < record.DefaultMargin {
		return true, ""
	}
	return decided(cs[0].v, cs[1].v, record.DefaultMargin, 1)
}

func (q *seqScenario) isDemo(impl string) bool {
	for _, i := range q.pat.Impls {
		if i.Name == impl {
			return i.Demo != ""
		}
	}
	return false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// decided says whether samples x and y are decided different (with k
// the Holm family of the report's test) or decided the same within
// margin, and if not, why not.
func decided(x, y []float64, margin, k float64) (bool, string) {
	if equalConstants(x, y) {
		return true, ""
	}
	th := benchmath.DefaultThresholds
	mw := benchmath.AssumeNothing.Compare(benchmath.NewSample(x, &th), benchmath.NewSample(y, &th))
	if constant(x) && constant(y) { // two different constants: as apart as the report's test can see
		return mw.P*k < alpha, fmt.Sprintf("undecided after %d+%d (Mann–Whitney p=%.3f)", len(x), len(y), mw.P)
	}
	lx, ly, ok := logs(x, y)
	if !ok { // a value not above 0 (a count of 0): the raw values, and the margin of their means
		lx, ly = x, y
		if my := stats.Mean(y); my != 0 {
			margin *= math.Abs(my)
		}
	}
	d, se, df := welch(lx, ly)
	if se > 0 && df > 0 {
		t := stats.TDist{V: df}
		if p := 2 * (1 - t.CDF(math.Abs(d/se))); p < interimP && mw.P*k < alpha {
			return true, ""
		}
		delta := margin
		if ok {
			delta = math.Log1p(margin)
		}
		if margin > 0 && 1-t.CDF((d+delta)/se) < interimP && t.CDF((d-delta)/se) < interimP {
			return true, ""
		}
	}
	return false, fmt.Sprintf("undecided after %d+%d (Mann–Whitney p=%.3f)", len(x), len(y), mw.P)
}

// constant: x holds one value throughout.
func constant(x []float64) bool {
	for _, v := range x {
		if v != x[0] {
			return false
		}
	}
	return true
}

// equalConstants: both samples hold one and the same value throughout.
func equalConstants(x, y []float64) bool {
	for _, v := range append(slices.Clone(x), y...) {
		if v != x[0] {
			return false
		}
	}
	return true
}

// logs returns the logarithms of x and y; ok is false if a value is not
// above 0.
func logs(x, y []float64) (lx, ly []float64, ok bool) {
	for _, v := range x {
		if !(v > 0) {
			return nil, nil, false
		}
		lx = append(lx, math.Log(v))
	}
	for _, v := range y {
		if !(v > 0) {
			return nil, nil, false
		}
		ly = append(ly, math.Log(v))
	}
	return lx, ly, true
}

// welch returns the difference of x's and y's means, its standard error
// and the Welch–Satterthwaite degrees of freedom.
func welch(x, y []float64) (d, se, df float64) {
	if len(x) < 2 || len(y) < 2 {
		return 0, 0, 0
	}
	mx, vx := stats.Mean(x), stats.Variance(x)
	my, vy := stats.Mean(y), stats.Variance(y)
	a, b := vx/float64(len(x)), vy/float64(len(y))
	se = math.Sqrt(a + b)
	if se == 0 {
		return mx - my, 0, 0
	}
	df = (a + b) * (a + b) / (a*a/float64(len(x)-1) + b*b/float64(len(y)-1))
	return mx - my, se, df
}

func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// minMannWhitneyP is the smallest two-sided p-value Mann–Whitney gives
// two samples of n values each: 2 / C(2n, n).
func minMannWhitneyP(n int) float64 {
	c := 1.0
	for i := 1; i <= n; i++ {
		c = c * float64(n+i) / float64(i)
	}
	return math.Min(1, 2/c)
}

// sequential runs the scenarios with repeat: auto of a plan: it skips
// the rest of a scenario's trials once it stops, and writes how many
// repetitions it took and why.
type sequential struct {
	reg  *targets.Registry
	cur  *seqScenario // the scenario whose trials are running, if auto
	name string       // its name
}

func newSequential(reg *targets.Registry) *sequential { return &sequential{reg: reg} }

// finishBefore is called before each trial, and with the zero Spec after
// the last: when the plan leaves an auto scenario, it writes its Reps
// line (deciding its last round first).
func (s *sequential) finishBefore(ts trial.Spec, out *resultWriter) error {
	if s.cur == nil || ts.Scenario.Name == s.name {
		return nil
	}
	q := s.cur
	s.cur, s.name = nil, ""
	q.endRound(q.reps)
	reps, reason := q.summary()
	return out.reps(record.Reps{Scenario: q.spec.Name, Reps: reps, Reason: reason})
}

// skip says whether ts is not to run: its cell has stopped. At the
// first trial of a round, it decides which cells the last round settled.
func (s *sequential) skip(ts trial.Spec) bool {
	if ts.Scenario.Repeat != scenarios.RepeatAuto {
		return false
	}
	if s.cur == nil {
		s.cur, s.name = newSeqScenario(ts.Scenario, s.reg), ts.Scenario.Name
	}
	q := s.cur
	if ts.Rep > q.reps {
		if q.reps > 0 {
			q.endRound(q.reps)
		}
		q.reps = ts.Rep
	}
	_, stopped := q.stoppedAt[groupKey(ts.Record(s.reg))]
	return stopped
}

// add keeps a trial's values for the decisions.
func (s *sequential) add(ts trial.Spec, tr record.Trial) {
	if s.cur != nil && ts.Scenario.Name == s.name {
		s.cur.add(tr)
	}
}
