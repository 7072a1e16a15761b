package report

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestPageGolden holds the whole page of a fixed set of files (writeRun's
// run beside testdata/old.txt, charts inline) against
// testdata/page.golden: the templates, the formatting and the charts'
// SVG. Run with -update after a change to the page that is meant, and
// read the diff.
func TestPageGolden(t *testing.T) {
	dir := t.TempDir()
	in := writeRun(t, dir)
	htmlPath, err := Generate(context.Background(), filepath.Join(dir, "rep"), []string{in, "testdata/old.txt"}, Options{Inline: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(htmlPath)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.ReplaceAll(string(b), dir, "DIR")
	const golden = "testdata/page.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("page differs from %s at line %d (run with -update if the change is meant):\ngot  %.300s\nwant %.300s", golden, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("page differs from %s: %d lines, want %d (run with -update if the change is meant)", golden, len(gl), len(wl))
	}
	if strings.Count(got, "<img ") != 0 {
		t.Error("an inline page shows a chart as a PNG")
	}
}
