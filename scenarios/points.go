package scenarios

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/concbench/concbench/targets"
)

// Point is one trial's place in its scenario: the implementation, a value
// for each of the pattern's parameters, the offered load (open loop), the
// sleeper choice, the GOMAXPROCS of the trial process (0: the machine's)
// and the repetition, from 1. Its JSON form is that of a trial spec's
// fields beside "spec".
type Point struct {
	Impl   string            `json:"impl"`
	Params map[string]string `json:"params"`
	Rate   float64           `json:"rate,omitempty"` // open loop: this trial's offered load
	// Sleeper (open loop) is this trial's load.sleeper choice: auto (also
	// ""), poll, precise or go-timer.
	Sleeper string `json:"sleeper,omitempty"`
	Procs   int    `json:"procs,omitempty"` // GOMAXPROCS of the trial process; 0 leaves it alone
	Rep     int    `json:"rep"`
}

// Dims are the dimensions of a scenario's trials: its file's lists,
// crossed. They are the one place the cross product is taken, both to
// count a run's trials before anything is allocated for them ([Dims.Size])
// and to enumerate them ([Dims.Points]).
type Dims struct {
	Reps     int
	Impls    []string
	Params   []ParamValues // in the pattern's order
	Rates    []float64     // {0} for a closed loop
	Sleepers []string      // {""} for a closed loop
	Procs    []int         // {0}: the machine's
}

// ParamValues are the values a scenario lists for one parameter (its
// default, if it lists none).
type ParamValues struct {
	Name   string
	Values []string
}

// Dims returns the dimensions of s's trials for pattern pat, with impls
// the implementations to run (nil: the scenario's own, or its pattern's
// defaults) and count, if above 0, in place of its repeat.
func (s Spec) Dims(pat *targets.Pattern, impls []string, count int) Dims {
	d := Dims{Reps: s.Repeat.Max(), Impls: impls, Rates: s.Load.Rate, Procs: s.GOMAXPROCS}
	if count > 0 {
		d.Reps = count
	}
	if d.Impls == nil {
		d.Impls = s.Impls
		if len(d.Impls) == 0 {
			d.Impls = pat.DefaultImpls()
		}
	}
	for _, p := range pat.Params {
		values := s.Params[p.Name]
		if len(values) == 0 {
			values = []string{p.Default}
		}
		d.Params = append(d.Params, ParamValues{p.Name, values})
	}
	d.Sleepers = []string{""}
	if len(d.Rates) == 0 {
		d.Rates = []float64{0}
	} else {
		d.Sleepers = s.Load.Sleeper.Values()
	}
	if len(d.Procs) == 0 {
		d.Procs = []int{0}
	}
	return d
}

// Combos returns the number of parameter combinations, at most
// math.MaxInt.
func (d Dims) Combos() int {
	n := 1
	for _, p := range d.Params {
		n = checkedMul(n, len(p.Values))
	}
	return n
}

// Size returns the number of trials of d, at most math.MaxInt, and the
// product that gives it, for a message.
func (d Dims) Size() (int, string) {
	combos := d.Combos()
	n := checkedMul(checkedMul(checkedMul(checkedMul(checkedMul(max(d.Reps, 0), len(d.Impls)), combos), len(d.Rates)), len(d.Procs)), len(d.Sleepers))
	total := strconv.Itoa(n)
	if n == math.MaxInt {
		total = "more than " + total
	}
	sl := ""
	if len(d.Sleepers) > 1 {
		sl = fmt.Sprintf(" × %d sleepers", len(d.Sleepers))
	}
	return n, fmt.Sprintf("%d repetitions × %d implementations × %d parameter combinations × %d rates%s × %d gomaxprocs = %s trials",
		d.Reps, len(d.Impls), combos, len(d.Rates), sl, len(d.Procs), total)
}

// Points calls yield with every point of impl at repetition rep: each
// parameter combination (the first parameter varying slowest), then each
// rate, sleeper and GOMAXPROCS value. Each point has a map of its own.
func (d Dims) Points(impl string, rep int, yield func(Point)) {
	combo := make([]string, len(d.Params))
	var cross func(i int)
	cross = func(i int) {
		if i < len(d.Params) {
			for _, v := range d.Params[i].Values {
				combo[i] = v
				cross(i + 1)
			}
			return
		}
		for _, r := range d.Rates {
			for _, sl := range d.Sleepers {
				for _, p := range d.Procs {
					params := make(map[string]string, len(d.Params))
					for j, pv := range d.Params {
						params[pv.Name] = combo[j]
					}
					yield(Point{Impl: impl, Params: params, Rate: r, Sleeper: sl, Procs: p, Rep: rep})
				}
			}
		}
	}
	cross(0)
}

// checkedMul returns a × b, or math.MaxInt if it would exceed it.
func checkedMul(a, b int) int {
	if a != 0 && b > math.MaxInt/a {
		return math.MaxInt
	}
	return a * b
}

// WithImpls returns s running impls instead of its own list (add false),
// or beside it (add true: its list, or its pattern's defaults, then each
// of impls it lacks). Each name must be an implementation of s's pattern
// that can run at s's parameters; an error says why one cannot, naming
// where (file, the flag). The scenario's claims keep their
// implementations: a claim whose side no longer runs is reported not
// measured.
func (s Spec) WithImpls(impls []string, add bool, reg *targets.Registry, flag string) (Spec, error) {
	pat := reg.MustLookup(s.Pattern)
	list := impls
	if add {
		list = slices.Clone(s.Impls)
		if len(list) == 0 {
			list = pat.DefaultImpls()
		}
		for _, n := range impls {
			if !slices.Contains(list, n) {
				list = append(list, n)
			}
		}
	}
	var errs []*InputError
	for _, n := range impls {
		if !slices.Contains(pat.ImplNames(), n) {
			errs = append(errs, &InputError{File: s.File, Field: flag, Msg: fmt.Sprintf("%q is not a %s implementation (scenario %s); have %s", n, pat.Name, s.Name, strings.Join(pat.ImplNames(), ", "))})
			continue
		}
		if pat.Unsupported == nil {
			continue
		}
		for _, p := range pat.Params {
			values := s.Params[p.Name]
			if len(values) == 0 {
				values = []string{p.Default}
			}
			for _, v := range values {
				if why := pat.Unsupported(n, p.Name, v); why != "" {
					errs = append(errs, &InputError{File: s.File, Field: flag, Msg: fmt.Sprintf("%s cannot run in scenario %s, whose %s is %s: %s", n, s.Name, p.Name, v, why)})
				}
			}
		}
	}
	if len(errs) > 0 {
		return s, joinSorted(errs)
	}
	s.Impls = list
	return s, nil
}

// WithParam returns s with the values of its pattern's parameter name in
// place of its own, checked as the file's would be (ranges, repeats in
// canonical form, implementations that cannot run at a value), the
// errors naming flag ("-param workers"). ok is false, with no error, where
// s's pattern has no such parameter.
func (s Spec) WithParam(name string, values []string, reg *targets.Registry, flag string) (t Spec, ok bool, err error) {
	pat := reg.MustLookup(s.Pattern)
	if _, ok := pat.Param(name); !ok {
		return s, false, nil
	}
	s.Params = maps.Clone(s.Params)
	if s.Params == nil {
		s.Params = map[string][]string{}
	}
	s.Params[name] = slices.Clone(values)
	problems := validate(&s, reg, nil, false)
	for i, p := range problems {
		if p.field == "params."+name {
			problems[i].field = flag
		}
		problems[i].msg = "scenario " + s.Name + ": " + p.msg
	}
	return s, true, report(s.File, nil, nil, problems)
}
