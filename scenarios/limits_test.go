package scenarios

import (
	"os"
	"strings"
	"testing"

	"github.com/concbench/concbench/targets"
)

// Every parameter's default is in its range, and its Doc says the range.
func TestParamDefaultsInRange(t *testing.T) {
	for _, p := range targets.Builtin().Patterns() {
		for _, q := range p.Params {
			if err := q.Check(q.Default); err != nil {
				t.Errorf("%s %s: default %q: %v", p.Name, q.Name, q.Default, err)
			}
			if !strings.Contains(q.Doc, "; ") {
				t.Errorf("%s %s: doc %q does not end with its range", p.Name, q.Name, q.Doc)
			}
		}
	}
}

// Each parameter's bounds: just inside is accepted, just outside refused.
func TestParamRanges(t *testing.T) {
	tests := []struct {
		pattern, param string
		giveOK         []string
		giveBad        []string
	}{
		{"workerpool", "workers", []string{"1", "4096"}, []string{"0", "4097", "1e9", "-1", "", "x"}},
		{"workerpool", "queue", []string{"default", "0", "4096"}, []string{"-1", "4097", "", "none", "x"}},
		{"fanout", "workers", []string{"1", "4096"}, []string{"0", "4097"}},
		{"fanout", "items", []string{"1", "1000000"}, []string{"0", "1000001"}},
		{"pipeline", "stages", []string{"1", "64"}, []string{"0", "65"}},
		{"pipeline", "workers", []string{"1", "1024"}, []string{"0", "1025"}},
		{"pipeline", "items", []string{"1", "1000000"}, []string{"0", "1000001"}},
		{"pipeline", "ordered", []string{"true", "false"}, []string{"yes", ""}},
		{"pipeline", "deadline", []string{"none", "1ns", "1h"}, []string{"0s", "1h0m0.000000001s", "-1s", "10000000h", "never"}},
		{"breaker", "failures", []string{"1", "1000000"}, []string{"0", "1000001"}},
		{"breaker", "probes", []string{"1", "1000000"}, []string{"0", "1000001"}},
		{"breaker", "open", []string{"1ns", "1h"}, []string{"0s", "61m"}},
		{"breaker", "calltimeout", []string{"1ns", "1h"}, []string{"0s", "61m"}},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+"/"+tt.param, func(t *testing.T) {
			pat := targets.Builtin().MustLookup(tt.pattern)
			p, ok := pat.Param(tt.param)
			if !ok {
				t.Fatalf("no parameter %s", tt.param)
			}
			for _, v := range tt.giveOK {
				if err := p.Check(v); err != nil {
					t.Errorf("%q refused: %v", v, err)
				}
			}
			for _, v := range tt.giveBad {
				if err := p.Check(v); err == nil {
					t.Errorf("%q accepted", v)
				}
			}
		})
	}
}

// The package doc and the README quote the limits table as the code has it.
func TestLimitsTableIsQuoted(t *testing.T) {
	table := limitsTable()
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var quoted strings.Builder
	for line := range strings.SplitSeq(string(doc), "\n") {
		if rest, ok := strings.CutPrefix(line, "//\t"); ok {
			quoted.WriteString(rest + "\n")
		}
	}
	if !strings.Contains(quoted.String(), table) {
		t.Errorf("doc.go does not quote the limits table; paste this as a code block:\n%s", table)
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```text\n"+table+"```\n") {
		t.Errorf("README.md does not quote the limits table; paste this in a text block:\n%s", table)
	}
}

// Every bound in the table is one that validation checks.
func TestLimitsRows(t *testing.T) {
	for _, l := range Limits() {
		if l.Field == "" || l.Range == "" || l.Reason == "" {
			t.Errorf("incomplete row %+v", l)
		}
	}
	for field, b := range bounds() {
		if !b.contains(b.max) || b.contains(b.max*1.0000001+1) {
			t.Errorf("%s: bound %s does not end at its max", field, b)
		}
	}
}
