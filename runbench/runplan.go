package runbench

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/concbench/concbench/harness"
	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"
	"github.com/concbench/concbench/trial"
)

// Planning a run: the scenarios it names, with -impl and -param applied,
// and their trials.

// planRun loads the scenarios and plans their trials, checking everything
// that can be checked before a trial runs.
func planRun(reg *targets.Registry, f runFlags, stderr io.Writer) ([]scenarios.Spec, []trial.Spec, error) {
	var specs []scenarios.Spec
	if len(f.names) == 0 {
		q, err := scenarios.Quick(reg)
		if err != nil {
			return nil, nil, err
		}
		specs = q
	}
	for _, n := range f.names {
		s, err := scenarios.Find(n, reg)
		if err != nil {
			return nil, nil, usageError{err}
		}
		specs = append(specs, s)
	}
	if f.impls != nil {
		var err error
		if specs, err = withImpls(specs, f.impls, reg, stderr); err != nil {
			return nil, nil, usageError{err}
		}
	}
	for _, p := range f.params {
		var err error
		if specs, err = withParam(specs, p, reg); err != nil {
			return nil, nil, usageError{err}
		}
	}
	if err := scenarios.CheckUnique(specs); err != nil {
		return nil, nil, usageError{err}
	}
	// Before Plan allocates a trial list that a repeat or -count of a
	// billion would make too big for memory.
	if err := harness.CheckPlanSize(specs, reg, harness.PlanOptions{Count: f.count}); err != nil {
		return nil, nil, usageError{err}
	}
	plan := harness.PlanWith(specs, reg, harness.PlanOptions{Count: f.count, Floor: f.floor})
	if len(plan) == 0 {
		return nil, nil, usageError{errors.New("run: no trial to run")}
	}
	if f.shard {
		// A shard may be empty when a study has fewer cells than shards:
		// it writes an empty pair of result files and exits 0, so that a
		// matrix of fixed size stays green and its merge finds every shard.
		plan = harness.Shard(plan, f.shardI, f.shardN)
	}
	return specs, plan, nil
}

// withImpls applies -impl to specs. "a,b" runs exactly those of the
// names that are of a scenario's pattern in it, in place of its list (a
// scenario of which none is is left out, and said so); "+a,+b" adds them
// to each scenario of their pattern. Every name must run somewhere: one
// that is no implementation of the run's patterns, or cannot run at a
// scenario's parameters, is an error that says why.
func withImpls(specs []scenarios.Spec, list []string, reg *targets.Registry, stderr io.Writer) ([]scenarios.Spec, error) {
	names, add, err := parseImpls(list)
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	var out []scenarios.Spec
	for _, s := range specs {
		pat := reg.MustLookup(s.Pattern)
		var mine []string
		for _, n := range names {
			if slices.Contains(pat.ImplNames(), n) {
				mine, used[n] = append(mine, n), true
			}
		}
		switch {
		case len(mine) == 0 && add:
			out = append(out, s)
			continue
		case len(mine) == 0:
			fmt.Fprintf(stderr, "run: -impl: scenario %s left out: none of %s is a %s implementation\n", s.Name, strings.Join(names, ", "), pat.Name)
			continue
		}
		t, err := s.WithImpls(mine, add, reg, "-impl")
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	for _, n := range names {
		if !used[n] {
			return nil, fmt.Errorf("run: -impl %s: %s", n, notRunning(n, specs, reg))
		}
	}
	return out, nil
}

// withParam applies one -param name=v1,v2 to every scenario whose pattern
// has the parameter; one that none has is an error naming the patterns
// that do.
func withParam(specs []scenarios.Spec, arg string, reg *targets.Registry) ([]scenarios.Spec, error) {
	name, list, ok := strings.Cut(arg, "=")
	if !ok || name == "" || list == "" {
		return nil, fmt.Errorf("run: -param %q: want name=value or name=v1,v2 (e.g. workers=8,16)", arg)
	}
	flag := "-param " + name
	out := make([]scenarios.Spec, len(specs))
	applied := false
	for i, s := range specs {
		t, ok, err := s.WithParam(name, strings.Split(list, ","), reg, flag)
		if err != nil {
			return nil, err
		}
		out[i], applied = t, applied || ok
	}
	if !applied {
		var have []string
		for _, p := range reg.Patterns() {
			if _, ok := p.Param(name); ok {
				have = append(have, p.Name)
			}
		}
		if len(have) == 0 {
			return nil, fmt.Errorf("run: %s: no pattern has a parameter of that name (runbench list shows them)", flag)
		}
		return nil, fmt.Errorf("run: %s: none of the run's scenarios has it: it is a parameter of %s", flag, strings.Join(have, ", "))
	}
	return out, nil
}

// parseImpls splits -impl's list: names, all with a leading + (add) or
// none; none empty, none twice.
func parseImpls(list []string) (names []string, add bool, err error) {
	for i, n := range list {
		plus := strings.HasPrefix(n, "+")
		if i == 0 {
			add = plus
		} else if plus != add {
			return nil, false, errors.New("run: -impl: every name with a leading + (add to each scenario's list) or none (in place of it), not both")
		}
		n = strings.TrimPrefix(n, "+")
		switch {
		case n == "":
			return nil, false, errors.New("run: -impl: an empty name in the list (a stray comma?)")
		case slices.Contains(names, n):
			return nil, false, fmt.Errorf("run: -impl: %q is listed twice", n)
		}
		names = append(names, n)
	}
	return names, add, nil
}

// notRunning says why implementation n runs in no scenario of the run.
func notRunning(n string, specs []scenarios.Spec, reg *targets.Registry) string {
	var its, run []string
	for _, p := range reg.Patterns() {
		if slices.Contains(p.ImplNames(), n) {
			its = append(its, p.Name)
		}
	}
	for _, s := range specs {
		if !slices.Contains(run, s.Pattern) {
			run = append(run, s.Pattern)
		}
	}
	if len(its) == 0 {
		return "no pattern has an implementation of that name (runbench list shows them)"
	}
	return fmt.Sprintf("it is a %s implementation, and the run's scenarios are of %s: add -scenario with one of its pattern", strings.Join(its, " and "), strings.Join(run, ", "))
}
