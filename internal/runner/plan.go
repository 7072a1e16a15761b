package runner

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/concbench/concbench/scenarios"
)

// Plan returns the trials of specs in run order: within a scenario,
// repetitions are interleaved across implementations and parameters
// (A B C A B C …), so that drift in the machine hits all alike.
// impls, if not empty, keeps only those implementations; count, if > 0,
// overrides every scenario's repeat.
func Plan(specs []scenarios.Spec, reg *scenarios.Registry, impls []string, count int) []scenarios.TrialSpec {
	var plan []scenarios.TrialSpec
	for _, s := range specs {
		pat, ok := reg.Lookup(s.Pattern)
		if !ok {
			panic("runner: no pattern " + s.Pattern + " (specs are validated against the same registry)")
		}
		names := s.Impls
		if len(names) == 0 {
			names = pat.DefaultImpls()
		}
		if len(impls) > 0 {
			names = slices.DeleteFunc(slices.Clone(names), func(n string) bool { return !slices.Contains(impls, n) })
		}
		combos := []map[string]string{{}}
		for _, p := range pat.Params {
			values := s.Params[p.Name]
			if len(values) == 0 {
				values = []string{p.Default}
			}
			var next []map[string]string
			for _, c := range combos {
				for _, v := range values {
					m := make(map[string]string, len(c)+1)
					for k, x := range c {
						m[k] = x
					}
					m[p.Name] = v
					next = append(next, m)
				}
			}
			combos = next
		}
		reps := s.Repeat
		if count > 0 {
			reps = count
		}
		rates := []float64(s.Load.Rate)
		if len(rates) == 0 {
			rates = []float64{0} // closed loop
		}
		procs := s.GOMAXPROCS
		if len(procs) == 0 {
			procs = []int{0} // the machine's
		}
		for rep := 1; rep <= reps; rep++ {
			for _, impl := range names {
				for _, c := range combos {
					for _, r := range rates {
						for _, p := range procs {
							plan = append(plan, scenarios.TrialSpec{Spec: s, Impl: impl, Params: c, Rate: r, Procs: p, Rep: rep})
						}
					}
				}
			}
		}
	}
	return plan
}

// Shard returns the trials of shard i of n (0 <= i < n; nil otherwise).
//
// A shard holds whole cells. A cell is the trials of one scenario at one
// parameter point: the same scenario name, parameter values, rate and
// GOMAXPROCS, with every implementation and every repetition, so no
// comparison spans two machines. Within a shard the trials keep their plan
// order, repetitions interleaved across implementations (A B C A B C …).
//
// The rule: take the cells in the order of their first trial in plan, and
// give each to the shard with the fewest trials so far, the lowest index on
// a tie. It depends on plan and n only, so every machine that plans the same
// scenarios with the same flags computes the same split; the shards' trial
// counts differ by at most the size of the largest cell. With fewer cells
// than n, some shards are empty.
func Shard(plan []scenarios.TrialSpec, i, n int) []scenarios.TrialSpec {
	if n < 1 || i < 0 || i >= n {
		return nil
	}
	keys := make([]string, len(plan))
	size := map[string]int{}
	var cells []string // in order of first trial
	for j, ts := range plan {
		keys[j] = cellKey(ts)
		if size[keys[j]] == 0 {
			cells = append(cells, keys[j])
		}
		size[keys[j]]++
	}
	load := make([]int, n)
	home := make(map[string]int, len(cells))
	for _, c := range cells {
		s := 0
		for j := range load {
			if load[j] < load[s] {
				s = j
			}
		}
		home[c] = s
		load[s] += size[c]
	}
	var out []scenarios.TrialSpec
	for j, ts := range plan {
		if home[keys[j]] == i {
			out = append(out, ts)
		}
	}
	return out
}

// cellKey names the cell of a trial: everything that identifies it but the
// implementation and the repetition.
func cellKey(ts scenarios.TrialSpec) string {
	parts := []string{ts.Spec.Name}
	for _, k := range slices.Sorted(maps.Keys(ts.Params)) {
		parts = append(parts, k+"="+ts.Params[k])
	}
	parts = append(parts, "rate="+strconv.FormatFloat(ts.Rate, 'g', -1, 64), "procs="+strconv.Itoa(ts.Procs))
	return strings.Join(parts, "\x00")
}
