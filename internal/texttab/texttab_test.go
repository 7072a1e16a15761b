package texttab

import (
	"strings"
	"testing"
)

// formatTests are tables and how Format lays them out, as benchstat
// lays out the same cells (TestCompareAgreesWithBenchstat in compare
// holds whole tables to benchstat's bytes).
var formatTests = []struct {
	name string
	give Table
	want string
}{
	{
		name: "two columns, a missing cell, marks and a summary row",
		give: Table{Unit: "sec/op", Cols: 2, Header: Labels("old.txt", "new.txt"), Rows: []Row{
			{Label: "Pool/workers=1", Cells: []Cell{
				{Center: "271.3n", Range: "4%"},
				{Center: "220.5n", Range: "3%", Delta: "-18.73%", Test: "(p=0.002 n=6)"}}},
			{Label: "Pool/workers=16", Cells: []Cell{
				{Center: "1.190µ", Range: "13%", Marks: "¹"},
				{}}},
			{Label: "geomean", Cells: []Cell{
				{Center: "568.2n"},
				{Center: "220.5n", Delta: "?", LeftDelta: true, TestMarks: "²"}}},
		}},
		want: `
                │    old.txt     │               new.txt                │
                │     sec/op     │   sec/op     vs base                 │
Pool/workers=1    271.3n ±  4%     220.5n ± 3%  -18.73% (p=0.002 n=6)
Pool/workers=16   1.190µ ± 13% ¹
geomean           568.2n           220.5n       ?                     ²
`,
	},
	{
		name: "a label wider than its column",
		give: Table{Unit: "B/op", Cols: 2, Header: Labels("a", "a-very-long-label-for-the-new-file"), Rows: []Row{
			{Label: "X", Cells: []Cell{
				{Center: "512.0", Range: "0%"},
				{Center: "480.0", Range: "0%", Delta: "-6.25%", Test: "(p=0.002 n=6)"}}},
		}},
		want: `
  │     a      │ a-very-long-label-for-the-new-file │
  │    B/op    │     B/op      vs base              │
X   512.0 ± 0%     480.0 ± 0%  -6.25% (p=0.002 n=6)
`,
	},
	{
		// benchstat's alignment in every column: the ± signs in a
		// line, the ranges right after them, the tests left.
		name: "ranges and tests of different widths",
		give: Table{Unit: "sec/op", Cols: 2, Header: Labels("old", "new"), Rows: []Row{
			{Label: "a", Cells: []Cell{
				{Center: "4.000k", Range: "∞", Marks: "¹"},
				{Center: "4.000k", Range: "∞", Marks: "¹", Delta: "~", Test: "(p=1.000 n=3)", TestMarks: "²"}}},
			{Label: "b", Cells: []Cell{
				{Center: "1.875k", Range: "12%"},
				{Center: "1.875k", Range: "12%", Delta: "+10.00%", Test: "(p=0.002 n=6+12)"}}},
		}},
		want: `
  │      old       │                    new                     │
  │     sec/op     │     sec/op      vs base                    │
a   4.000k ±   ∞ ¹   4.000k ±   ∞ ¹        ~ (p=1.000 n=3)    ²
b   1.875k ± 12%     1.875k ± 12%    +10.00% (p=0.002 n=6+12)
`,
	},
	{
		// A column compared with no row of the first: the geomean
		// row's "?" and marks are narrower than "vs base", which
		// runs past them, and the closing rule is padded by as
		// much again, as benchstat pads it.
		name: "vs base wider than the change under it",
		give: Table{Unit: "B/op", Cols: 2, Header: Labels("old", "new"), Rows: []Row{
			{Label: "a", Cells: []Cell{{Center: "1.000k", Range: "2%"}}},
			{Label: "b", Cells: []Cell{{}, {Center: "2.000k", Range: "3%"}}},
			{Label: "geomean", Cells: []Cell{
				{Center: "1.000k"},
				{Center: "2.000k", Delta: "?", LeftDelta: true, TestMarks: "¹ ²"}}},
		}},
		want: `
        │     old     │        new         │
        │    B/op     │    B/op      vs base   │
a         1.000k ± 2%
b                       2.000k ± 3%
geomean   1.000k        2.000k       ? ¹ ²
`,
	},
	{
		name: "labels over several columns",
		give: Table{Unit: "sec/op", Cols: 3, Header: [][]Label{
			{{Text: "workers=1", Cols: 2}, {Text: "workers=4", Cols: 1}},
			{{Text: "a", Cols: 1}, {Text: "b", Cols: 1}, {Text: "a", Cols: 1}},
		}, Rows: []Row{
			{Label: "X", Cells: []Cell{
				{Center: "1.000µ", Range: "1%"},
				{Center: "2.000µ", Range: "2%", Delta: "+100.00%", Test: "(p=0.002 n=6)"},
				{Center: "3.000µ", Range: "3%", Delta: "+200.00%", Test: "(p=0.002 n=6)"}}},
		}},
		want: `
  │                     workers=1                     │              workers=4              │
  │      a      │                  b                  │                  a                  │
  │   sec/op    │   sec/op     vs base                │   sec/op     vs base                │
X   1.000µ ± 1%   2.000µ ± 2%  +100.00% (p=0.002 n=6)   3.000µ ± 3%  +200.00% (p=0.002 n=6)
`,
	},
	{
		name: "one column",
		give: Table{Unit: "ops/s", Cols: 1, Header: Labels("channels"), Rows: []Row{
			{Label: "workers=4", Cells: []Cell{{Center: "2.001k", Range: "∞", Marks: "¹"}}},
		}},
		want: `
          │   channels   │
          │    ops/s     │
workers=4   2.001k ± ∞ ¹
`,
	},
}

func TestFormat(t *testing.T) {
	for _, tt := range formatTests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := tt.give.Format(&b); err != nil {
				t.Fatal(err)
			}
			if want := strings.TrimPrefix(tt.want, "\n"); b.String() != want {
				t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
			}
		})
	}
}

func TestWidth(t *testing.T) {
	for s, want := range map[string]int{"": 0, "1.190µ": 6, "± 3%": 4, "¹²": 2, "│": 1} {
		if got := Width(s); got != want {
			t.Errorf("Width(%q) = %d, want %d", s, got, want)
		}
	}
}
