package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/concbench/concbench/targets"
)

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
	if err := report(file, t.lineOf, decoded, validate(&s, reg, t.has, false)); err != nil {
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
