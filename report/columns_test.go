package report

import (
	"html"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
)

// fileValues reads path with benchfmt alone and returns its ns/op values
// by full name: the expectation, computed apart from the report.
func fileValues(t *testing.T, path string) map[string][]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]float64{}
	r := benchfmt.NewReader(f, path)
	for r.Scan() {
		if res, ok := r.Result().(*benchfmt.Result); ok {
			for _, v := range res.Values {
				if v.OrigUnit == "ns/op" {
					out[res.Name.String()] = append(out[res.Name.String()], v.OrigValue)
				}
			}
		}
	}
	return out
}

// TestReportShowsFilesSideBySide: two files of the same go test
// benchmarks are two columns (n=6 each, each file's own median), never
// one pooled sample of n=12; the rows that charts and verdicts read are
// the last file's.
func TestReportShowsFilesSideBySide(t *testing.T) {
	files := []string{"testdata/old.txt", "testdata/new.txt"}
	ds, err := readFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	pg := buildModel(ds)
	want := []map[string][]float64{fileValues(t, files[0]), fileValues(t, files[1])}
	th := benchmath.DefaultThresholds
	tables := 0
	for _, s := range pg.Sections {
		for _, g := range s.Groups {
			if !slices.Equal(g.Files, files) {
				t.Errorf("%s %s: columns %v, want %v", s.Title, g.Key, g.Files, files)
			}
			tb := g.table("ns/op")
			if tb == nil {
				t.Errorf("%s %s: no ns/op table", s.Title, g.Key)
				continue
			}
			tables++
			if len(tb.Columns) != 2 {
				t.Fatalf("%s %s: %d columns, want 2", s.Title, g.Key, len(tb.Columns))
			}
			for i, c := range tb.Columns {
				for _, r := range c.Rows {
					full := fullName(g, r.Impl, want[i])
					vs := want[i][full]
					if r.N != len(vs) {
						t.Errorf("%s in %s: n=%d, want %d (the file's own runs)", full, c.File, r.N, len(vs))
					}
					if c := benchmath.AssumeNothing.Summary(benchmath.NewSample(vs, &th), confidence).Center; r.Summary.Center != c {
						t.Errorf("%s in %s: median %v, want the file's own %v", full, files[i], r.Summary.Center, c)
					}
				}
			}
			if !slices.Equal(tb.Rows, tb.Columns[1].Rows) {
				t.Errorf("%s %s: Rows are not the last column's", s.Title, g.Key)
			}
			for _, gr := range tb.Grid {
				if gr.Cells[1] != nil && gr.Cells[0] != nil && gr.Cells[1].VsFirst == nil {
					t.Errorf("%s %s %s: no change against the first file", s.Title, g.Key, gr.Impl)
				}
			}
		}
	}
	if tables == 0 {
		t.Fatal("no tables")
	}
	var b strings.Builder
	if err := renderPage(&b, pg, &figures{}); err != nil {
		t.Fatal(err)
	}
	page := html.UnescapeString(b.String())
	for _, want := range []string{"<th colspan=\"3\">testdata/old.txt</th><th colspan=\"5\">testdata/new.txt</th>", "vs first file", "n=6+6"} {
		if !strings.Contains(page, want) {
			t.Errorf("report page lacks %q", want)
		}
	}
}

// fullName finds the benchmark name of impl in group g among names.
func fullName(g *group, impl string, names map[string][]float64) string {
	for n := range names {
		p := parseName(strings.TrimPrefix(n, "Benchmark"))
		if p.Impl == impl && p.tableKey() == g.Key {
			return n
		}
	}
	return ""
}

// TestReportColumnsOnlyWhereRowsRepeat: scenario results of one run
// split over two files by cell stay one column per group; the same
// scenario results in two files are two columns, and the trials the
// charts draw are the last file's only.
func TestReportColumnsOnlyWhereRowsRepeat(t *testing.T) {
	dir := t.TempDir()
	run := writeRun(t, dir) // results.txt and its sidecar
	text, err := os.ReadFile(run)
	if err != nil {
		t.Fatal(err)
	}
	// Split by cell: the harness scenario in one file, workerpool in
	// the other.
	var harness, pool []string
	for line := range strings.SplitSeq(string(text), "\n") {
		switch {
		case strings.Contains(line, "scenario=harness-overhead"):
			harness = append(harness, line)
		case strings.HasPrefix(line, "Benchmark"):
			pool = append(pool, line)
		default:
			harness, pool = append(harness, line), append(pool, line)
		}
	}
	shardA := filepath.Join(dir, "a.txt")
	shardB := filepath.Join(dir, "b.txt")
	for p, lines := range map[string][]string{shardA: harness, shardB: pool} {
		if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	again := filepath.Join(dir, "again.txt")
	if err := os.WriteFile(again, text, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		giveFiles []string
		wantCols  []string
	}{
		{"shards of one run", []string{shardA, shardB}, nil},
		{"two runs", []string{run, again}, []string{run, again}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := readFiles(tt.giveFiles)
			if err != nil {
				t.Fatal(err)
			}
			pg := buildModel(ds)
			groups := 0
			for _, s := range pg.Sections {
				for _, g := range s.Groups {
					if len(g.results) == 0 {
						continue
					}
					groups++
					if !slices.Equal(g.Files, tt.wantCols) {
						t.Errorf("%s %s: columns %v, want %v", s.Title, g.Key, g.Files, tt.wantCols)
					}
					for _, tb := range g.Tables {
						if (tb.Columns != nil) != (tt.wantCols != nil) {
							t.Errorf("%s %s %s: %d columns", s.Title, g.Key, tb.Unit, len(tb.Columns))
						}
					}
					if tt.wantCols == nil {
						continue
					}
					for impl, of := range g.trialOf {
						for _, f := range of {
							if f != tt.wantCols[len(tt.wantCols)-1] {
								t.Errorf("%s %s %s: charts get a trial of %s, want the last file's only", s.Title, g.Key, impl, f)
							}
						}
					}
				}
			}
			if groups < 2 {
				t.Errorf("only %d groups with results", groups)
			}
		})
	}
}
