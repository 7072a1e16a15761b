package report

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/perf/benchmath"
	"gonum.org/v1/plot/plotter"
)

func TestFacetsCapSeriesPerPanel(t *testing.T) {
	tests := []struct {
		giveN      int
		wantPanels int
	}{{1, 1}, {8, 1}, {9, 2}, {10, 2}, {15, 2}, {16, 3}, {40, 6}}
	for _, tt := range tests {
		var impls []string
		for i := range tt.giveN {
			impls = append(impls, fmt.Sprintf("i%d", i))
		}
		fs := facets(impls)
		if len(fs) != tt.wantPanels {
			t.Errorf("%d implementations: %d panels, want %d", tt.giveN, len(fs), tt.wantPanels)
		}
		seen := map[string]bool{}
		for _, f := range fs {
			if len(f) > maxSeries {
				t.Errorf("%d implementations: a panel of %d series, want at most %d", tt.giveN, len(f), maxSeries)
			}
			if f[0] != impls[0] {
				t.Errorf("%d implementations: a panel starts with %s, not the baseline", tt.giveN, f[0])
			}
			for _, s := range f {
				seen[s] = true
			}
		}
		if len(seen) != tt.giveN {
			t.Errorf("%d implementations: panels show %d", tt.giveN, len(seen))
		}
	}
}

// TestBarAxisCoversEveryCI checks that the value axis reaches the top
// of every CI, the widest not on the highest bar, vertical or horizontal.
func TestBarAxisCoversEveryCI(t *testing.T) {
	for _, n := range []int{3, 12} {
		tb := &statTable{Unit: "ops/s"}
		for i := range n {
			s, ci := benchmath.Summary{Center: 100}, interval{90, 110, confidence}
			if i == 1 {
				s, ci = benchmath.Summary{Center: 50}, interval{10, 400, confidence}
			}
			tb.Rows = append(tb.Rows, &statRow{Impl: fmt.Sprintf("impl%d", i), Summary: s, CI: ci})
		}
		p, _, err := barPlot(tb, "t")
		if err != nil {
			t.Fatal(err)
		}
		v := p.Y
		if n > 8 {
			v = p.X // horizontal bars
		}
		if v.Max < 400 || v.Min > 0 {
			t.Errorf("%d bars: value axis [%g, %g] does not cover [0, 400]", n, v.Min, v.Max)
		}
	}
}

func TestSVGEscapesNamesAndNumbersIDs(t *testing.T) {
	cw := &chartWriter{dir: t.TempDir()}
	name := `<script>alert("x")</script>&co`
	var svgs []string
	for range 2 {
		pn := newPanel("title "+name, "x", "y")
		k := pn.keyFor(name, seriesStyle(0), 0, true)
		if err := pn.line(k, name, []plotter.XYs{{{X: 1, Y: 1}, {X: 2, Y: 3}}, {{X: 3, Y: 2}}}, seriesStyle(0), 0); err != nil {
			t.Fatal(err)
		}
		c, err := cw.saveFigure([]*panel{pn}, chartH, "n", "t", "a", true)
		if err != nil {
			t.Fatal(err)
		}
		svgs = append(svgs, string(c.SVG))
	}
	for _, s := range svgs {
		if strings.Contains(s, name) || strings.Contains(s, `alert("x")`) {
			t.Errorf("a name from the input is not escaped in %.200s…", s)
		}
		if !strings.Contains(s, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;co") {
			t.Error("the escaped name is missing")
		}
	}
	if strings.Contains(svgs[0]+svgs[1], "<script") || !cw.interactive {
		t.Errorf("a view carries a script, or the page is not told it needs one (interactive %v)", cw.interactive)
	}
	var page strings.Builder
	if err := renderPage(&page, &model{}, &figures{interactive: cw.interactive}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(page.String(), "<script>"); n != 1 {
		t.Errorf("%d scripts on the page, want 1", n)
	}
	ids := regexp.MustCompile(` id="([^"]+)"`)
	seen := map[string]bool{}
	for _, m := range ids.FindAllStringSubmatch(svgs[0]+svgs[1], -1) {
		if seen[m[1]] {
			t.Errorf("id %q twice", m[1])
		}
		seen[m[1]] = true
	}
	if len(seen) < 4 {
		t.Errorf("ids %v, want a figure, panel and clip path per chart", seen)
	}
}

func TestGoTestChartsOnlyWhereTheyInform(t *testing.T) {
	var b strings.Builder
	// One row: no chart. Two rows with B/op and allocs/op: three charts,
	// allocs/op all zero: none for it. 20 rows: the table only, said so.
	b.WriteString("BenchmarkOne/impl=a-2 10 5 ns/op 8 B/op 1 allocs/op\n")
	for _, impl := range []string{"a", "b"} {
		fmt.Fprintf(&b, "BenchmarkTwo/impl=%s-2 10 5 ns/op 16 B/op 0 allocs/op\n", impl)
	}
	for i := range 20 {
		fmt.Fprintf(&b, "BenchmarkMany/impl=x%d-2 10 %d ns/op\n", i, 5+i)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "r.txt")
	if err := os.WriteFile(in, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	htmlPath, err := Generate(context.Background(), filepath.Join(dir, "rep"), []string{in}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(htmlPath)
	if err != nil {
		t.Fatal(err)
	}
	pngs, _ := filepath.Glob(filepath.Join(dir, "rep", "*.png"))
	var got []string
	for _, p := range pngs {
		got = append(got, filepath.Base(p))
	}
	want := []string{"001-two-procs-2-ns-op.png", "002-two-procs-2-b-op.png"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("charts %v, want %v", got, want)
	}
	if !strings.Contains(string(page), "Many ns/op: procs=2: skipped, 20 rows are more bars than a chart shows legibly") {
		t.Error("the 20-row group's missing chart is not explained")
	}
}
