package targets

import (
	"context"
	"fmt"
	"slices"

	"github.com/concbench/concbench/impl/breaker"
	"github.com/concbench/concbench/impl/fanout"
	"github.com/concbench/concbench/impl/pipeline"
	"github.com/concbench/concbench/impl/workerpool"
	"github.com/concbench/concbench/loadgen"
)

// Pattern is what the driver knows of one family of implementations.
type Pattern struct {
	Name   string
	Doc    string
	Impls  []ImplInfo
	Params []Param
	// Faults reports whether operations can fail, so that faults apply.
	Faults bool
	// Unbounded, if set, reports whether impl starts a goroutine per
	// operation with no bound (a pool without back-pressure): in an open
	// loop it may hold every operation of a run at once, and a scenario
	// whose worst case would exceed a trial's memory is refused.
	Unbounded func(impl string) bool
	// Unsupported, if set, says why impl cannot run with param=value, or
	// returns "" if it can; Parse rejects such a scenario.
	Unsupported func(impl, param, value string) string
	// New builds the target of one trial. params holds a value for every
	// Param (defaults filled in); op is the work of one unit (a task, an
	// item, a call), safe for concurrent use.
	New func(impl string, params map[string]string, op Op) (*Target, error)
}

// ImplInfo names one implementation of a pattern.
type ImplInfo struct {
	Name, Doc string
	// Demo, if set, marks a demonstration implementation: one broken on
	// purpose to show what a claim of the guide warns about (a leak, a
	// deadlock, a race, a missed cancellation). It says what it
	// demonstrates; the conformance suite checks that failure instead of
	// the contract, and the report never ranks it or names it a winner.
	Demo string
	// Origin is the entry's constructor (New, Run, Map or Call): where its
	// code is, so that results can say which module, at which version,
	// they measured (internal/modinfo).
	Origin any
	// Keeps is how many goroutines a target of it leaves behind by design,
	// for the life of the process (a breaker its library registers and
	// never releases: breaker.Deviations.RegistryGoroutines). The leak
	// check allows them; runbench list shows them.
	Keeps int
	// DemoEnds are the trial statuses (record.StatusHung, …) a
	// demonstration may end with as it demonstrates: a run does not count
	// them as failures. Any other status of its trials still fails the run.
	DemoEnds []string
}

// ImplNames returns the names of the pattern's implementations.
func (p *Pattern) ImplNames() []string {
	names := make([]string, len(p.Impls))
	for i, impl := range p.Impls {
		names[i] = impl.Name
	}
	return names
}

// DefaultImpls returns the implementations a scenario that lists none
// runs: every one but the demonstrations, which run only where a scenario
// names them.
func (p *Pattern) DefaultImpls() []string {
	var names []string
	for _, impl := range p.Impls {
		if impl.Demo == "" {
			names = append(names, impl.Name)
		}
	}
	return names
}

// registry adapts an implementation package's registry for the driver: the
// names and docs to list, and a lookup by name.
func registry[T any](pattern string, impls []T, info func(T) ImplInfo) ([]ImplInfo, func(name string) (T, error)) {
	infos := make([]ImplInfo, len(impls))
	for i, impl := range impls {
		infos[i] = info(impl)
	}
	find := func(name string) (T, error) {
		for i, in := range infos {
			if in.Name == name {
				return impls[i], nil
			}
		}
		var zero T
		return zero, fmt.Errorf("%s has no implementation %q", pattern, name)
	}
	return infos, find
}

// Param is a parameter of a pattern. Declare one with newParam, whose
// range (intRange, durationRange, …) gives both the Check and the end of
// the Doc: every value has a bound, checked before a target is built.
type Param struct {
	Name    string
	Default string
	Doc     string             // what it is, then the values it takes
	Check   func(string) error // nil error for a value in range
	// Canon returns the canonical form of a value Check accepts: the one
	// a trial's name shows, so that two ways of writing one value (01
	// and 1, 1000us and 1ms) are one value, and listing both is listing
	// it twice.
	Canon func(string) string
	// OmitDefault leaves the parameter out of trial names while it holds
	// its default (or no value): for a parameter added after results were
	// published, whose names then still line up with new ones.
	OmitDefault bool
}

func (p *Pattern) Param(name string) (Param, bool) {
	for _, q := range p.Params {
		if q.Name == name {
			return q, true
		}
	}
	return Param{}, false
}

func (p *Pattern) ParamNames() []string {
	names := make([]string, len(p.Params))
	for i, q := range p.Params {
		names[i] = q.Name
	}
	return names
}

// Op is the unit of work a target runs: sampled CPU or sleep, and injected
// faults. It is safe for concurrent use.
type Op func(ctx context.Context) error

// Target is one implementation under load: what the generator drives
// (loadgen.Target: exactly one of Call and Submit, and State; the trial
// sets its Task), and what the trial needs beside it.
type Target struct {
	loadgen.Target
	// Close releases the target; the leak check runs after it returns.
	Close func() error
	// Keeps is how many goroutines the target leaves running after Close
	// by design (its ImplInfo's Keeps): the leak check allows them.
	Keeps int
	// Counters, if set, is read once after Close: pattern-specific counts
	// that become units of the trial's result line.
	Counters func() map[string]int64
}

// Registry is the set of patterns a run can load, each found by name. It
// is immutable once built.
type Registry struct{ patterns []Pattern }

// NewRegistry returns a registry of patterns; two of one name, two
// implementations of one name in a pattern, or an implementation named
// FloorImpl (the harness floor's name in every pattern) are an error.
func NewRegistry(patterns ...Pattern) (*Registry, error) {
	for i, p := range patterns {
		if slices.Contains(p.ImplNames(), FloorImpl) {
			return nil, fmt.Errorf("targets: pattern %s has an implementation named %q, the name of the harness floor's trials", p.Name, FloorImpl)
		}
		for _, q := range patterns[:i] {
			if q.Name == p.Name {
				return nil, fmt.Errorf("targets: two patterns named %q", p.Name)
			}
		}
		for j, impl := range p.Impls {
			for _, other := range p.Impls[:j] {
				if other.Name == impl.Name {
					return nil, fmt.Errorf("targets: pattern %s has two implementations named %q", p.Name, impl.Name)
				}
			}
		}
	}
	return &Registry{patterns: slices.Clone(patterns)}, nil
}

// Builtin returns the registry of concbench's own patterns and
// implementations.
func Builtin() *Registry {
	reg, err := Extend(Extras{})
	if err != nil {
		panic(err) // the built-in names are fixed; a test keeps them unique
	}
	return reg
}

// Extras are a user's own implementations, added to the built-in ones of
// their pattern, and functions, which make the pattern func.
type Extras struct {
	WorkerPools []workerpool.Impl
	Pipelines   []pipeline.Impl[int]
	FanOuts     []fanout.Impl[int, int]
	Breakers    []breaker.Impl
	Funcs       []Func
}

// Extend returns the registry of the built-in patterns with x added: x's
// implementations after the built-in ones of their pattern, and x's
// functions as the implementations of pattern func. A name used twice in
// one pattern (a user's "channels" pool, say) is an error.
func Extend(x Extras) (*Registry, error) {
	if err := x.check(); err != nil {
		return nil, err
	}
	patterns := []Pattern{
		harnessPattern(),
		workerpoolPattern(append(workerpool.Impls(), x.WorkerPools...)),
		pipelinePattern(append(pipeline.Impls[int](), x.Pipelines...)),
		fanoutPattern(append(fanout.Impls[int, int](), x.FanOuts...)),
		breakerPattern(append(breaker.Impls(), x.Breakers...)),
	}
	if len(x.Funcs) > 0 {
		p, err := funcPattern(x.Funcs)
		if err != nil {
			return nil, err
		}
		patterns = append(patterns, p)
	}
	return NewRegistry(patterns...)
}

// With returns a new registry that also holds patterns.
func (r *Registry) With(patterns ...Pattern) (*Registry, error) {
	return NewRegistry(append(slices.Clone(r.patterns), patterns...)...)
}

// Lookup returns the pattern named name.
func (r *Registry) Lookup(name string) (*Pattern, bool) {
	for i := range r.patterns {
		if r.patterns[i].Name == name {
			return &r.patterns[i], true
		}
	}
	return nil, false
}

// Patterns returns the registry's patterns, in order.
func (r *Registry) Patterns() []Pattern { return slices.Clone(r.patterns) }

// Names returns the patterns' names, in order.
func (r *Registry) Names() []string {
	names := make([]string, len(r.patterns))
	for i, p := range r.patterns {
		names[i] = p.Name
	}
	return names
}

// MustLookup is Lookup for a name already validated against r (a spec
// that passed the scenario checks): a missing pattern there is a bug.
func (r *Registry) MustLookup(name string) *Pattern {
	p, ok := r.Lookup(name)
	if !ok {
		panic("targets: no pattern " + name + " (specs are validated against the same registry)")
	}
	return p
}
