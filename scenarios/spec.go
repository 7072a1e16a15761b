package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"concbench/internal/benchname"
)

// Spec is one scenario file. See the package doc for the schema.
type Spec struct {
	Name        string              `yaml:"name"`
	Description string              `yaml:"description"`
	Pattern     string              `yaml:"pattern"`
	Impls       []string            `yaml:"impls"`
	Params      map[string][]string `yaml:"params"`
	Load        Load                `yaml:"load"`
	Work        Work                `yaml:"work"`
	Faults      Faults              `yaml:"faults"`
	GOMAXPROCS  []int               `yaml:"gomaxprocs"` // each value gets its trials, named procs=<n>; default: the machine's
	Repeat      int                 `yaml:"repeat"`
	Timeout     Duration            `yaml:"timeout"`

	// File is where the spec came from ("quick/x.yaml" for embedded ones);
	// Hash is the SHA-256 of its bytes. Neither is read from YAML.
	File string `yaml:"-"`
	Hash string `yaml:"-"`
}

// Load is how operations arrive.
type Load struct {
	Model       string   `yaml:"model"`        // open | closed
	Rate        Rates    `yaml:"rate"`         // open: operations per second; a list runs each (the knee)
	Arrival     string   `yaml:"arrival"`      // open: constant | poisson
	Clients     int      `yaml:"clients"`      // closed: concurrent clients; open: issuing goroutines
	Think       Duration `yaml:"think"`        // closed: pause between a client's operations
	MaxInflight int      `yaml:"max_inflight"` // open: refuse (count as dropped) beyond this; 0 = no cap
	Duration    Duration `yaml:"duration"`     // measurement window
	Warmup      Duration `yaml:"warmup"`       // load before the window, not measured
}

// Rates are the offered loads of an open-loop scenario, in operations per
// second: one number, or a list whose values each get their trials, named
// rate=<value>, so that the report can draw throughput and latency against
// offered load.
type Rates []float64

// UnmarshalYAML accepts a number or a list of numbers.
func (r *Rates) UnmarshalYAML(n *yaml.Node) error {
	nodes := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		nodes = n.Content
	}
	*r = (*r)[:0]
	for _, c := range nodes {
		v, err := strconv.ParseFloat(c.Value, 64)
		if c.Kind != yaml.ScalarNode || err != nil {
			return &lineError{line: c.Line, msg: fmt.Sprintf("rate %q is not a number of operations per second", c.Value)}
		}
		*r = append(*r, v)
	}
	return nil
}

// Work is what each operation's task does.
type Work struct {
	Kind  string   `yaml:"kind"`  // none | cpu | sleep
	Mean  Duration `yaml:"mean"`  // mean duration of the work
	Dist  string   `yaml:"dist"`  // fixed | exponential | lognormal
	Sigma float64  `yaml:"sigma"` // lognormal shape; default 1
}

// Faults injected into the work of each operation.
type Faults struct {
	ErrorRate float64 `yaml:"error_rate"` // fraction of operations whose work fails
	Outage    *Outage `yaml:"outage"`     // a window in which every operation's work fails
}

// Outage is a window, measured from the start of the measurement window, in
// which the work of every operation fails. With Latency, the failing work
// first blocks that long and ignores cancellation, as a hung downstream
// without context support does.
type Outage struct {
	At      Duration `yaml:"at"`
	For     Duration `yaml:"for"`
	Latency Duration `yaml:"latency"`
}

// Duration is a time.Duration written as in Go ("250ms", "2s").
type Duration struct{ time.Duration }

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || n.Kind != yaml.ScalarNode {
		return &lineError{line: n.Line, msg: fmt.Sprintf("%q is not a duration (like 250ms or 2s)", n.Value)}
	}
	d.Duration = v
	return nil
}

// MarshalYAML writes the Go duration string.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// InputError is a problem in a scenario file, pinned to a line and a field.
type InputError struct {
	File  string
	Line  int    // 0 if unknown
	Field string // dotted path such as load.rate; "" if none applies
	Msg   string
}

func (e *InputError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Bounds on an open-loop load: beyond them a trial could not keep its
// schedule on any machine, and recording what it never started would take
// longer than the trial.
const (
	maxRate        = 1e8 // operations per second
	maxOpsPerTrial = 1e8 // operations scheduled in one window
)

var (
	namePattern   = regexp.MustCompile(`^[a-z0-9-]+$`)
	yamlLineError = regexp.MustCompile(`^line (\d+): (.*)$`)
	notFoundField = regexp.MustCompile(`^field (\S+) not found in type`)
)

// Parse decodes and validates one scenario file strictly: unknown keys,
// wrong types and out-of-range values are errors. Every error is an
// *InputError (several are joined), naming the file, line and field.
func Parse(file string, data []byte, patterns []Pattern) (Spec, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return Spec{}, yamlErrors(file, &root, err)
	}
	if len(root.Content) == 0 {
		return Spec{}, &InputError{File: file, Msg: "empty scenario file"}
	}
	var s Spec
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return Spec{}, yamlErrors(file, &root, err)
	}
	s.File = file
	s.Hash = hashOf(data)
	setDefaults(&s)
	if errs := validate(&s, patterns); len(errs) > 0 {
		out := make([]error, len(errs))
		for i, e := range errs {
			out[i] = &InputError{File: file, Line: lineOf(&root, e.field), Field: e.field, Msg: e.msg}
		}
		return Spec{}, errors.Join(out...)
	}
	return s, nil
}

// yamlErrors turns yaml.v3's errors, which carry a line but no field path,
// into InputErrors that carry both.
func yamlErrors(file string, root *yaml.Node, err error) error {
	var msgs []string
	var te *yaml.TypeError
	var le *lineError
	switch {
	case errors.As(err, &te):
		msgs = te.Errors
	case errors.As(err, &le):
		msgs = []string{le.Error()}
	default:
		msgs = []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	out := make([]error, 0, len(msgs))
	for _, m := range msgs {
		ie := &InputError{File: file, Msg: m}
		if g := yamlLineError.FindStringSubmatch(m); g != nil {
			ie.Line, _ = strconv.Atoi(g[1])
			ie.Msg = g[2]
			key := ""
			if f := notFoundField.FindStringSubmatch(ie.Msg); f != nil {
				key = f[1]
				ie.Msg = "unknown field " + strconv.Quote(key) + " (the schema is strict; check its spelling)"
			}
			ie.Field = pathAt(root, ie.Line, key)
		}
		out = append(out, ie)
	}
	return errors.Join(out...)
}

type fieldError struct{ field, msg string }

func setDefaults(s *Spec) {
	l := &s.Load
	if l.Model == "" {
		l.Model = "closed"
	}
	if l.Arrival == "" {
		l.Arrival = "constant"
	}
	if l.Clients == 0 {
		if l.Model == "closed" {
			l.Clients = 8
		} else {
			l.Clients = 1
		}
	}
	if l.Duration.Duration == 0 {
		l.Duration.Duration = time.Second
	}
	if s.Work.Kind == "" {
		s.Work.Kind = "none"
	}
	if s.Work.Dist == "" {
		s.Work.Dist = "fixed"
	}
	if s.Work.Sigma == 0 {
		s.Work.Sigma = 1
	}
	if s.Repeat == 0 {
		s.Repeat = 3
	}
	if s.Timeout.Duration == 0 {
		s.Timeout.Duration = 30 * time.Second
	}
}

func validate(s *Spec, patterns []Pattern) []fieldError {
	var errs []fieldError
	bad := func(field, format string, args ...any) {
		errs = append(errs, fieldError{field, fmt.Sprintf(format, args...)})
	}
	if !namePattern.MatchString(s.Name) {
		bad("name", "%q: want a name of lower-case letters, digits and dashes", s.Name)
	}
	var pat *Pattern
	for i := range patterns {
		if patterns[i].Name == s.Pattern {
			pat = &patterns[i]
		}
	}
	if pat == nil {
		names := make([]string, len(patterns))
		for i, p := range patterns {
			names[i] = p.Name
		}
		bad("pattern", "%q: want one of %s", s.Pattern, strings.Join(names, ", "))
	} else {
		for i, name := range s.Impls {
			if !slices.Contains(pat.ImplNames(), name) {
				bad(fmt.Sprintf("impls[%d]", i), "%q is not a %s implementation; have %s", name, pat.Name, strings.Join(pat.ImplNames(), ", "))
			}
		}
		for _, key := range sortedKeys(s.Params) {
			p, ok := pat.param(key)
			if !ok {
				bad("params."+key, "%s has no parameter %q; have %s", pat.Name, key, strings.Join(pat.paramNames(), ", "))
				continue
			}
			if len(s.Params[key]) == 0 {
				bad("params."+key, "empty list of values")
			}
			for i, v := range s.Params[key] {
				if err := p.Check(v); err != nil {
					bad("params."+key, "%q: %v", v, err)
				}
				if slices.Index(s.Params[key], v) < i {
					bad("params."+key, "%q is listed twice: its trials would share one name", v)
				}
			}
		}
		if pat.Unsupported != nil {
			impls := s.Impls
			if len(impls) == 0 {
				impls = pat.ImplNames()
			}
			for _, key := range sortedKeys(s.Params) {
				for _, v := range s.Params[key] {
					for _, impl := range impls {
						if why := pat.Unsupported(impl, key, v); why != "" {
							field := "params." + key
							if i := slices.Index(s.Impls, impl); i >= 0 {
								field = fmt.Sprintf("impls[%d]", i)
							}
							bad(field, "%s cannot run with %s=%s: %s; list the implementations that can in impls", impl, key, v, why)
						}
					}
				}
			}
		}
		if !pat.Faults && (s.Faults.ErrorRate != 0 || s.Faults.Outage != nil) {
			bad("faults", "pattern %s has no operation that can fail; remove faults", pat.Name)
		}
	}
	l := s.Load
	switch l.Model {
	case "open":
		if len(l.Rate) == 0 {
			bad("load.rate", "an open-loop load needs a rate (operations per second, or a list of them)")
		}
		for i, r := range l.Rate {
			field := "load.rate"
			if len(l.Rate) > 1 {
				field = fmt.Sprintf("load.rate[%d]", i)
			}
			if !(r > 0 && r <= maxRate) {
				bad(field, "%v: an open-loop load needs a rate above 0 and at most %g operations per second", r, maxRate)
			} else if ops := r * l.Duration.Seconds(); ops > maxOpsPerTrial {
				bad(field, "%v ops/s for %v is %.3g operations: at most %g per trial", r, l.Duration, ops, float64(maxOpsPerTrial))
			}
			if slices.Index(l.Rate, r) < i {
				bad(field, "%v is listed twice: its trials would share one name", r)
			}
		}
		if l.Think.Duration != 0 {
			bad("load.think", "think time applies to the closed model only")
		}
	case "closed":
		if len(l.Rate) != 0 {
			bad("load.rate", "a closed-loop load has no rate; set clients (and think) instead")
		}
		if l.Arrival != "constant" {
			bad("load.arrival", "arrivals apply to the open model only")
		}
		if l.MaxInflight != 0 {
			bad("load.max_inflight", "the in-flight cap applies to the open model only (a closed loop has at most clients in flight)")
		}
	default:
		bad("load.model", "%q: want open or closed", l.Model)
	}
	if l.Arrival != "constant" && l.Arrival != "poisson" {
		bad("load.arrival", "%q: want constant or poisson", l.Arrival)
	}
	if l.Clients < 1 {
		bad("load.clients", "%d: want at least 1", l.Clients)
	}
	if l.MaxInflight < 0 {
		bad("load.max_inflight", "%d: want 0 (no cap) or more", l.MaxInflight)
	}
	if l.Duration.Duration <= 0 {
		bad("load.duration", "%v: want a positive duration", l.Duration)
	}
	if l.Warmup.Duration < 0 {
		bad("load.warmup", "%v: want zero or more", l.Warmup)
	}
	if l.Think.Duration < 0 {
		bad("load.think", "%v: want zero or more", l.Think)
	}
	w := s.Work
	switch w.Kind {
	case "none":
		if w.Mean.Duration != 0 {
			bad("work.mean", "work kind none takes no mean")
		}
	case "cpu", "sleep":
		if w.Mean.Duration <= 0 {
			bad("work.mean", "%v: work kind %s needs a positive mean", w.Mean, w.Kind)
		}
	default:
		bad("work.kind", "%q: want none, cpu or sleep", w.Kind)
	}
	if w.Dist != "fixed" && w.Dist != "exponential" && w.Dist != "lognormal" {
		bad("work.dist", "%q: want fixed, exponential or lognormal", w.Dist)
	}
	if !(w.Sigma > 0) || math.IsInf(w.Sigma, 1) { // NaN and Inf too
		bad("work.sigma", "%v: want a finite number > 0", w.Sigma)
	}
	if r := s.Faults.ErrorRate; !(r >= 0 && r <= 1) { // NaN too
		bad("faults.error_rate", "%v: want a fraction from 0 to 1", r)
	}
	if o := s.Faults.Outage; o != nil && (o.At.Duration < 0 || o.For.Duration <= 0 || o.Latency.Duration < 0) {
		bad("faults.outage", "at %v for %v latency %v: want at >= 0, for > 0, latency >= 0", o.At, o.For, o.Latency)
	}
	for i, n := range s.GOMAXPROCS {
		if n < 1 {
			bad(fmt.Sprintf("gomaxprocs[%d]", i), "%d: want at least 1", n)
		}
		if slices.Index(s.GOMAXPROCS, n) < i {
			bad(fmt.Sprintf("gomaxprocs[%d]", i), "%d is listed twice: its trials would share one name", n)
		}
	}
	if s.Repeat < 1 {
		bad("repeat", "%d: want at least 1", s.Repeat)
	}
	// A trial needs its warm-up, its window (twice it for an open loop,
	// which may fall behind and stops issuing only then), the leak check's
	// grace and a margin for process start and teardown.
	windows, how := time.Duration(1), "duration"
	if l.Model == "open" {
		windows, how = 2, "2 x duration"
	}
	if need := l.Warmup.Duration + windows*l.Duration.Duration + leakGrace + 2*time.Second; s.Timeout.Duration < need {
		bad("timeout", "%v: want at least %v (warmup + %s + %v leak grace + 2s)", s.Timeout, need, how, leakGrace)
	}
	return errs
}

// lineOf returns the line of the key at a dotted path ("load.rate",
// "impls[2]", "params.workers"), or of its nearest existing parent.
func lineOf(root *yaml.Node, path string) int {
	line := 0
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
		line = n.Line
	}
	for part := range strings.SplitSeq(path, ".") {
		idx := -1
		if i := strings.IndexByte(part, '['); i >= 0 {
			idx, _ = strconv.Atoi(strings.TrimSuffix(part[i+1:], "]"))
			part = part[:i]
		}
		next := (*yaml.Node)(nil)
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == part {
					line, next = n.Content[i].Line, n.Content[i+1]
				}
			}
		}
		if next == nil {
			return line
		}
		n = next
		if idx >= 0 && n.Kind == yaml.SequenceNode && idx < len(n.Content) {
			n = n.Content[idx]
			line = n.Line
		}
	}
	return line
}

// pathAt returns the dotted path of the mapping key named key (or, if key is
// "", of any key or value) on line, or "" if there is none.
func pathAt(root *yaml.Node, line int, key string) string {
	var found string
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		if found != "" {
			return
		}
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				p := k.Value
				if path != "" {
					p = path + "." + k.Value
				}
				if k.Line == line && (key == "" || k.Value == key) || key == "" && v.Line == line && v.Kind == yaml.ScalarNode {
					found = p
					return
				}
				walk(v, p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				if key == "" && c.Line == line && c.Kind == yaml.ScalarNode {
					found = fmt.Sprintf("%s[%d]", path, i)
					return
				}
				walk(c, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	walk(root, "")
	return found
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
