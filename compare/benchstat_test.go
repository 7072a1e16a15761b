package compare

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// These tests hold Files to `go tool benchstat`: benchstat is built
// from the module cache (golang.org/x/perf is a requirement of this
// module), both are run on the same files with the same flags, and
// benchstat's csv and its text (its default format) must equal Files'
// csv and text byte for byte (tables, their configuration headers, rows,
// columns, centers, ± ranges, deltas and p-values, and in the text every
// space of the layout), with the same warnings; the json must carry the
// same cells in the same tables, rows and columns. No number and no
// layout is written here: benchstat computes every expected byte. Where
// compare means to differ (it skips lines with a value that is not
// finite, lists skipped lines after its text tables, and says when there
// is nothing to show) the tests say so and compare the rest.

// buildBenchstat builds benchstat into a temporary directory. It fails
// the test, naming the reason, if it cannot: a comparison that was not
// made must not pass.
func buildBenchstat(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("cannot build benchstat to compare with: the go command is not on PATH: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "benchstat")
	cmd := exec.Command(goBin, "build", "-o", bin, "golang.org/x/perf/cmd/benchstat")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cannot build benchstat to compare with (go build golang.org/x/perf/cmd/benchstat): %v\n%s", err, out)
	}
	return bin
}

// noise is a deterministic spread of ±3% for run i of a benchmark.
func noise(i int) float64 { return 1 + 0.03*math.Sin(float64(i*7+3)) }

// writeFile writes text to dir/name and returns the path.
func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// goTestFile writes go test output: per package, runs of each benchmark
// (name → ns/op), with B/op and allocs/op.
func goTestFile(t *testing.T, dir, name string, runs int, pkgs []string, ns func(pkg, bench string, run int) float64, benches []string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("goos: linux\ngoarch: amd64\n")
	for _, pkg := range pkgs {
		fmt.Fprintf(&b, "pkg: %s\ncpu: Test CPU\n", pkg)
		for r := range runs {
			for _, bench := range benches {
				v := ns(pkg, bench, r)
				fmt.Fprintf(&b, "Benchmark%s-4\t1000\t%.1f ns/op\t%d B/op\t%d allocs/op\n", bench, v, int(v/10), int(v/100))
			}
		}
	}
	return writeFile(t, dir, name, b.String())
}

// benchstatCase is one comparison: flags and files.
type benchstatCase struct {
	name  string
	flags []string
	files []string
}

func TestCompareAgreesWithBenchstat(t *testing.T) {
	benchstat := buildBenchstat(t)
	for _, tt := range benchstatCases(t, t.TempDir()) {
		t.Run(tt.name, func(t *testing.T) { checkAgainstBenchstat(t, benchstat, tt) })
	}
}

// benchstatCases writes the fixtures into dir and returns the
// comparisons to make of them: benchstat's default grouping, labels,
// filters, projections, the same file twice, two scenario runs, columns
// by two keys, missing cells, lines compare skips, and a row whose
// values span nine orders of magnitude.
func benchstatCases(t *testing.T, dir string) []benchstatCase {
	t.Helper()
	twoPkgOld, twoPkgNew := twoPackageFiles(t, dir)
	oldAB, newAB := oldNewFiles(t, dir)
	scenOld, scenNew := scenarioRuns(t, dir)
	ragged, wide := raggedFile(t, dir), wideFile(t, dir)
	return []benchstatCase{
		{"two packages, one file", nil, []string{twoPkgOld}},
		{"two packages, two files", nil, []string{twoPkgOld, twoPkgNew}},
		{"old and new", nil, []string{oldAB, newAB}},
		{"labels", nil, []string{"base=" + oldAB, "head=" + newAB}},
		{"the same file twice", nil, []string{oldAB, oldAB}},
		{"filter by name key", []string{"-filter", "/impl:channels"}, []string{oldAB, newAB}},
		{"filter by unit", []string{"-filter", ".unit:(sec/op OR B/op)"}, []string{oldAB, newAB}},
		{"filter by regexp and negation", []string{"-filter", "-/workers:/^4$/ pkg:example.com/pool"}, []string{oldAB, newAB}},
		{"implementations as columns", []string{"-row", ".name", "-col", "/impl"}, []string{newAB}},
		{"fixed column order", []string{"-col", "/impl@(mutexcond channels)", "-row", "/workers"}, []string{newAB}},
		{"rows by one key, files pooled as benchstat pools them", []string{"-row", "/workers", "-col", "/impl"}, []string{oldAB, newAB}},
		{"ignore .file", []string{"-row", ".name", "-col", "/impl", "-ignore", ".file"}, []string{oldAB, newAB}},
		{"table by package only", []string{"-table", "pkg", "-row", ".fullname"}, []string{twoPkgOld, twoPkgNew}},
		{"numeric sort", []string{"-col", "/workers@num", "-row", "/impl"}, []string{newAB}},
		{"scenario runs, default", nil, []string{scenOld, scenNew}},
		{"scenario runs, recommended -ignore", []string{"-ignore", "date,commit,clock-ns"}, []string{scenOld, scenNew}},
		{"scenario runs, impls as columns", []string{"-filter", "/scenario:workerpool-open", "-row", "/workers", "-col", "/impl", "-ignore", ".file,date,commit,clock-ns"}, []string{scenOld, scenNew}},
		{"columns by two keys, labels over labels", []string{"-row", ".name", "-col", "/workers,/impl"}, []string{oldAB, newAB}},
		{"missing cells, non-finite and malformed lines", nil, []string{"ragged=" + ragged, newAB}},
		{"a column no row compares", []string{"-row", ".name", "-col", "/impl"}, []string{ragged}},
		{"a row across nine orders of magnitude", []string{"-row", ".name", "-col", "/impl"}, []string{wide}},
	}
}

// twoPackageFiles writes BenchmarkEncode and BenchmarkDecode in two
// packages, ~103 ns in one and ~903 ns in the other, in an old file and
// a new one 10% slower.
func twoPackageFiles(t *testing.T, dir string) (old, new string) {
	t.Helper()
	encode := func(pkg, _ string, r int) float64 {
		if pkg == "example.com/a" {
			return 103 * noise(r)
		}
		return 903 * noise(r+1)
	}
	pkgs, benches := []string{"example.com/a", "example.com/b"}, []string{"Encode", "Decode"}
	old = goTestFile(t, dir, "pkgs-old.txt", 5, pkgs, encode, benches)
	new = goTestFile(t, dir, "pkgs-new.txt", 5, pkgs, func(pkg, b string, r int) float64 { return encode(pkg, b, r+2) * 1.1 }, benches)
	return old, new
}

// oldNewFiles writes old and new, 5 runs each, of key=value benchmarks;
// some got slower, some faster, some did not move.
func oldNewFiles(t *testing.T, dir string) (old, new string) {
	t.Helper()
	impls := []string{"impl=channels/workers=1", "impl=channels/workers=4", "impl=mutexcond/workers=1", "impl=mutexcond/workers=4"}
	base := func(bench string) float64 {
		return 100 + 37*float64(slices.Index(impls, strings.TrimPrefix(bench, "Pool/")))
	}
	old = goTestFile(t, dir, "old.txt", 5, []string{"example.com/pool"}, func(_, b string, r int) float64 { return base(b) * noise(r) }, prefixed("Pool/", impls))
	new = goTestFile(t, dir, "new.txt", 5, []string{"example.com/pool"}, func(_, b string, r int) float64 {
		f := []float64{1.25, 0.8, 1.0, 1.02}[slices.Index(impls, strings.TrimPrefix(b, "Pool/"))]
		return base(b) * f * noise(r+1)
	}, prefixed("Pool/", impls))
	return old, new
}

// scenarioRuns writes scenario results: the reference run, and a later
// run of it (another date and commit, one implementation 30% slower).
func scenarioRuns(t *testing.T, dir string) (old, new string) {
	t.Helper()
	ref, err := os.ReadFile("../results/reference/quick/results.txt")
	if err != nil {
		t.Fatal(err)
	}
	old = writeFile(t, dir, "scen-old.txt", string(ref))
	new = writeFile(t, dir, "scen-new.txt", laterRun(string(ref), "impl=channels/", 1.3))
	return old, new
}

// checkAgainstBenchstat runs benchstat -format csv on the case and Files
// with the same flags: the csv must be the same bytes and the warnings
// the same lines, and the json must hold the csv's cells; then the text
// must be benchstat's text (checkText). benchstat reads the files without
// their non-finite lines, which compare skips (finiteView); compare's
// warnings must name each of those too.
func checkAgainstBenchstat(t *testing.T, benchstat string, tt benchstatCase) {
	t.Helper()
	v := newFiniteView(t, tt.files)
	want := v.run(t, benchstat, "csv", tt.flags)
	if want.out == "" {
		t.Fatalf("benchstat %s printed nothing", want.args)
	}
	opts := compareOptions(t, tt.flags)
	opts.Format = "csv"
	var gotOut, gotErr bytes.Buffer
	opts.Warnings = &gotErr
	if _, err := Files(context.Background(), &gotOut, tt.files, opts); err != nil {
		t.Fatal(err)
	}
	if gotOut.String() != want.out {
		t.Errorf("csv differs from benchstat %s\ngot:\n%s\nwant:\n%s", want.args, gotOut.String(), want.out)
	}
	nonFinite, rest := v.split(sortedLines(gotErr.String()))
	if w := sortedLines(want.err); !slices.Equal(rest, w) {
		t.Errorf("warnings differ from benchstat's\ngot:\n%s\nwant:\n%s", strings.Join(rest, "\n"), strings.Join(w, "\n"))
	}
	v.checkNonFinite(t, nonFinite)

	opts.Format = "json"
	var js bytes.Buffer
	if _, err := Files(context.Background(), &js, tt.files, opts); err != nil {
		t.Fatal(err)
	}
	checkJSONAgainstCSV(t, js.Bytes(), []byte(want.out))

	checkText(t, benchstat, v, tt)
}

func prefixed(p string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = p + n
	}
	return out
}

// laterRun returns a scenario results file as a later run would write it:
// another date and commit, and the values of the lines whose name
// contains slower multiplied by f (ops/s divided by it).
func laterRun(text, slower string, f float64) string {
	var b strings.Builder
	for line := range strings.SplitSeq(text, "\n") {
		switch {
		case strings.HasPrefix(line, "date: "):
			line = "date: 2026-12-01T00:00:00Z"
		case strings.HasPrefix(line, "commit: "):
			line = "commit: fedcba987654"
		case strings.HasPrefix(line, "Benchmark") && strings.Contains(line, slower):
			fields := strings.Fields(line)
			for i := 2; i+1 < len(fields); i += 2 {
				v, err := strconv.ParseFloat(fields[i], 64)
				if err != nil {
					continue
				}
				if fields[i+1] == "ops/s" {
					v /= f
				} else {
					v *= f
				}
				fields[i] = strconv.FormatFloat(v, 'g', -1, 64)
			}
			line = strings.Join(fields, " ")
		}
		b.WriteString(line + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// compareOptions reads benchstat flags into Options.
func compareOptions(t *testing.T, flags []string) Options {
	t.Helper()
	var o Options
	for i := 0; i < len(flags); i += 2 {
		v := flags[i+1]
		switch flags[i] {
		case "-filter":
			o.Filter = v
		case "-table":
			o.Table = v
		case "-row":
			o.Row = v
		case "-col":
			o.Col = v
		case "-ignore":
			o.Ignore = v
		default:
			t.Fatalf("flag %s", flags[i])
		}
	}
	return o
}

func sortedLines(s string) []string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) == 1 && lines[0] == "" {
		return nil
	}
	slices.Sort(lines)
	return lines
}

// checkJSONAgainstCSV checks that the json format holds benchstat's
// tables: for each csv table (in order), the same columns, and for each
// row the same name and per cell the same center, range, delta and test.
func checkJSONAgainstCSV(t *testing.T, js, csvText []byte) {
	t.Helper()
	var got struct {
		Tables []jsonTable `json:"tables"`
	}
	if err := json.Unmarshal(js, &got); err != nil {
		t.Fatalf("json: %v\n%s", err, js)
	}
	r := csv.NewReader(bytes.NewReader(csvText))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// A csv table is its column-label rows, the unit row (second field
	// the unit, then "CI"), the benchmark rows and the geomean row.
	ti := -1
	var jt jsonTable
	rowi := 0
	for _, rec := range recs {
		switch {
		case len(rec) >= 3 && rec[0] == "" && rec[2] == "CI":
			ti++
			if ti >= len(got.Tables) {
				t.Fatalf("json has %d tables, benchstat more", len(got.Tables))
			}
			jt, rowi = got.Tables[ti], 0
			if jt.Unit != rec[1] {
				t.Errorf("table %d: unit %q, benchstat %q", ti, jt.Unit, rec[1])
			}
		case ti < 0 || len(rec) < 2 || rec[0] == "" || rec[0] == "geomean":
			// headers, blank lines, column labels, the geomean
		default:
			if rowi >= len(jt.Rows) {
				t.Errorf("table %d: json has %d rows, benchstat more (%q)", ti, len(jt.Rows), rec[0])
				continue
			}
			checkJSONRow(t, ti, rowi, jt, rec)
			rowi++
		}
	}
	if ti+1 != len(got.Tables) {
		t.Errorf("json has %d tables, benchstat %d", len(got.Tables), ti+1)
	}
}

// checkJSONRow checks row rowi of json table ti, jt, against benchstat's
// csv record rec: the same name, and per cell the same center, range,
// delta and test.
func checkJSONRow(t *testing.T, ti, rowi int, jt jsonTable, rec []string) {
	t.Helper()
	jr := jt.Rows[rowi]
	if jr.Name != rec[0] {
		t.Errorf("table %d row %d: %q, benchstat %q", ti, rowi+1, jr.Name, rec[0])
	}
	// benchstat's cells: center, CI, then (delta, P) after the first
	// column, at fixed positions.
	for _, c := range jr.Cells {
		exp := slices.Index(jt.Columns, c.Column)
		at := 1
		if exp > 0 {
			at = 3 + 4*(exp-1)
		}
		if at+1 >= len(rec) {
			t.Errorf("table %d row %q: json has a cell in column %q, benchstat none", ti, jr.Name, c.Column)
			continue
		}
		if fmt.Sprint(c.Center) != rec[at] || strings.TrimPrefix(c.Range, "± ") != rec[at+1] {
			t.Errorf("table %d row %q column %q: %v %s, benchstat %s %s", ti, jr.Name, c.Column, c.Center, c.Range, rec[at], rec[at+1])
		}
		if exp > 0 && c.Compare != "" && (at+3 >= len(rec) || strings.TrimSpace(rec[at+2]) != c.Delta || rec[at+3] != c.Compare) {
			t.Errorf("table %d row %q column %q: %s (%s), benchstat %q", ti, jr.Name, c.Column, c.Delta, c.Compare, rec[at:])
		}
	}
}

// TestRegressionsAreBenchstatsSignificantChanges: -max-regression flags
// exactly the cells whose change benchstat calls significant (not "~")
// and that moved more than the threshold in the unit's bad direction:
// better= metadata where there is one, else lower for times, sizes and
// counts, higher for rates ending /s.
func TestRegressionsAreBenchstatsSignificantChanges(t *testing.T) {
	benchstat := buildBenchstat(t)
	dir := t.TempDir()
	// The bad direction of each unit, as the rule says (benchstat tidies
	// ns/op to sec/op).
	better := map[string]int{"sec/op": -1, "B/op": -1, "ops/s": +1, "hits/s": +1, "score": +1, "errs": -1}
	old, new := regressionFile(t, dir, "old.txt", false), regressionFile(t, dir, "new.txt", true)
	out, err := exec.Command(benchstat, "-format", "csv", old, new).Output()
	if err != nil {
		t.Fatalf("benchstat: %v", err)
	}
	want := significantBeyond(t, out, better, 5)
	regs, err := Files(context.Background(), &bytes.Buffer{}, []string{old, new}, Options{MaxRegression: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range regs {
		got = append(got, r.Unit+" "+r.Name)
	}
	slices.Sort(got)
	slices.Sort(want)
	if len(want) < len(better) {
		t.Fatalf("the fixture gives only %d regressions (%v): it does not exercise every unit", len(want), want)
	}
	if !slices.Equal(got, want) {
		t.Errorf("regressions:\n%s\nwant (benchstat's significant changes beyond 5%% in the bad direction):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// regressionFile writes 6 runs of five benchmarks X/case=0..4, each value
// in six units (two of them better=higher by metadata, one a rate). The
// newer file's cases change by 1.2, 0.8, 1.03, 0.97 and (case 4, too
// noisy to be significant) 1.1 times.
func regressionFile(t *testing.T, dir, name string, newer bool) string {
	t.Helper()
	change := []float64{1.2, 0.8, 1.03, 0.97, 1.0}
	var b strings.Builder
	b.WriteString("Unit ops/s better=higher\nUnit score better=higher\n")
	for r := range 6 {
		for i, f := range change {
			if !newer {
				f = 1
			}
			n := noise(r + 3*i)
			if i == 4 {
				n = 1 + 0.3*math.Sin(float64(r*5+i)) // noisy: not significant
				if newer {
					f = 1.1
				}
			}
			v := 100 * f * n
			fmt.Fprintf(&b, "BenchmarkX/case=%d 1000 %g ns/op %g B/op %g ops/s %g hits/s %g score %g errs\n", i, v, v, v, v, v, v)
		}
	}
	return writeFile(t, dir, name, b.String())
}

// significantBeyond reads benchstat's csv and returns, as "unit row", the
// cells whose change benchstat calls significant (not "~") and that moved
// more than pct percent in their unit's bad direction by better.
func significantBeyond(t *testing.T, csvOut []byte, better map[string]int, pct float64) []string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(csvOut)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	unit := ""
	for _, rec := range recs {
		switch {
		case len(rec) > 2 && rec[2] == "CI":
			unit = rec[1]
		case len(rec) > 5 && strings.HasPrefix(rec[0], "X/"):
			if rec[5] == "~" {
				continue
			}
			d, err := strconv.ParseFloat(strings.TrimSuffix(rec[5], "%"), 64)
			if err != nil {
				t.Fatalf("delta %q: %v", rec[5], err)
			}
			if b, ok := better[unit]; !ok {
				t.Fatalf("unit %q not in the test's table", unit)
			} else if b < 0 && d > pct || b > 0 && d < -pct {
				out = append(out, unit+" "+rec[0])
			}
		}
	}
	return out
}
