package scenarios

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

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
