package runner

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/concbench/concbench/scenarios"
)

// Plan returns the trials of specs in run order, without harness floors:
// PlanWith(specs, reg, PlanOptions{Impls: impls, Count: count}).
func Plan(specs []scenarios.Spec, reg *scenarios.Registry, impls []string, count int) []scenarios.TrialSpec {
	return PlanWith(specs, reg, PlanOptions{Impls: impls, Count: count})
}

// PlanOptions shape a plan.
type PlanOptions struct {
	// Impls, if not empty, keeps only those implementations (never the
	// floor: it is what the others are read against).
	Impls []string
	// Count, if > 0, overrides every scenario's repeat.
	Count int
	// Floor adds the harness floor to every open-loop scenario: trials of
	// implementation scenarios.FloorImpl, the no-op target under the
	// scenario's load, at every parameter point, rate and sleeper of it,
	// FloorRepeat times (or the scenario's repetitions, if fewer).
	Floor bool
}

// FloorRepeat is how many times a floor trial runs at each point of a
// scenario. Three keep the quick suite's floors (seven points, about half
// a second each in a child process) at about ten seconds of make run's two
// minutes, and give the report a median of three per rate; the floor is
// read beside the scenario's results, not ranked, so it needs no more.
const FloorRepeat = 3

// PlanWith returns the trials of specs in run order: within a scenario,
// repetitions are interleaved across implementations, parameters, rates
// and sleepers (A B C A B C …), so that drift in the machine hits all
// alike; a floor trial of each point follows the scenario's own trials in
// each of the first FloorRepeat repetitions.
func PlanWith(specs []scenarios.Spec, reg *scenarios.Registry, o PlanOptions) []scenarios.TrialSpec {
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
		if len(o.Impls) > 0 {
			names = slices.DeleteFunc(slices.Clone(names), func(n string) bool { return !slices.Contains(o.Impls, n) })
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
		if o.Count > 0 {
			reps = o.Count
		}
		rates := []float64(s.Load.Rate)
		sleepers := []string{""} // a closed loop has none
		if len(rates) == 0 {
			rates = []float64{0} // closed loop
		} else {
			sleepers = s.Load.Sleeper.Values()
		}
		procs := s.GOMAXPROCS
		if len(procs) == 0 {
			procs = []int{0} // the machine's
		}
		points := func(impl string, rep int) {
			for _, c := range combos {
				for _, r := range rates {
					for _, sl := range sleepers {
						for _, p := range procs {
							plan = append(plan, scenarios.TrialSpec{Spec: s, Impl: impl, Params: c, Rate: r, Sleeper: sl, Procs: p, Rep: rep})
						}
					}
				}
			}
		}
		floor := o.Floor && s.Load.Model == scenarios.Open && len(names) > 0
		for rep := 1; rep <= reps; rep++ {
			for _, impl := range names {
				points(impl, rep)
			}
			if floor && rep <= FloorRepeat {
				points(scenarios.FloorImpl, rep)
			}
		}
	}
	return plan
}

// Shard returns the trials of shard i of n (0 <= i < n; nil otherwise).
//
// A shard holds whole cells. A cell is the trials of one scenario at one
// parameter point: the same scenario name, parameter values, rate and
// GOMAXPROCS, with every implementation, sleeper and repetition (the floor
// too), so no comparison spans two machines. Within a shard the trials keep their plan
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
// implementation, the repetition and the sleeper.
func cellKey(ts scenarios.TrialSpec) string {
	parts := []string{ts.Spec.Name}
	for _, k := range slices.Sorted(maps.Keys(ts.Params)) {
		parts = append(parts, k+"="+ts.Params[k])
	}
	// Not the sleeper: trials that differ only in it are an A/B, which
	// must run on one machine.
	parts = append(parts, "rate="+strconv.FormatFloat(ts.Rate, 'g', -1, 64), "procs="+strconv.Itoa(ts.Procs))
	return strings.Join(parts, "\x00")
}
