package scenarios

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/concbench/concbench/internal/benchname"
	"github.com/concbench/concbench/loadgen"
	"github.com/concbench/concbench/targets"
	"github.com/concbench/concbench/units"
)

// checker collects the problems of one spec.
type checker struct {
	has    func(string) bool // whether the input gives a field; nil: only values count
	bounds map[string]*bound
	errs   []fieldError
	trial  bool // checking a trial's spec (see validate)
}

func newChecker(has func(string) bool) *checker {
	return &checker{has: has, bounds: bounds()}
}

// bound returns the bound of a numeric field in the limits table.
func (c *checker) bound(field string) *bound {
	b, ok := c.bounds[unindexed(field)]
	if !ok {
		panic("scenarios: no bound for " + field) // a driver bug: every checked field has a row
	}
	return b
}

func (c *checker) add(field, format string, args ...any) {
	c.addDep(field, nil, format, args...)
}

func (c *checker) addDep(field string, deps []string, format string, args ...any) {
	c.errs = append(c.errs, fieldError{field, deps, fmt.Sprintf(format, args...)})
}

// given reports whether the input sets field: to a value other than its
// default (nonDefault), or at all, where the input says which keys it has.
func (c *checker) given(field string, nonDefault bool) bool {
	return nonDefault || c.has != nil && c.has(field)
}

// inRange checks v against the bound of field in the limits table.
func inRange[T int | float64 | time.Duration](c *checker, field string, v T) {
	inRangeOf(c, field, field, v)
}

// inRangeOf checks v, reported as field, against the bound of boundField.
func inRangeOf[T int | float64 | time.Duration](c *checker, field, boundField string, v T) {
	b := c.bound(boundField)
	if b.contains(float64(v)) {
		return
	}
	var text string
	switch v := any(v).(type) {
	case time.Duration:
		text = units.FormatDuration(v)
	case int:
		text = strconv.Itoa(v)
	case float64:
		text = strconv.FormatFloat(v, 'g', -1, 64)
	}
	c.add(field, "%s: want %s", text, b)
}

// validate checks a decoded spec with its defaults set: every check of a
// scenario file, and of the spec a trial process reads, is here. has says
// which keys the input gives (nil: none known, as for JSON, where only
// values other than the default count as given).
//
// A trial's spec (trial) may hold claims whose sides it does not run:
// runbench run -impl replaces a scenario's list and keeps its claims,
// which the report then says are not measured; there a claim's side need
// only be an implementation of the pattern.
func validate(s *Spec, reg *targets.Registry, has func(string) bool, trial bool) []fieldError {
	c := newChecker(has)
	c.trial = trial
	switch {
	case s.Name == "" && !c.given("name", false):
		c.add("name", "missing: a scenario needs a name of lower-case letters, digits and dashes")
	case !benchname.Word(s.Name):
		c.add("name", "%q: want a name of lower-case letters, digits and dashes", s.Name)
	}
	pat, _ := reg.Lookup(s.Pattern)
	if pat == nil {
		names := reg.Names()
		if s.Pattern == "" && !c.given("pattern", false) {
			c.add("pattern", "missing: want one of %s", strings.Join(names, ", "))
		} else {
			c.add("pattern", "%q: want one of %s", s.Pattern, strings.Join(names, ", "))
		}
	} else {
		c.impls(s, pat)
		c.params(s, pat)
	}
	c.load(s.Load)
	c.work(s.Work)
	c.faults(s.Faults, pat)
	c.trials(s, pat)
	c.memory(s, pat)
	c.headline(s)
	c.claims(s, pat)
	return c.errs
}

// memory refuses an open loop whose worst case holds more memory than a
// trial may plan to (MaxTrialMemory): a design with a goroutine per
// operation and no bound (pattern's Unbounded) may hold every operation of
// the run at once, rate × (warmup + 2 × duration), or load.max_inflight
// of them, each on a stack of work.stack. Every number in range, their
// product was not: the trial died of memory in under a second.
func (c *checker) memory(s *Spec, pat *targets.Pattern) {
	l := s.Load
	if pat == nil || pat.Unbounded == nil || l.Model != loadgen.Open || len(l.Rate) == 0 {
		return
	}
	impls := s.Impls
	if len(impls) == 0 {
		impls = pat.DefaultImpls()
	}
	var unbounded []string
	for _, impl := range impls {
		if pat.Unbounded(impl) {
			unbounded = append(unbounded, impl)
		}
	}
	if len(unbounded) == 0 {
		return
	}
	rate := slices.Max([]float64(l.Rate))
	worst, what := rate*(l.Warmup.Seconds()+2*l.Duration.Seconds()), "every operation of the run: rate × (warmup + 2 × duration)"
	if l.MaxInflight > 0 && float64(l.MaxInflight) < worst {
		worst, what = float64(l.MaxInflight), "load.max_inflight"
	}
	stack := goroutineStack(int64(s.Work.Stack))
	if need := worst * float64(stack); need > MaxTrialMemory {
		c.addDep("load.rate", []string{"load.warmup", "load.duration", "load.max_inflight", "work.stack"},
			"%g ops/s: %s may hold %.0f goroutines at once (%s), each with %s of stack (work.stack %s): %s, over the %s a trial may plan to hold; lower the rate, the duration or work.stack, or cap load.max_inflight",
			rate, strings.Join(unbounded, ", "), worst, what, units.FormatBytes(float64(stack)), s.Work.Stack, units.FormatBytes(need), units.FormatBytes(MaxTrialMemory))
	}
}

// goroutineStack is the stack a goroutine holds to run a task of
// work.stack bytes: Go doubles a stack to the next power of two, from 8
// KiB, with room for the frames around the task's.
func goroutineStack(work int64) int64 {
	s := int64(8 << 10)
	for s < work+4<<10 {
		s *= 2
	}
	return s
}

func (c *checker) impls(s *Spec, pat *targets.Pattern) {
	if len(s.Impls) == 0 && c.given("impls", false) {
		c.add("impls", "an empty list: leave impls out to run every implementation")
	}
	known, again := pat.ImplNames(), repeated(s.Impls)
	for i, name := range s.Impls {
		field := fmt.Sprintf("impls[%d]", i)
		if !slices.Contains(known, name) {
			c.add(field, "%q is not a %s implementation; have %s", name, pat.Name, strings.Join(known, ", "))
		} else if again[i] {
			c.add(field, "%q is listed twice: its trials would share one name", name)
		}
	}
}

// paramValues checks the values of one parameter, and puts each in its
// canonical form: values are compared, and name trials, in it.
func (c *checker) paramValues(field string, p targets.Param, values []string) {
	canon := make([]string, len(values))
	for i, v := range values {
		canon[i] = v
		if p.Check(v) == nil && p.Canon != nil {
			canon[i] = p.Canon(v)
		}
	}
	again := repeated(canon)
	for i, v := range values {
		switch {
		case p.Check(v) != nil:
			c.add(field, "%q: %v", v, p.Check(v))
		case again[i] && canon[i] != v:
			c.add(field, "%q is %s, listed before: its trials would share one name", v, canon[i])
		case again[i]:
			c.add(field, "%q is listed twice: its trials would share one name", v)
		default:
			values[i] = canon[i]
		}
	}
}

func (c *checker) params(s *Spec, pat *targets.Pattern) {
	for _, key := range sortedKeys(s.Params) {
		field := "params." + key
		p, ok := pat.Param(key)
		if !ok {
			c.add(field, "%s has no parameter %q; have %s", pat.Name, key, strings.Join(pat.ParamNames(), ", "))
			continue
		}
		values := s.Params[key]
		if len(values) == 0 {
			c.add(field, "empty list of values")
		}
		c.paramValues(field, p, values)
	}
	if pat.Unsupported == nil {
		return
	}
	impls := pat.DefaultImpls() // each listed one, at its first index
	index := map[string]int{}
	if len(s.Impls) > 0 {
		impls = nil
		for i, impl := range s.Impls {
			if _, dup := index[impl]; !dup {
				index[impl] = i
				impls = append(impls, impl)
			}
		}
	}
	for _, key := range sortedKeys(s.Params) {
		for _, v := range s.Params[key] {
			for _, impl := range impls {
				if why := pat.Unsupported(impl, key, v); why != "" {
					field := "params." + key
					if i, ok := index[impl]; ok {
						field = fmt.Sprintf("impls[%d]", i)
					}
					c.addDep(field, []string{"impls", "params." + key}, "%s cannot run with %s=%s: %s; list the implementations that can in impls", impl, key, v, why)
				}
			}
		}
	}
}

// load checks how operations arrive: the keys of its model, then the
// ranges of the keys that apply to it.
func (c *checker) load(l Load) {
	switch l.Model {
	case loadgen.Open:
		c.openLoad(l)
	case loadgen.Closed:
		c.closedLoad(l)
	default:
		c.add("load.model", "%q: want open or closed", string(l.Model))
	}
	if l.Model != loadgen.Closed {
		if l.Arrival != loadgen.Constant && l.Arrival != loadgen.Poisson {
			c.add("load.arrival", "%q: want constant or poisson", string(l.Arrival))
		}
		inRange(c, "load.max_inflight", l.MaxInflight)
	}
	if l.Model != loadgen.Open {
		inRange(c, "load.think", l.Think.Duration)
	}
	inRange(c, "load.clients", l.Clients)
	inRange(c, "load.duration", l.Duration.Duration)
	inRange(c, "load.warmup", l.Warmup.Duration)
}

// openLoad checks the keys of an open loop: its rates and sleepers, and
// no think time.
func (c *checker) openLoad(l Load) {
	if len(l.Rate) == 0 {
		c.add("load.rate", "an open-loop load needs a rate (operations per second, or a list of them)")
	}
	againRate := repeated(l.Rate)
	for i, r := range l.Rate {
		field := "load.rate"
		if len(l.Rate) > 1 {
			field = fmt.Sprintf("load.rate[%d]", i)
		}
		c.rate(field, r, l.Duration.Duration, "load.duration")
		if againRate[i] {
			c.add(field, "%v is listed twice: its trials would share one name", r)
		}
	}
	if c.given("load.think", l.Think.Duration != 0) {
		c.add("load.think", "think time applies to the closed model only")
	}
	if len(l.Sleeper) == 0 && c.given("load.sleeper", false) {
		c.add("load.sleeper", "an empty list: leave load.sleeper out for auto")
	}
	again := repeated(l.Sleeper)
	for i, v := range l.Sleeper {
		field := "load.sleeper"
		if len(l.Sleeper) > 1 {
			field = fmt.Sprintf("load.sleeper[%d]", i)
		}
		checkSleeper(c, field, v)
		if again[i] {
			c.add(field, "%s is listed twice: its trials would share one name", v)
		}
	}
}

// closedLoad refuses the keys of an open loop on a closed one.
func (c *checker) closedLoad(l Load) {
	if c.given("load.rate", len(l.Rate) != 0) {
		c.add("load.rate", "a closed-loop load has no rate; set clients (and think) instead")
	}
	if c.given("load.arrival", l.Arrival != loadgen.Constant) {
		c.add("load.arrival", "arrivals apply to the open model only")
	}
	if c.given("load.max_inflight", l.MaxInflight != 0) {
		c.add("load.max_inflight", "the in-flight cap applies to the open model only (a closed loop has at most clients in flight)")
	}
	if c.given("load.sleeper", len(l.Sleeper) != 0) {
		c.add("load.sleeper", "the sleeper applies to the open model only (a closed loop waits for no schedule)")
	}
}

// checkSleeper checks one sleeper choice, reported as field: one of the
// choices, and precise only where the OS has it.
func checkSleeper(c *checker, field, v string) {
	switch v {
	case loadgen.SleepAuto, loadgen.SleepGoTimer:
	case loadgen.SleepPoll:
		if !loadgen.PollAvailable() {
			c.add(field, "poll: %s has no timerfd to wait on through the netpoller (Linux); want auto or go-timer", runtime.GOOS)
		}
	case loadgen.SleepPrecise:
		if !loadgen.PreciseAvailable() {
			c.add(field, "precise: %s has no precise sleeper (it needs clock_nanosleep with TIMER_ABSTIME: Linux); want auto or go-timer", runtime.GOOS)
		}
	default:
		c.add(field, "%q: want auto, poll, precise or go-timer", v)
	}
}

// rate checks one open-loop rate, reported as field, and the operations it
// schedules in a window (the field durationField).
func (c *checker) rate(field string, r float64, window time.Duration, durationField string) {
	b := c.bound("load.rate")
	if !b.contains(r) {
		c.add(field, "%v: an open-loop load needs a rate %s", r, b)
		return
	}
	deps := []string{durationField}
	switch ops := r * window.Seconds(); {
	case ops < MinOpsPerTrial:
		c.addDep(field, deps, "%v ops/s for %s is %.3g operations: want at least %d in the window", r, units.FormatDuration(window), ops, MinOpsPerTrial)
	case ops > MaxOpsPerTrial:
		c.addDep(field, deps, "%v ops/s for %s is %.3g operations: at most %g per trial", r, units.FormatDuration(window), ops, float64(MaxOpsPerTrial))
	}
}

func (c *checker) work(w Work) {
	if b := c.bound("work.stack"); !b.contains(float64(w.Stack)) {
		c.add("work.stack", "%s: want %s", w.Stack, b)
	}
	switch w.Kind {
	case NoWork:
		for _, f := range []struct {
			name       string
			nonDefault bool
		}{{"mean", w.Mean.Duration != 0}, {"dist", w.Dist != Fixed}, {"sigma", w.Sigma != 1}} {
			if c.given("work."+f.name, f.nonDefault) {
				c.add("work."+f.name, "work kind none takes no %s", f.name)
			}
		}
		return
	case CPUWork, SleepWork:
		if w.Mean.Duration == 0 && !c.given("work.mean", false) {
			c.add("work.mean", "work kind %s needs a mean (%s)", w.Kind, c.bound("work.mean"))
		} else {
			inRange(c, "work.mean", w.Mean.Duration)
		}
	default:
		c.add("work.kind", "%q: want none, cpu or sleep", w.Kind)
	}
	switch w.Dist {
	case Lognormal:
		inRange(c, "work.sigma", w.Sigma)
	case Fixed, Exponential:
		if c.given("work.sigma", w.Sigma != 1) {
			c.add("work.sigma", "sigma applies to dist lognormal only")
		}
	default:
		c.add("work.dist", "%q: want fixed, exponential or lognormal", w.Dist)
	}
}

func (c *checker) faults(f Faults, pat *targets.Pattern) {
	if pat != nil && !pat.Faults {
		if c.given("faults", f.ErrorRate != 0 || f.Outage != nil) {
			c.add("faults", "pattern %s has no operation that can fail; remove faults", pat.Name)
		}
		return
	}
	inRange(c, "faults.error_rate", f.ErrorRate)
	if o := f.Outage; o != nil {
		inRange(c, "faults.outage.at", o.At.Duration)
		inRange(c, "faults.outage.for", o.For.Duration)
		inRange(c, "faults.outage.latency", o.Latency.Duration)
	}
}

// trials checks what sets the number of trials and their watchdog.
func (c *checker) trials(s *Spec, pat *targets.Pattern) {
	if len(s.GOMAXPROCS) == 0 && c.given("gomaxprocs", false) {
		c.add("gomaxprocs", "an empty list: leave gomaxprocs out for the machine's")
	}
	again := repeated(s.GOMAXPROCS)
	for i, n := range s.GOMAXPROCS {
		field := fmt.Sprintf("gomaxprocs[%d]", i)
		inRange(c, field, n)
		if again[i] {
			c.add(field, "%d is listed twice: its trials would share one name", n)
		}
	}
	if s.Repeat != RepeatAuto {
		inRange(c, "repeat", int(s.Repeat))
	}
	if s.ErrorBudget != nil {
		inRange(c, "error_budget", *s.ErrorBudget)
	}
	need, how := trialNeed(s.Load), "duration"
	switch {
	case s.Load.Model == loadgen.Open:
		how = "2 x duration"
	case s.Load.Think.Duration > 0:
		how = "duration + think"
	}
	switch t := s.Timeout.Duration; {
	case t > MaxTimeout:
		c.add("timeout", "%s: want at most %s", units.FormatDuration(t), units.FormatDuration(MaxTimeout))
	case t < need:
		c.addDep("timeout", []string{"load.model", "load.warmup", "load.duration", "load.think"},
			"%s: want at least %s (warmup + %s + %v leak grace + 2s)", units.FormatDuration(t), units.FormatDuration(need), how, LeakGrace)
	}
	if pat == nil {
		return
	}
	if n, how := s.Dims(pat, nil, 0).Size(); n > MaxPlanTrials {
		c.addDep("", []string{"impls", "params", "load.rate", "gomaxprocs", "repeat"}, "plans %s: at most %d in one run", how, MaxPlanTrials)
	}
}

// CheckUnique refuses two scenarios of the same name in one run: their
// trials would share names, and their results would mix.
func CheckUnique(specs []Spec) error {
	var errs []*InputError
	first := map[string]int{}
	for i, s := range specs {
		j, seen := first[s.Name]
		if !seen {
			first[s.Name] = i
			continue
		}
		msg := fmt.Sprintf("%q is also the name of the scenario in %s: names must be unique in a run", s.Name, specs[j].File)
		if specs[j].File == s.File {
			msg = fmt.Sprintf("%q: the scenario is given twice", s.Name)
		}
		errs = append(errs, &InputError{File: s.File, Field: "name", Msg: msg})
	}
	return joinSorted(errs)
}

// repeated returns which elements of list equal an earlier one (NaN never
// does), in one pass: lists may be long.
func repeated[T comparable](list []T) map[int]bool {
	seen, again := make(map[T]bool, len(list)), map[int]bool{}
	for i, v := range list {
		if seen[v] {
			again[i] = true
		}
		seen[v] = true
	}
	return again
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// checkNameValue is the Check of parameters whose values only have to fit
// in a benchmark name.
func checkNameValue(v string) error {
	if !benchname.Valid(v) {
		return errors.New("a value must not be empty or hold '/', '=' or spaces")
	}
	return nil
}
