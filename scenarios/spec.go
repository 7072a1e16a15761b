package scenarios

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/concbench/concbench/loadgen"
	"github.com/concbench/concbench/record"
)

// Spec is one scenario file. See the package doc for the schema. Its JSON
// form, in a trial spec (package trial), uses the YAML keys.
type Spec struct {
	Name        string              `yaml:"name" json:"name"`
	Description string              `yaml:"description" json:"description"`
	Pattern     string              `yaml:"pattern" json:"pattern"`
	Impls       []string            `yaml:"impls" json:"impls"`
	Params      map[string][]string `yaml:"params" json:"params"`
	Load        Load                `yaml:"load" json:"load"`
	Work        Work                `yaml:"work" json:"work"`
	Faults      Faults              `yaml:"faults" json:"faults"`
	GOMAXPROCS  []int               `yaml:"gomaxprocs" json:"gomaxprocs"` // each value gets its trials, named procs=<n>; default: the machine's
	Repeat      Repeat              `yaml:"repeat" json:"repeat"`
	Timeout     Duration            `yaml:"timeout" json:"timeout"`
	// ErrorBudget, if set, is the fraction of a trial's measured
	// operations that may fail (0 to 1): a trial above it ends with status
	// errors, which fails the run. Unset, errors are counted and reported
	// only (a scenario of injected faults expects them).
	ErrorBudget *float64 `yaml:"error_budget" json:"error_budget,omitempty"`
	// Headline are the units the scenario is about: the report ranks the
	// implementations and names a winner on these only (never a
	// demonstration implementation). None: the report names no winner.
	Headline []string `yaml:"headline" json:"headline,omitempty"`
	// Claims are the claims (of the guide, or the user's own) that the
	// scenario's results answer; they travel into the results' sidecar
	// and the report computes each verdict from the data.
	Claims []record.Claim `yaml:"claims" json:"claims,omitempty"`

	// File is where the spec came from ("quick/x.yaml" for embedded ones);
	// Hash is the SHA-256 of its bytes. Neither is read from YAML.
	File string `yaml:"-" json:"file"`
	Hash string `yaml:"-" json:"hash"`
}

// GuideClaims is how many claims the guide makes that concbench answers:
// a Claim's Guide is 1 to GuideClaims (or 0, for a claim of one's own).
const GuideClaims = 12

// WorkKind is work.kind.
type WorkKind string

// Kinds of work.
const (
	NoWork    WorkKind = "none"
	CPUWork   WorkKind = "cpu"
	SleepWork WorkKind = "sleep"
)

// Dist is work.dist, the distribution of a task's duration.
type Dist string

// Distributions.
const (
	Fixed       Dist = "fixed"
	Exponential Dist = "exponential"
	Lognormal   Dist = "lognormal"
)

// Load is how operations arrive.
type Load struct {
	Model       loadgen.Model   `yaml:"model" json:"model"`               // open | closed
	Rate        Rates           `yaml:"rate" json:"rate"`                 // open: operations per second; a list runs each (the knee)
	Arrival     loadgen.Arrival `yaml:"arrival" json:"arrival"`           // open: constant | poisson
	Clients     int             `yaml:"clients" json:"clients"`           // closed: concurrent clients; open: issuing goroutines
	Think       Duration        `yaml:"think" json:"think"`               // closed: pause between a client's operations
	MaxInflight int             `yaml:"max_inflight" json:"max_inflight"` // open: refuse (count as dropped) beyond this; 0 = no cap
	Duration    Duration        `yaml:"duration" json:"duration"`         // measurement window
	Warmup      Duration        `yaml:"warmup" json:"warmup"`             // load before the window, not measured
	// Sleeper (open) is how the generator's clients wait for intended
	// starts: auto (the default: poll where the OS has it, Go's timer
	// otherwise), poll, precise or go-timer (see loadgen's package doc). A
	// list runs each, and its trials are named sleeper=<value>.
	Sleeper Sleepers `yaml:"sleeper" json:"sleeper,omitempty"`
}

// Sleepers are the sleeper choices of an open-loop scenario: one name or a
// list; empty is auto alone.
type Sleepers []string

// UnmarshalYAML accepts a name or a list of names.
func (l *Sleepers) UnmarshalYAML(n *yaml.Node) error {
	var err error
	*l, err = oneOrMany(n, func(c *yaml.Node) (string, string) {
		if c.Kind != yaml.ScalarNode {
			return "", "sleeper: want auto, poll, precise or go-timer, or a list of them"
		}
		return c.Value, ""
	})
	return err
}

// oneOrMany decodes a scalar or a list of scalars with parse, which
// returns a value or why it is not one; a null is left out, for Parse to
// refuse as a value not given. Every bad value is an error at its line.
func oneOrMany[T any](n *yaml.Node, parse func(c *yaml.Node) (T, string)) ([]T, error) {
	nodes := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		nodes = n.Content
	}
	var out []T
	var bad []string
	for _, c := range nodes {
		if c.ShortTag() == "!!null" {
			continue
		}
		v, why := parse(c)
		if why != "" {
			bad = append(bad, nodeError(c, why))
			continue
		}
		out = append(out, v)
	}
	if len(bad) > 0 {
		return out, &yaml.TypeError{Errors: bad}
	}
	return out, nil
}

// Values returns the sleepers a scenario's trials run: its list, or auto.
func (l Sleepers) Values() []string {
	if len(l) == 0 {
		return []string{loadgen.SleepAuto}
	}
	return l
}

// Rates are the offered loads of an open-loop scenario, in operations per
// second: one number, or a list whose values each get their trials, named
// rate=<value>, so that the report can draw throughput and latency against
// offered load.
type Rates []float64

// UnmarshalYAML accepts a number or a list of numbers. A number too large
// for a float64 becomes ±Inf, for validation to refuse with its range.
func (r *Rates) UnmarshalYAML(n *yaml.Node) error {
	var err error
	*r, err = oneOrMany(n, func(c *yaml.Node) (float64, string) {
		v, err := strconv.ParseFloat(c.Value, 64)
		if c.Kind != yaml.ScalarNode || err != nil && !errors.Is(err, strconv.ErrRange) {
			return 0, fmt.Sprintf("rate %q is not a number of operations per second", c.Value)
		}
		return v, ""
	})
	return err
}

// Work is what each operation's task does.
type Work struct {
	Kind  WorkKind `yaml:"kind" json:"kind"`   // none | cpu | sleep
	Mean  Duration `yaml:"mean" json:"mean"`   // mean duration of the work
	Dist  Dist     `yaml:"dist" json:"dist"`   // fixed | exponential | lognormal
	Sigma float64  `yaml:"sigma" json:"sigma"` // lognormal shape; default 1
	// Stack is the stack each task uses before its work: it first calls
	// this deep (frames of work.StackFrame bytes) and does its work at the
	// bottom, so that its goroutine holds a stack grown to at least this
	// size while it works. 0 (the default): no recursion, the work runs on
	// whatever stack the goroutine has.
	Stack Bytes `yaml:"stack" json:"stack,omitempty"`
}

// Bytes is a size in bytes, written in YAML as a whole number with an
// optional unit: B, KiB or MiB ("64KiB", "1MiB", "4096"). In JSON it is
// the number of bytes.
type Bytes int64

// bytesSyntax is what Bytes reads: digits and an optional binary unit.
var bytesSyntax = regexp.MustCompile(`^(\d+) ?(B|KiB|MiB)?$`)

// UnmarshalYAML parses a size. One too large for an int64 becomes the
// largest Bytes, for validation to refuse with its range.
func (b *Bytes) UnmarshalYAML(n *yaml.Node) error {
	g := bytesSyntax.FindStringSubmatch(n.Value)
	if n.Kind != yaml.ScalarNode || g == nil {
		return &yaml.TypeError{Errors: []string{nodeError(n, fmt.Sprintf("%q is not a size in bytes (like 64KiB, 1MiB or 4096)", n.Value))}}
	}
	shift := map[string]uint{"": 0, "B": 0, "KiB": 10, "MiB": 20}[g[2]]
	v, err := strconv.ParseInt(g[1], 10, 64)
	if err != nil || v > math.MaxInt64>>shift {
		*b = math.MaxInt64
		return nil
	}
	*b = Bytes(v << shift)
	return nil
}

// MarshalYAML writes the size in the largest unit that divides it.
func (b Bytes) MarshalYAML() (any, error) { return b.String(), nil }

// String writes the size in the largest binary unit that divides it:
// "64KiB", "1MiB", "100B".
func (b Bytes) String() string {
	switch {
	case b != 0 && b%(1<<20) == 0:
		return strconv.FormatInt(int64(b>>20), 10) + "MiB"
	case b != 0 && b%(1<<10) == 0:
		return strconv.FormatInt(int64(b>>10), 10) + "KiB"
	}
	return strconv.FormatInt(int64(b), 10) + "B"
}

// Faults injected into the work of each operation.
type Faults struct {
	ErrorRate float64 `yaml:"error_rate" json:"error_rate"` // fraction of operations whose work fails
	Outage    *Outage `yaml:"outage" json:"outage"`         // a window in which every operation's work fails
}

// Outage is a window, measured from the start of the measurement window, in
// which the work of every operation fails. With Latency, the failing work
// first blocks that long and ignores cancellation, as a hung downstream
// without context support does.
type Outage struct {
	At      Duration `yaml:"at" json:"at"`
	For     Duration `yaml:"for" json:"for"`
	Latency Duration `yaml:"latency" json:"latency"`
}

// Duration is a time.Duration written as in Go ("250ms", "2s"), in YAML
// and in JSON.
type Duration struct{ time.Duration }

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || n.Kind != yaml.ScalarNode {
		return &yaml.TypeError{Errors: []string{nodeError(n, fmt.Sprintf("%q is not a duration (like 250ms or 2s)", n.Value))}}
	}
	d.Duration = v
	return nil
}

// MarshalYAML writes the Go duration string.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// MarshalJSON writes the Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON parses a Go duration string. Its error is a
// *json.UnmarshalTypeError, to which encoding/json adds the field's path.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		if v, err := time.ParseDuration(s); err == nil {
			d.Duration = v
			return nil
		}
	}
	return &json.UnmarshalTypeError{Value: string(b), Type: reflect.TypeFor[Duration]()}
}

// nodeError is the message of an UnmarshalYAML that failed on n: yaml.v3's
// "line N: " and the column, which pins the field even in a flow mapping.
func nodeError(n *yaml.Node, msg string) string {
	return fmt.Sprintf("line %d: column %d: %s", n.Line, n.Column, msg)
}

// Repeat is a scenario's repetitions: a count, or RepeatAuto, written
// repeat: auto: sequential repetitions, from SequentialMin to
// SequentialMax, each cell stopping once its comparisons are decided
// (package harness says how).
type Repeat int

// RepeatAuto is repeat: auto.
const RepeatAuto Repeat = -1

// The bounds of sequential repetitions (repeat: auto).
const (
	SequentialMin = 4
	SequentialMax = 6
)

// UnmarshalYAML takes a count or auto.
func (r *Repeat) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" && n.Value == "auto" {
		*r = RepeatAuto
		return nil
	}
	var v int
	if n.Kind != yaml.ScalarNode || n.Decode(&v) != nil {
		val := n.Value
		if len(val) > 10 { // shortened as yaml.v3 shortens a value in its type errors
			val = val[:7] + "..."
		}
		return &yaml.TypeError{Errors: []string{nodeError(n, fmt.Sprintf("%q: want a count (1 to %d) or auto", val, MaxRepeat))}}
	}
	*r = Repeat(v)
	return nil
}

// Max is the most repetitions r plans: its count, or SequentialMax.
func (r Repeat) Max() int {
	if r == RepeatAuto {
		return SequentialMax
	}
	return int(r)
}
