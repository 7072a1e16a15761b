package report

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/concbench/concbench/internal/footnote"
)

// TestClockDominatedTimesAreMarked: a go test file that records a clock
// read of 50 ns gets the sentence that states it, and its 30 ns/op row,
// within four clock reads, is footnoted; its 900 ns/op row is not.
func TestClockDominatedTimesAreMarked(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "b.txt")
	var b strings.Builder
	b.WriteString("goos: linux\npkg: x\n")
	for range 6 {
		b.WriteString("BenchmarkB/impl=fast 1000 30 ns/op\nBenchmarkB/impl=slow 1000 900 ns/op\n")
	}
	b.WriteString("PASS\nclock-ns: 50.0\n")
	if err := os.WriteFile(in, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ds, err := readFiles([]string{in})
	if err != nil {
		t.Fatal(err)
	}
	pg, err := buildPage(ds, &chartWriter{dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(pg.Clock, "50 ns") {
		t.Errorf("page clock note %q, want the 50 ns cost stated", pg.Clock)
	}
	marked := map[string]bool{}
	for _, s := range pg.Sections {
		for _, g := range s.Groups {
			for _, tb := range g.Tables {
				for _, r := range tb.Rows {
					for _, f := range tb.Footnotes {
						if strings.Contains(f, "clock may dominate") && strings.Contains(r.Marks, footnote.Superscript(slices.Index(tb.Footnotes, f)+1)) {
							marked[r.Impl] = true
						}
					}
				}
			}
		}
	}
	if !marked["fast"] || marked["slow"] {
		t.Errorf("marked rows %v, want fast only", marked)
	}
}
