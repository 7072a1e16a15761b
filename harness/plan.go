package harness

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/concbench/concbench/loadgen"
	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"
	"github.com/concbench/concbench/trial"
)

// Plan returns the trials of specs in run order, without harness floors:
// PlanWith(specs, reg, PlanOptions{Impls: impls, Count: count}).
func Plan(specs []scenarios.Spec, reg *targets.Registry, impls []string, count int) []trial.Spec {
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
	// implementation targets.FloorImpl, the floor's echo target under the
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
func PlanWith(specs []scenarios.Spec, reg *targets.Registry, o PlanOptions) []trial.Spec {
	var plan []trial.Spec
	for _, s := range specs {
		if o.Count > 0 {
			s.Repeat = scenarios.Repeat(o.Count) // fixed: not sequential
		}
		d := dims(s, reg, o)
		add := func(p scenarios.Point) { plan = append(plan, trial.Spec{Scenario: s, Point: p}) }
		floor := o.Floor && s.Load.Model == loadgen.Open && len(d.Impls) > 0
		for rep := 1; rep <= d.Reps; rep++ {
			for _, impl := range d.Impls {
				d.Points(impl, rep, add)
			}
			if floor && rep <= FloorRepeat {
				d.Points(targets.FloorImpl, rep, add)
			}
		}
	}
	return plan
}

// dims returns the dimensions of s's trials under o: its implementations
// less those -impl leaves out, its repetitions or o.Count.
func dims(s scenarios.Spec, reg *targets.Registry, o PlanOptions) scenarios.Dims {
	pat := reg.MustLookup(s.Pattern)
	d := s.Dims(pat, nil, o.Count)
	if len(o.Impls) > 0 {
		d.Impls = slices.DeleteFunc(slices.Clone(d.Impls), func(n string) bool { return !slices.Contains(o.Impls, n) })
	}
	return d
}

// CheckPlanSize refuses a run whose plan would exceed
// scenarios.MaxPlanTrials trials in all: it counts what [PlanWith] would
// make of the same arguments (floors aside), without allocating any of it.
// Call it before PlanWith. The error names the scenario and its product.
func CheckPlanSize(specs []scenarios.Spec, reg *targets.Registry, o PlanOptions) error {
	total := 0
	for _, s := range specs {
		if _, ok := reg.Lookup(s.Pattern); !ok {
			return &scenarios.InputError{File: s.File, Field: "pattern", Msg: fmt.Sprintf("%q: no such pattern", s.Pattern)}
		}
		n, how := dims(s, reg, o).Size()
		if n > scenarios.MaxPlanTrials {
			return &scenarios.InputError{File: s.File, Msg: fmt.Sprintf("scenario %s plans %s: at most %d in one run", s.Name, how, scenarios.MaxPlanTrials)}
		}
		total += n // each at most MaxPlanTrials, and stopped past it: no overflow
		if total > scenarios.MaxPlanTrials {
			return &scenarios.InputError{File: s.File, Msg: fmt.Sprintf("scenario %s plans %s, which brings the run to %d: at most %d in one run", s.Name, how, total, scenarios.MaxPlanTrials)}
		}
	}
	return nil
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
func Shard(plan []trial.Spec, i, n int) []trial.Spec {
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
	var out []trial.Spec
	for j, ts := range plan {
		if home[keys[j]] == i {
			out = append(out, ts)
		}
	}
	return out
}

// cellKey names the cell of a trial: everything that identifies it but the
// implementation, the repetition and the sleeper.
func cellKey(ts trial.Spec) string {
	parts := []string{ts.Scenario.Name}
	for _, k := range slices.Sorted(maps.Keys(ts.Params)) {
		parts = append(parts, k+"="+ts.Params[k])
	}
	// Not the sleeper: trials that differ only in it are an A/B, which
	// must run on one machine.
	parts = append(parts, "rate="+strconv.FormatFloat(ts.Rate, 'g', -1, 64), "procs="+strconv.Itoa(ts.Procs))
	return strings.Join(parts, "\x00")
}
