package report

import (
	"fmt"
	"slices"

	"golang.org/x/perf/benchmath"
)

// verdict answers one of the guide's claims from the measured data.
type verdict struct {
	Claim   string
	Answer  string
	Details []string
}

// verdicts computes every verdict the data supports; a claim whose
// scenario is absent is left out.
func verdicts(sections []*section) []verdict {
	var out []verdict
	if v, ok := tooManyGoroutines(sections); ok {
		out = append(out, v)
	}
	for _, c := range pairClaims() {
		if v, ok := c.verdict(sections); ok {
			out = append(out, v)
		}
	}
	return out
}

// pairClaim is a claim of the guide tested by one unit of one scenario:
// the design the advice recommends (Good) against the one it warns about
// (Bad), in every parameter combination of the scenario.
type pairClaim struct {
	Claim     string
	Scenario  string
	Unit      string
	Good, Bad string
}

// pairClaims are the guide's claims that a pair of implementations in the
// quick suite can answer. "Always check ctx.Done()" is not among them: every
// pipeline here checks its context before each item (the contract demands a
// prompt stop), so no pair isolates it; pipeline-cancel shows instead how
// promptly a cancellation lands, which also depends on whether workers ever
// give up their P.
func pairClaims() []pairClaim {
	return []pairClaim{
		{Claim: "Use buffered channels when appropriate (buffered vs unbuffered channels between pipeline stages, scenario pipeline-unbalanced, throughput)",
			Scenario: "pipeline-unbalanced", Unit: "ops/s", Good: "buffered", Bad: "channels"},
		{Claim: "Use worker pools for CPU-intensive tasks (a bounded pool of 4 vs a goroutine per task, scenario workerpool-closed: 20µs CPU tasks, throughput)",
			Scenario: "workerpool-closed", Unit: "ops/s", Good: "channels", Bad: "spawn"},
	}
}

// verdict compares Good with Bad by Mann–Whitney U in every group of the
// scenario; the claim holds where Good is significantly better (alpha 0.05),
// is contradicted where Bad is, and is not shown otherwise.
func (c pairClaim) verdict(sections []*section) (verdict, bool) {
	v := verdict{Claim: c.Claim}
	var holds, contradicted, unclear int
	for _, s := range sections {
		for _, g := range s.Groups {
			if g.Scenario != c.Scenario {
				continue
			}
			t := g.table(c.Unit)
			if t == nil {
				continue
			}
			good, bad := rowOf(t, c.Good), rowOf(t, c.Bad)
			if good == nil || bad == nil {
				continue
			}
			cmp := benchmath.AssumeNothing.Compare(good.Sample, bad.Sample)
			goodBetter := good.Summary.Center > bad.Summary.Center
			if t.Better < 0 {
				goodBetter = good.Summary.Center < bad.Summary.Center
			}
			switch {
			case cmp.P >= cmp.Alpha:
				unclear++
			case goodBetter:
				holds++
			default:
				contradicted++
			}
			v.Details = append(v.Details, fmt.Sprintf("%s: %s %s %s vs %s %s (Mann–Whitney p=%.3f, n=%d+%d).",
				g.title(), c.Unit, c.Good, good.Median, c.Bad, bad.Median, cmp.P, good.N, bad.N))
		}
	}
	if len(v.Details) == 0 {
		return v, false
	}
	switch {
	case contradicted == 0 && unclear == 0:
		v.Answer = fmt.Sprintf("Holds here: %s is significantly better than %s.", c.Good, c.Bad)
	case holds == 0 && unclear == 0:
		v.Answer = fmt.Sprintf("Contradicted here: %s is significantly better than %s.", c.Bad, c.Good)
	case holds == 0 && contradicted == 0:
		v.Answer = "Not shown by this data: no significant difference."
	default:
		v.Answer = fmt.Sprintf("Mixed: holds in %d, contradicted in %d, unclear in %d parameter combinations.", holds, contradicted, unclear)
	}
	return v, true
}

// tooManyGoroutines compares impl=spawn (a goroutine per task) with the
// bounded worker pool of lowest median p99, in the worker-pool scenarios that
// overload the pools (workerpool-burst, workerpool-open): what the extra
// goroutines cost in stack memory, and what they bought in latency.
func tooManyGoroutines(sections []*section) (verdict, bool) {
	v := verdict{Claim: "Don't create too many goroutines / be mindful of goroutine stack size (a goroutine per task vs a bounded pool, scenarios workerpool-burst and workerpool-open)"}
	var costly, faster, n int
	for _, s := range sections {
		for _, g := range s.Groups {
			if g.Scenario != "workerpool-burst" && g.Scenario != "workerpool-open" {
				continue
			}
			peak, stack, p99 := g.table("peak-goroutines"), g.table("peak-stack-bytes"), g.table("p99-ns")
			if peak == nil || p99 == nil {
				continue
			}
			spawnPeak, spawnP99 := rowOf(peak, "spawn"), rowOf(p99, "spawn")
			if spawnPeak == nil || spawnP99 == nil {
				continue
			}
			var best *statRow
			for _, r := range p99.Rows {
				if r.Impl != "spawn" && rowOf(peak, r.Impl) != nil && (best == nil || r.Summary.Center < best.Summary.Center) {
					best = r
				}
			}
			if best == nil {
				continue
			}
			n++
			bestPeak := rowOf(peak, best.Impl)
			pPeak := benchmath.AssumeNothing.Compare(spawnPeak.Sample, bestPeak.Sample)
			pLat := benchmath.AssumeNothing.Compare(spawnP99.Sample, best.Sample)
			moreStack := true // unknown counts as not contradicting
			if stack != nil {
				if ss, bs := rowOf(stack, "spawn"), rowOf(stack, best.Impl); ss != nil && bs != nil {
					c := benchmath.AssumeNothing.Compare(ss.Sample, bs.Sample)
					moreStack = c.P < c.Alpha && ss.Summary.Center > bs.Summary.Center
				}
			}
			if pPeak.P < pPeak.Alpha && spawnPeak.Summary.Center > bestPeak.Summary.Center && moreStack {
				costly++
			}
			if pLat.P < pLat.Alpha && spawnP99.Summary.Center < best.Summary.Center {
				faster++
			}
			d := fmt.Sprintf("%s: spawn peaked at %s goroutines vs %s for %s, the bounded pool with the lowest p99 (Mann–Whitney p=%.3f)",
				g.title(), spawnPeak.Median, bestPeak.Median, best.Impl, pPeak.P)
			if stack != nil {
				if ss, bs := rowOf(stack, "spawn"), rowOf(stack, best.Impl); ss != nil && bs != nil {
					d += fmt.Sprintf(", with %s vs %s bytes of goroutine stacks", ss.Median, bs.Median)
				}
			}
			d += fmt.Sprintf("; p99 latency %s vs %s (p=%.3f).", spawnP99.Median, best.Median, pLat.P)
			v.Details = append(v.Details, d)
		}
	}
	if n == 0 {
		return v, false
	}
	switch {
	case costly == n && faster > 0 && faster < n:
		v.Answer = fmt.Sprintf("Holds for memory; mixed for latency: a goroutine per task ran significantly more goroutines and stack memory everywhere, and had a significantly lower p99 in %d of %d scenarios or parameter combinations.", faster, n)
	case costly == n && faster == n:
		v.Answer = "Holds for memory, not for latency: a goroutine per task ran significantly more goroutines on more stack memory (where measured), and in exchange never queued, so its p99 was significantly lower than the best bounded pool's. The cost of too many goroutines here is memory; a bounded pool turns the backlog into waiting."
	case costly == n:
		v.Answer = "Holds: a goroutine per task ran significantly more goroutines (and stack memory, where measured), and bought no significantly better p99 with them."
	case costly == 0:
		v.Answer = "Not shown by this data: a goroutine per task did not run significantly more goroutines and stack memory than the best bounded pool."
	default:
		v.Answer = fmt.Sprintf("Mixed: spawning per task ran significantly more goroutines and stack memory in %d of %d scenarios or parameter combinations.", costly, n)
	}
	return v, true
}

func rowOf(t *statTable, impl string) *statRow {
	i := slices.IndexFunc(t.Rows, func(r *statRow) bool { return r.Impl == impl })
	if i < 0 {
		return nil
	}
	return t.Rows[i]
}
