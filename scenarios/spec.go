package scenarios

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/concbench/concbench/internal/benchname"
	"github.com/concbench/concbench/loadgen"
	"github.com/concbench/concbench/record"
	"github.com/concbench/concbench/targets"
	"github.com/concbench/concbench/units"
)

// Spec is one scenario file. See the package doc for the schema. Its JSON
// form, in a [TrialSpec], uses the YAML keys.
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
	Repeat      int                 `yaml:"repeat" json:"repeat"`
	Timeout     Duration            `yaml:"timeout" json:"timeout"`
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
	// starts: auto (the default: the precise sleeper where the OS has it
	// and each client's operations are at least 50 µs apart, Go's timer
	// otherwise), precise or go-timer. A list runs each, and its trials
	// are named sleeper=<value>.
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
			return "", "sleeper: want auto, precise or go-timer, or a list of them"
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

var (
	yamlLineError  = regexp.MustCompile(`^line (\d+): (?:column (\d+): )?(.*)$`)
	notFoundField  = regexp.MustCompile(`^field (.*) not found in type \S+$`)
	definedTwice   = regexp.MustCompile(`^mapping key (".*") already defined at line \d+$`)
	cannotDecodeAs = regexp.MustCompile("^cannot unmarshal !!(\\w+)(?: `(.*)`)? into ")
)

// Parse decodes and validates one scenario file strictly: unknown keys,
// wrong types, out-of-range values and explicit values the harness would
// not use are errors, and defaults apply only to absent keys. Every error
// is an *InputError naming the file, line and field; all of a file's
// errors are reported at once, joined, in line order.
func Parse(file string, data []byte, reg *targets.Registry) (Spec, error) {
	if line, b, ok := firstInvalidUTF8(data); ok {
		return Spec{}, &InputError{File: file, Line: line, Msg: fmt.Sprintf("byte %#x is not UTF-8: a scenario file is UTF-8 text", b)}
	}
	doc, err := parseDocument(file, data)
	if err != nil {
		return Spec{}, err
	}
	t := indexTree(doc)
	if errs := t.formErrors(file); len(errs) > 0 {
		return Spec{}, joinSorted(errs)
	}
	var s Spec
	decoded, err := decode(file, data, t, &s)
	if err != nil {
		return Spec{}, err
	}
	decoded = append(decoded, t.nullErrors(file, decoded)...)
	s.File = file
	s.Hash = hashOf(data)
	setDefaults(&s, t.has)
	if err := report(file, t.lineOf, decoded, validate(&s, reg, t.has)); err != nil {
		return Spec{}, err
	}
	return s, nil
}

// firstInvalidUTF8 returns the line and value of the first byte of data
// that is not UTF-8, if there is one.
func firstInvalidUTF8(data []byte) (line int, b byte, ok bool) {
	if utf8.Valid(data) {
		return 0, 0, false
	}
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return 1 + bytes.Count(data[:i], []byte("\n")), data[i], true
		}
		i += size
	}
	return 0, 0, false // unreachable: utf8.Valid said there is one
}

// parseDocument parses data into its one YAML document, whose top level
// must be a mapping.
func parseDocument(file string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &InputError{File: file, Msg: "empty scenario file"}
		}
		return nil, syntaxError(file, data, err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, syntaxError(file, data, err)
	default:
		return nil, &InputError{File: file, Line: next.Line, Msg: "a second YAML document: a scenario file holds one"}
	}
	top := doc.Content[0]
	switch {
	case top.Kind == yaml.ScalarNode && top.ShortTag() == "!!null":
		return nil, &InputError{File: file, Msg: "empty scenario file"}
	case top.Kind != yaml.MappingNode:
		return nil, &InputError{File: file, Line: top.Line, Msg: "the top level is not a mapping of keys (name: …, pattern: …)"}
	}
	return &doc, nil
}

// syntaxError turns a yaml.v3 parse error into an InputError with its line,
// naming the usual cause of a few of them: a tab.
func syntaxError(file string, data []byte, err error) error {
	ie := &InputError{File: file, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	if g := yamlLineError.FindStringSubmatch(ie.Msg); g != nil {
		ie.Line, _ = strconv.Atoi(g[1])
		ie.Msg = g[3]
		if line := tabLine(data, ie.Line, ie.Msg); line > 0 {
			ie.Line, ie.Msg = line, "a tab character: YAML indents with spaces"
		}
	}
	return ie
}

// tabLine returns the line of the tab that caused a parse error reported at
// line with msg, or 0 if a tab is not the cause. yaml.v3 reports a tab in
// the indentation as a token that cannot start (at its line), or as a tab
// that violates indentation (at its line or the one before).
func tabLine(data []byte, line int, msg string) int {
	candidates := []int{line}
	switch {
	case strings.Contains(msg, "tab character"):
		candidates = append(candidates, line+1)
	case !strings.Contains(msg, "cannot start any token"):
		return 0
	}
	lines := bytes.Split(data, []byte("\n"))
	for _, l := range candidates {
		if l >= 1 && l <= len(lines) && bytes.IndexByte(lines[l-1], '\t') >= 0 {
			return l
		}
	}
	return 0
}

// entry is one value of the YAML tree: a mapping's value under its key, or
// a list's element (key nil).
type entry struct {
	path     string // "load.rate", "impls[1]"
	key, val *yaml.Node
}

func (e entry) line() int {
	if e.key != nil {
		return e.key.Line
	}
	return e.val.Line
}

// tree indexes a scenario's YAML nodes by field path: which keys are
// present (defaults apply only to absent ones), their lines, and the
// field of a decode error.
type tree struct {
	top     *yaml.Node // the top-level mapping
	entries []entry    // in document order
	byPath  map[string]entry
}

// maxDepth is how deep the tree is indexed. The schema's deepest fields
// (faults.outage.at, params.workers[0]) are 3 deep, and yaml.v3 reports a
// type error at the first node that does not fit it, so nothing deeper
// ever needs a path.
const maxDepth = 4

func indexTree(doc *yaml.Node) *tree {
	t := &tree{top: doc.Content[0], byPath: map[string]entry{}}
	var walk func(n *yaml.Node, path string, depth int)
	walk = func(n *yaml.Node, path string, depth int) {
		if depth > maxDepth {
			return
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				t.add(entry{joinPath(path, k.Value), k, v})
				walk(v, joinPath(path, k.Value), depth+1)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				p := fmt.Sprintf("%s[%d]", path, i)
				t.add(entry{p, nil, c})
				walk(c, p, depth+1)
			}
		}
	}
	walk(t.top, "", 1)
	return t
}

func (t *tree) add(e entry) {
	t.entries = append(t.entries, e)
	if _, dup := t.byPath[e.path]; !dup {
		t.byPath[e.path] = e
	}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// has reports whether the file gives the field, even as null.
func (t *tree) has(path string) bool {
	_, ok := t.byPath[path]
	return ok
}

// lineOf returns the line of the field at path ("load.rate", "impls[2]"),
// or of its nearest parent that the file gives.
func (t *tree) lineOf(path string) int {
	for p := path; p != ""; p = parentPath(p) {
		if e, ok := t.byPath[p]; ok {
			return e.line()
		}
	}
	return t.top.Line
}

// parentPath returns "load" for "load.rate" and "load.rate" for
// "load.rate[1]"; "" for a top-level field.
func parentPath(p string) string {
	return p[:max(strings.LastIndexAny(p, ".["), 0)]
}

// formErrors refuses what would make the tree say something else than the
// decoded spec: aliases and merge keys, which yaml.v3 expands.
func (t *tree) formErrors(file string) []*InputError {
	var errs []*InputError
	for _, e := range t.entries {
		switch {
		case e.key != nil && (e.key.ShortTag() == "!!merge" || e.key.Kind == yaml.AliasNode):
			errs = append(errs, &InputError{File: file, Line: e.key.Line, Field: e.path, Msg: "a merge key or alias as a key: write the keys out"})
		case e.val.Kind == yaml.AliasNode:
			errs = append(errs, &InputError{File: file, Line: e.val.Line, Field: e.path, Msg: fmt.Sprintf("an alias (*%s): write the value out; a scenario file takes no aliases", e.val.Value)})
		}
	}
	return errs
}

// nullErrors refuses keys given with no value: decoding would leave them
// zero, neither the default nor a value. A key that already failed to
// decode (an unknown one) gets no second error.
func (t *tree) nullErrors(file string, decoded []*InputError) []*InputError {
	var undecoded fieldSet
	for _, d := range decoded {
		undecoded.add(d.Field)
	}
	var errs []*InputError
	for _, e := range t.entries {
		if e.val.Kind == yaml.ScalarNode && e.val.ShortTag() == "!!null" && !undecoded.holds(e.path) {
			errs = append(errs, &InputError{File: file, Line: e.line(), Field: e.path, Msg: "no value: give one, or leave the key out for its default"})
		}
	}
	return errs
}

// decode decodes data into s strictly. Type errors (yaml.v3 goes on past
// them) come back as InputErrors pinned to their field; any other error
// stops.
func decode(file string, data []byte, t *tree, s *Spec) ([]*InputError, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(s)
	if err == nil {
		return nil, nil
	}
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return nil, &InputError{File: file, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	used := map[int]bool{}
	errs := make([]*InputError, len(te.Errors))
	for i, msg := range te.Errors {
		errs[i] = t.decodeError(file, msg, used)
	}
	return errs, nil
}

// decodeError pins one of yaml.v3's type errors, which carry a line but no
// field, to the entry it is about. An UnmarshalYAML of ours gives the
// value's line and column; yaml.v3's own name the key (unknown field,
// duplicate key) or quote the value (wrong type), and several on one line
// are matched in document order. used holds the entries already matched.
func (t *tree) decodeError(file, msg string, used map[int]bool) *InputError {
	ie := &InputError{File: file, Msg: msg}
	g := yamlLineError.FindStringSubmatch(msg)
	if g == nil {
		return ie
	}
	ie.Line, _ = strconv.Atoi(g[1])
	col, _ := strconv.Atoi(g[2])
	ie.Msg = g[3]
	line := ie.Line
	twice := false
	var match func(e entry) bool
	if col > 0 {
		match = func(e entry) bool { return e.val.Line == line && e.val.Column == col }
	} else if f := notFoundField.FindStringSubmatch(ie.Msg); f != nil {
		ie.Msg = "unknown field " + strconv.Quote(f[1]) + " (the schema is strict; check its spelling)"
		match = func(e entry) bool { return e.key != nil && e.key.Line == line && e.key.Value == f[1] }
	} else if f := definedTwice.FindStringSubmatch(ie.Msg); f != nil {
		twice = true
		key, _ := strconv.Unquote(f[1])
		match = func(e entry) bool { return e.key != nil && e.key.Line == line && e.key.Value == key }
	} else if f := cannotDecodeAs.FindStringSubmatch(ie.Msg); f != nil {
		match = func(e entry) bool { return e.val.Line == line && valueIs(e.val, f[1], f[2]) }
	} else {
		return ie
	}
	for i, e := range t.entries {
		if !used[i] && match(e) {
			used[i] = true
			ie.Field = e.path
			switch {
			case twice:
				// yaml.v3 decodes none of a mapping with a key twice.
				ie.Field = parentPath(e.path)
			case col > 0:
				if m := overflowMsg(e.path, e.val.Value); m != "" {
					ie.Msg = m
				}
			}
			break
		}
	}
	return ie
}

// valueIs reports whether n is the value that yaml.v3 describes as tag and
// text in a type error; it shortens a text over 10 bytes to 7 and "...".
func valueIs(n *yaml.Node, tag, text string) bool {
	switch tag {
	case "seq":
		return n.Kind == yaml.SequenceNode
	case "map":
		return n.Kind == yaml.MappingNode
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!"+tag {
		return false
	}
	if short, ok := strings.CutSuffix(text, "..."); ok && len(n.Value) > 10 {
		return strings.HasPrefix(n.Value, short)
	}
	return n.Value == text
}

// fieldError is a problem that validation found in one field. deps are the
// other fields it was computed from: it is dropped if one of them has a
// problem of its own (one without deps), which is the one to report.
type fieldError struct {
	field string
	deps  []string
	msg   string
}

// report joins the decode errors and the validation problems of one input
// as InputErrors in line order, dropping the problems that a decode error
// explains (a field that did not decode is zero, or a shorter list) and
// those whose deps have problems of their own. lineOf is nil if the input
// has no lines.
func report(file string, lineOf func(string) int, decoded []*InputError, problems []fieldError) error {
	undecoded, bad := fieldSet{}, fieldSet{}
	for _, d := range decoded {
		undecoded.add(d.Field) // "" if unknown: then no problem is sure
		bad.add(d.Field)
	}
	for _, p := range problems {
		if len(p.deps) == 0 && p.field != "" { // a field's own problem, not one computed from others
			bad.add(p.field)
		}
	}
	out := slices.Clone(decoded)
	for _, p := range problems {
		if undecoded.holds(p.field) || slices.ContainsFunc(p.deps, bad.touches) {
			continue
		}
		ie := &InputError{File: file, Field: p.field, Msg: p.msg}
		if lineOf != nil {
			ie.Line = lineOf(p.field)
		}
		out = append(out, ie)
	}
	return joinSorted(out)
}

// fieldSet is a set of field paths compared without their list indexes:
// an element of a list stands for the whole list, whose other elements
// (after one failed to decode) are not where the file has them. It keeps
// each path's parents too, for touches.
type fieldSet struct{ paths, parents map[string]bool }

func (s *fieldSet) add(field string) {
	if s.paths == nil {
		s.paths, s.parents = map[string]bool{}, map[string]bool{}
	}
	p := unindexed(field)
	s.paths[p] = true
	for ; p != ""; p = parentPath(p) {
		s.parents[p] = true
	}
}

// holds reports whether field, or a field above it, is in the set; "" in
// the set (the whole input, or a field unknown) holds every field.
func (s *fieldSet) holds(field string) bool {
	for p := unindexed(field); ; p = parentPath(p) {
		if s.paths[p] {
			return true
		}
		if p == "" {
			return false
		}
	}
}

// touches reports whether field is in the set, above or below a field in it.
func (s *fieldSet) touches(field string) bool {
	return s.holds(field) || s.parents[unindexed(field)]
}

// maxShown is the most errors reported for one input: a file of a
// thousand bad list elements gets the first ones and a count of the rest.
const maxShown = 50

// joinSorted joins errs in line order (stable), or returns nil.
func joinSorted(errs []*InputError) error {
	if len(errs) == 0 {
		return nil
	}
	slices.SortStableFunc(errs, func(a, b *InputError) int { return a.Line - b.Line })
	if n := len(errs) - maxShown; n > 0 {
		errs = append(errs[:maxShown], &InputError{File: errs[0].File, Msg: fmt.Sprintf("and %d more errors", n)})
	}
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return errors.Join(out...)
}

// setDefaults fills in the fields that the file leaves out. A field it
// gives keeps its value, zero or empty included, for validation to judge.
func setDefaults(s *Spec, has func(string) bool) {
	def := func(field string, set func()) {
		if !has(field) {
			set()
		}
	}
	l := &s.Load
	def("load.model", func() { l.Model = loadgen.Closed })
	def("load.arrival", func() { l.Arrival = loadgen.Constant })
	def("load.clients", func() {
		l.Clients = 1
		if l.Model == loadgen.Closed {
			l.Clients = 8
		}
	})
	def("load.duration", func() { l.Duration.Duration = time.Second })
	def("work.kind", func() { s.Work.Kind = NoWork })
	def("work.dist", func() { s.Work.Dist = Fixed })
	def("work.sigma", func() { s.Work.Sigma = 1 })
	def("repeat", func() { s.Repeat = 3 })
	def("timeout", func() { s.Timeout.Duration = min(max(30*time.Second, trialNeed(*l)), MaxTimeout) })
}

// trialNeed is the least timeout of a trial: its warm-up, its window (twice
// it for an open loop, which may fall behind and stops issuing only then),
// the leak check's grace and a margin for process start and teardown. It
// saturates rather than overflow.
func trialNeed(l Load) time.Duration {
	windows := 1.0
	if l.Model == loadgen.Open {
		windows = 2
	}
	need := float64(l.Warmup.Duration) + windows*float64(l.Duration.Duration) + float64(LeakGrace+2*time.Second)
	if need >= float64(maxDuration) {
		return maxDuration
	}
	return time.Duration(need)
}

const maxDuration = time.Duration(1<<63 - 1)

// checker collects the problems of one spec.
type checker struct {
	has    func(string) bool // whether the input gives a field; nil: only values count
	bounds map[string]*bound
	errs   []fieldError
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
func validate(s *Spec, reg *targets.Registry, has func(string) bool) []fieldError {
	c := newChecker(has)
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
	c.headline(s)
	c.claims(s, pat)
	return c.errs
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
		again := repeated(values)
		for i, v := range values {
			if err := p.Check(v); err != nil {
				c.add(field, "%q: %v", v, err)
			} else if again[i] {
				c.add(field, "%q is listed twice: its trials would share one name", v)
			}
		}
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

func (c *checker) load(l Load) {
	switch l.Model {
	case loadgen.Open:
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
	case loadgen.Closed:
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

// checkSleeper checks one sleeper choice, reported as field: one of the
// choices, and precise only where the OS has it.
func checkSleeper(c *checker, field, v string) {
	switch v {
	case loadgen.SleepAuto, loadgen.SleepGoTimer:
	case loadgen.SleepPrecise:
		if !loadgen.PreciseAvailable() {
			c.add(field, "precise: %s has no precise sleeper (it needs clock_nanosleep with TIMER_ABSTIME: Linux); want auto or go-timer", runtime.GOOS)
		}
	default:
		c.add(field, "%q: want auto, precise or go-timer", v)
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
	inRange(c, "repeat", s.Repeat)
	need, how := trialNeed(s.Load), "duration"
	if s.Load.Model == loadgen.Open {
		how = "2 x duration"
	}
	switch t := s.Timeout.Duration; {
	case t > MaxTimeout:
		c.add("timeout", "%s: want at most %s", units.FormatDuration(t), units.FormatDuration(MaxTimeout))
	case t < need:
		c.addDep("timeout", []string{"load.model", "load.warmup", "load.duration"},
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

// claimUnits are the units a headline or a claim may name: the units of
// a scenario's result lines, and for a claim also trials-<status>.
func claimUnits(statuses bool) []string {
	var names []string
	for _, u := range units.Scenario() {
		names = append(names, u.Name)
	}
	if statuses {
		for _, st := range []string{record.StatusHung, record.StatusLeaked, record.StatusCrashed} {
			names = append(names, "trials-"+st)
		}
	}
	return names
}

// maxClaimText bounds a claim's text and why, which the report prints.
const maxClaimText = 400

func (c *checker) headline(s *Spec) {
	if len(s.Headline) == 0 && c.given("headline", false) {
		c.add("headline", "an empty list: leave headline out to name no winner")
	}
	known, again := claimUnits(false), repeated(s.Headline)
	for i, u := range s.Headline {
		field := fmt.Sprintf("headline[%d]", i)
		switch {
		case !slices.Contains(known, u):
			c.add(field, "%q is not a unit of scenario results; have %s", u, strings.Join(known, ", "))
		case again[i]:
			c.add(field, "%q is listed twice", u)
		}
	}
}

func (c *checker) claims(s *Spec, pat *targets.Pattern) {
	if len(s.Claims) == 0 && c.given("claims", false) {
		c.add("claims", "an empty list: leave claims out if the scenario answers none")
	}
	known := claimUnits(true)
	for i, cl := range s.Claims {
		field := func(f string) string { return fmt.Sprintf("claims[%d].%s", i, f) }
		if cl.Guide < 0 || cl.Guide > GuideClaims {
			c.add(field("guide"), "%d: want 1 to %d, the guide's claim, or 0 (or none) for a claim of your own", cl.Guide, GuideClaims)
		}
		switch {
		case strings.TrimSpace(cl.Text) == "":
			c.add(field("text"), "missing: a claim needs its text")
		case len(cl.Text) > maxClaimText || strings.ContainsAny(cl.Text, "\n\r"):
			c.add(field("text"), "want one line of at most %d bytes", maxClaimText)
		}
		if cl.Why != "" {
			if len(cl.Why) > maxClaimText || strings.ContainsAny(cl.Why, "\n\r") {
				c.add(field("why"), "want one line of at most %d bytes", maxClaimText)
			}
			for _, f := range []struct{ name, value string }{{"unit", cl.Unit}, {"follows", cl.Follows}, {"ignores", cl.Ignores}, {"better", cl.Better}} {
				if f.value != "" {
					c.add(field(f.name), "%q: a claim that gives why (it cannot be isolated) names no %s", f.value, f.name)
				}
			}
			continue
		}
		if cl.Unit == "" {
			c.add(field("unit"), "missing: want one of %s (or why, if the scenario cannot isolate the claim)", strings.Join(known, ", "))
		} else if !slices.Contains(known, cl.Unit) {
			c.add(field("unit"), "%q: want one of %s", cl.Unit, strings.Join(known, ", "))
		}
		if cl.Better != "" && cl.Better != "higher" && cl.Better != "lower" {
			c.add(field("better"), "%q: want higher or lower (or none, for the unit's own direction)", cl.Better)
		}
		if pat == nil {
			continue
		}
		runs := s.Impls
		if len(runs) == 0 {
			runs = pat.DefaultImpls()
		}
		for _, f := range []struct{ name, impl string }{{"follows", cl.Follows}, {"ignores", cl.Ignores}} {
			switch {
			case f.impl == "":
				c.add(field(f.name), "missing: want an implementation the scenario runs: %s", strings.Join(runs, ", "))
			case !slices.Contains(runs, f.impl):
				c.add(field(f.name), "%q is not an implementation the scenario runs: %s", f.impl, strings.Join(runs, ", "))
			}
		}
		if cl.Follows != "" && cl.Follows == cl.Ignores {
			c.add(field("ignores"), "%q: the same implementation as follows", cl.Ignores)
		}
	}
}
