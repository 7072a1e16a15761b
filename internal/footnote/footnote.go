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
			i := slices.Index(*list, e.Error())
			if i < 0 {
				*list = append(*list, e.Error())
				i = len(*list) - 1
			}
			marks = append(marks, Superscript(i+1))
		}
	}
	return marks
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
