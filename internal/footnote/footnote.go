// Package footnote numbers the warnings of a table as benchstat does:
// each distinct message once, in order of first use, marked by its
// number in superscript digits (¹, ², ... ¹⁰). The report's tables and
// compare's share it, so both number and mark their notes alike. It
// imports nothing of the project.
package footnote

import (
	"slices"
	"strconv"
	"strings"
)

// Marks returns the marks of errs, in order, adding to list each message
// it does not hold yet; list is the table's footnotes, numbered from 1.
func Marks(list *[]string, errs ...[]error) []string {
	var marks []string
	for _, es := range errs {
		for _, e := range es {
			marks = append(marks, Superscript(Index(list, e.Error())+1))
		}
	}
	return marks
}

// Index returns the index (from 0) of note in list, adding it at the end
// if list does not hold it yet.
func Index(list *[]string, note string) int {
	i := slices.Index(*list, note)
	if i < 0 {
		*list = append(*list, note)
		i = len(*list) - 1
	}
	return i
}

const superDigits = "⁰¹²³⁴⁵⁶⁷⁸⁹"

// Superscript writes i (0 or more) in superscript digits: the mark of
// footnote i.
func Superscript(i int) string {
	digits := []rune(superDigits)
	var b strings.Builder
	for _, c := range strconv.Itoa(i) {
		b.WriteRune(digits[c-'0'])
	}
	return b.String()
}
