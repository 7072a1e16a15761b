package gobench

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Pattern is a -bench pattern, matched as go test matches it: split at
// each '|' and '/' outside brackets and parentheses into alternatives of
// parts, each part a regexp matched, unanchored, against the name's part
// at the same depth (the parts of "BenchmarkX/impl=a/workers=1" are
// "BenchmarkX", "impl=a" and "workers=1").
type Pattern struct {
	text string
	alts [][]*regexp.Regexp
}

// ParsePattern parses a -bench pattern; a part that is not a regexp is an
// error naming it. White space in a part stands for '_', as go test
// rewrites it (names hold none).
func ParsePattern(s string) (*Pattern, error) {
	p := &Pattern{text: s}
	for i, alt := range split(s) {
		var parts []*regexp.Regexp
		for j, part := range alt {
			re, err := regexp.Compile(rewrite(part))
			if err != nil {
				return nil, fmt.Errorf("alternative %d, part %d (%q): %w", i, j, part, err)
			}
			parts = append(parts, re)
		}
		p.alts = append(p.alts, parts)
	}
	return p, nil
}

// String returns the pattern as given.
func (p *Pattern) String() string { return p.text }

// Match reports whether go test, given the pattern, runs and reports the
// leaf benchmark of full name name (without a -N suffix): some
// alternative has no more parts than the name, and each of its parts
// matches the name's part at its depth. (An alternative with more parts
// than the name selects benchmarks below it, which a leaf has none of.)
// The empty pattern selects nothing, as go test runs no benchmark then.
func (p *Pattern) Match(name string) bool {
	if p.text == "" {
		return false
	}
	elems := strings.Split(name, "/")
	for _, alt := range p.alts {
		if len(alt) <= len(elems) && matchAll(alt, elems) {
			return true
		}
	}
	return false
}

func matchAll(parts []*regexp.Regexp, elems []string) bool {
	for i, re := range parts {
		if !re.MatchString(elems[i]) {
			return false
		}
	}
	return true
}

// split is testing's splitRegexp: alternatives at each top-level '|',
// parts at each top-level '/', where top level is outside [...] and (...)
// and a backslash escapes the next byte.
func split(s string) [][]string {
	var alts [][]string
	var parts []string
	brackets, parens := 0, 0
	for i := 0; i < len(s); {
		switch s[i] {
		case '[':
			brackets++
		case ']':
			brackets = max(brackets-1, 0) // an unmatched ']' is legal
		case '(':
			if brackets == 0 {
				parens++
			}
		case ')':
			if brackets == 0 {
				parens--
			}
		case '\\':
			i++
		case '/', '|':
			if brackets == 0 && parens == 0 {
				parts = append(parts, s[:i])
				if s[i] == '|' {
					alts = append(alts, parts)
					parts = nil
				}
				s = s[i+1:]
				i = 0
				continue
			}
		}
		i++
	}
	return append(alts, append(parts, s))
}

// rewrite is testing's rewrite of a name part: white space becomes '_',
// a character that does not print its quoted form.
func rewrite(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case isSpace(r):
			b.WriteByte('_')
		case !strconv.IsPrint(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isSpace is testing's isSpace: not quite unicode.IsSpace.
func isSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}
