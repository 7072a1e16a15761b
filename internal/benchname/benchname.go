// Package benchname builds the key=value benchmark names that every result
// file of concbench uses, in one place, so that `benchstat -col /impl` and
// the report can split them.
package benchname

import (
	"fmt"
	"strings"
)

// Part is one key=value part of a benchmark name.
type Part struct{ Key, Value string }

// P returns a Part; value is formatted with %v.
func P(key string, value any) Part { return Part{key, fmt.Sprint(value)} }

// Join returns the parts as "k1=v1/k2=v2". It panics if a key or value is
// empty or holds '/', '=' or white space: such a name would split wrongly,
// and every caller builds names from fixed keys and validated values.
func Join(parts ...Part) string {
	var b strings.Builder
	for i, p := range parts {
		mustBeClean(p.Key)
		mustBeClean(p.Value)
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(p.Key)
		b.WriteByte('=')
		b.WriteString(p.Value)
	}
	return b.String()
}

// Valid reports whether s can be a key or a value.
func Valid(s string) bool {
	return s != "" && !strings.ContainsAny(s, "/= \t\n\r")
}

func mustBeClean(s string) {
	if !Valid(s) {
		panic(fmt.Sprintf("benchname: %q cannot be part of a benchmark name", s))
	}
}

// Word reports whether s is a name of lower-case letters, digits and
// dashes: the rule for scenario, implementation and function names, which
// become parts of benchmark names, flags and report anchors.
func Word(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
