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
	return out
}

// tooManyGoroutines compares impl=spawn (a goroutine per task) with the
// bounded worker pool of lowest median p99 in scenario workerpool-open.
func tooManyGoroutines(sections []*section) (verdict, bool) {
	v := verdict{Claim: "Don't create too many goroutines (a goroutine per task vs a bounded pool, scenario workerpool-open)"}
	holds, against := 0, 0
	for _, s := range sections {
		for _, g := range s.Groups {
			if g.Scenario != "workerpool-open" {
				continue
			}
			peak, p99 := g.table("peak-goroutines"), g.table("p99-ns")
			if peak == nil || p99 == nil {
				continue
			}
			spawnP99 := rowOf(p99, "spawn")
			spawnPeak := rowOf(peak, "spawn")
			if spawnP99 == nil || spawnPeak == nil {
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
			bestPeak := rowOf(peak, best.Impl)
			pPeak := benchmath.AssumeNothing.Compare(spawnPeak.Sample, bestPeak.Sample)
			pLat := benchmath.AssumeNothing.Compare(spawnP99.Sample, best.Sample)
			more := spawnPeak.Summary.Center > bestPeak.Summary.Center
			worse := spawnP99.Summary.Center > best.Summary.Center
			if more && worse {
				holds++
			} else {
				against++
			}
			v.Details = append(v.Details, fmt.Sprintf(
				"%s: spawn peaked at %s goroutines (median of %d) vs %s for %s, the bounded pool with the lowest p99 (Mann–Whitney p=%.3f); p99 latency %s vs %s (p=%.3f).",
				g.title(), spawnPeak.Median, spawnPeak.N, bestPeak.Median, best.Impl, pPeak.P,
				spawnP99.Median, best.Median, pLat.P))
		}
	}
	if len(v.Details) == 0 {
		return v, false
	}
	switch {
	case against == 0:
		v.Answer = "Holds here: unbounded spawning ran more goroutines and had a worse p99 than the best bounded pool."
	case holds == 0:
		v.Answer = "Not shown by this data: spawning per task did not both raise the goroutine count and worsen p99."
	default:
		v.Answer = fmt.Sprintf("Mixed: holds in %d of %d parameter combinations.", holds, holds+against)
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
