package compare

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/perf/benchfmt"

	"github.com/concbench/concbench/internal/resultline"
)

// This file holds the text format to benchstat's text (its default
// format), and what benchstat is given to read where compare reads a
// line differently on purpose.

// skippedHeading opens the part of compare's text that follows the
// tables: the lines it skipped.
const skippedHeading = "\nwarnings (lines skipped):\n"

// checkText holds compare's text to benchstat's, byte for byte: compare's
// tables must be benchstat's standard output. After them compare lists,
// under "warnings (lines skipped):", the lines benchstat warns of on
// standard error (malformed lines, results a filter refused), in the
// same order: runbench compare's text is one stream, read whole, where
// benchstat keeps its standard output for the tables. It lists there too
// the lines with a value that is not finite, which compare skips and
// benchstat reads (printing "NaNn" or "+InfT" for a cell; comparing a
// sample that holds a NaN, it runs out of memory), so benchstat reads
// the files without them (see finiteView); those lines are checked
// apart.
func checkText(t *testing.T, benchstat string, v finiteView, tt benchstatCase) {
	t.Helper()
	want := v.run(t, benchstat, "text", tt.flags)
	opts := compareOptions(t, tt.flags)
	opts.Format = "text"
	var got bytes.Buffer
	if _, err := Files(context.Background(), &got, tt.files, opts); err != nil {
		t.Fatal(err)
	}
	tables, skipped, _ := strings.Cut(got.String(), skippedHeading)
	if tables != want.out {
		t.Errorf("text differs from benchstat %s:\n%s", want.args, diff(t, []byte(want.out), []byte(tables)))
	}
	var lines []string
	for l := range strings.Lines(skipped) {
		lines = append(lines, strings.TrimSuffix(strings.TrimPrefix(l, "  "), "\n"))
	}
	nonFinite, rest := v.split(lines)
	if w := nonEmptyLines(want.err); !slices.Equal(rest, w) {
		t.Errorf("lines skipped:\n%s\nbenchstat's warnings:\n%s", strings.Join(rest, "\n"), strings.Join(w, "\n"))
	}
	v.checkNonFinite(t, nonFinite)
}

// TestTextWithNothingToShow: where the filter leaves no result, benchstat
// prints nothing, and so does compare's csv; compare's text says so
// instead, on purpose: an empty table would read as a comparison that
// found nothing to report.
func TestTextWithNothingToShow(t *testing.T) {
	benchstat := buildBenchstat(t)
	old, new := oldNewFiles(t, t.TempDir())
	tt := benchstatCase{"a filter that matches nothing", []string{"-filter", "/impl:nosuch"}, []string{old, new}}
	v := newFiniteView(t, tt.files)
	for _, format := range []string{"text", "csv"} {
		if bs := v.run(t, benchstat, format, tt.flags); bs.out != "" || bs.err != "" {
			t.Fatalf("benchstat %s printed %q, %q: the case shows nothing", bs.args, bs.out, bs.err)
		}
		opts := compareOptions(t, tt.flags)
		opts.Format = format
		var got bytes.Buffer
		if _, err := Files(context.Background(), &got, tt.files, opts); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"text": "no benchmark results (after -filter)\n", "csv": ""}[format]
		if got.String() != want {
			t.Errorf("%s: %q, want %q", format, got.String(), want)
		}
	}
}

// finiteView is the files of a case as benchstat is given them: each
// file that has lines with a value that is not finite is copied, those
// lines blanked (so the other lines keep their numbers), into a
// directory "finite" beside it. benchstat's warnings name the originals
// again (run); a case whose copies are columns must label them, as a
// column's width would show the copy's longer path (run fails it).
type finiteView struct {
	args    []string          // benchstat's file arguments
	origs   map[string]string // copy → original path
	blanked []string          // "path:line: " of each blanked line of an original
}

func newFiniteView(t *testing.T, files []string) finiteView {
	t.Helper()
	v := finiteView{origs: map[string]string{}}
	for _, arg := range files {
		label, path, labelled := strings.Cut(arg, "=")
		if !labelled {
			label, path = "", arg
		}
		if cp := v.copyFinite(t, path); cp != path {
			v.origs[cp] = path
			arg = cp
			if labelled {
				arg = label + "=" + cp
			}
		}
		v.args = append(v.args, arg)
	}
	return v
}

// copyFinite returns path, or the path of a copy with its non-finite
// lines blanked if it has any.
func (v *finiteView) copyFinite(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	r := benchfmt.NewReader(bytes.NewReader(data), path)
	blanked := false
	for r.Scan() {
		if res, ok := r.Result().(*benchfmt.Result); ok && resultline.NonFinite(res) != "" {
			_, n := res.Pos()
			lines[n-1] = "\n"
			v.blanked = append(v.blanked, fmt.Sprintf("%s:%d: ", path, n))
			blanked = true
		}
	}
	if !blanked {
		return path
	}
	cp := filepath.Join(filepath.Dir(path), "finite", filepath.Base(path))
	if err := os.MkdirAll(filepath.Dir(cp), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cp, []byte(strings.Join(lines, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	return cp
}

// benchstatRun is what benchstat printed.
type benchstatRun struct{ args, out, err string }

// run runs benchstat -format format with flags on the view's files and
// returns what it printed, the copies' paths given back as the
// originals'.
func (v finiteView) run(t *testing.T, benchstat, format string, flags []string) benchstatRun {
	t.Helper()
	args := append(append([]string{"-format", format}, flags...), v.args...)
	cmd := exec.Command(benchstat, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("benchstat %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	r := benchstatRun{strings.Join(args, " "), out.String(), errOut.String()}
	for cp, orig := range v.origs {
		if strings.Contains(r.out, cp) {
			t.Fatalf("benchstat %s names %s in its tables, where compare reads %s", r.args, cp, orig)
		}
		r.err = strings.ReplaceAll(r.err, cp, orig)
	}
	return r
}

// split separates compare's warnings about the lines the view blanked
// from the others.
func (v finiteView) split(lines []string) (nonFinite, rest []string) {
	for _, l := range lines {
		if slices.ContainsFunc(v.blanked, func(p string) bool { return strings.HasPrefix(l, p) }) {
			nonFinite = append(nonFinite, l)
		} else {
			rest = append(rest, l)
		}
	}
	return nonFinite, rest
}

// checkNonFinite checks that compare warned of each blanked line once,
// in order, as a line skipped.
func (v finiteView) checkNonFinite(t *testing.T, warnings []string) {
	t.Helper()
	ok := len(warnings) == len(v.blanked)
	for i := 0; ok && i < len(warnings); i++ {
		ok = strings.HasPrefix(warnings[i], v.blanked[i]) && strings.HasSuffix(warnings[i], ", line skipped")
	}
	if !ok {
		t.Errorf("non-finite lines skipped:\n%s\nwant one for each of:\n%s", strings.Join(warnings, "\n"), strings.Join(v.blanked, "\n"))
	}
}

// nonEmptyLines is s's lines, in order, less the empty ones.
func nonEmptyLines(s string) []string {
	var out []string
	for l := range strings.Lines(s) {
		if l = strings.TrimSuffix(l, "\n"); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// raggedFile writes 6 runs of Pool/impl=channels and mutexcond, Push
// the same, and Fanout/impl=errgroup (a cell the first column lacks, and
// with -col /impl a column no row compares), among lines compare skips:
// a NaN, a +Inf (benchstat reads both, and is not given them), and a line
// without a unit (benchstat warns of it). Pool's B/op are 0 and 16, a
// change of "?", so that the B/op geomean of mutexcond has no ratio: its
// "?" (aligned left) under Push's change (aligned right).
func raggedFile(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("goos: linux\ngoarch: amd64\npkg: example.com/pool\ncpu: Test CPU\n")
	benches := []string{"Pool/impl=channels", "Pool/impl=mutexcond", "Push/impl=channels", "Push/impl=mutexcond", "Fanout/impl=errgroup"}
	for r := range 6 {
		for i, bench := range benches {
			v := []float64{250, 800, 300, 330, 1170}[i] * noise(r+i)
			bytes := []float64{0, 16, 100, 110, 32}[i] * noise(r+2*i)
			fmt.Fprintf(&b, "Benchmark%s-4\t1000\t%.1f ns/op\t%.0f B/op\n", bench, v, bytes)
		}
		switch r {
		case 1:
			b.WriteString("BenchmarkPool/impl=channels-4\t1000\tNaN ns/op\t0 B/op\n")
		case 2:
			b.WriteString("BenchmarkPool/impl=mutexcond-4\t1000\t12\n")
		case 3:
			b.WriteString("BenchmarkFanout/impl=errgroup-4\t1000\t1170 ns/op\t+Inf B/op\n")
		}
	}
	return writeFile(t, dir, "ragged.txt", b.String())
}

// wideFile writes 6 runs of a row whose values span nine orders of
// magnitude, Scale/impl=fast, mid and slow at a median of 0.1691, 169.1
// and 71237631 ns (slow six times as spread: its range is wider than
// the others'), and of a row without the fast one, Mid/impl=mid and slow. benchstat scales a
// row's values by its smallest: "0.1691n", "169.1000n" and
// "71237631.0000n" in the first, "169.1n" and "71237631.0n" in the
// second.
func wideFile(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("goos: linux\ngoarch: amd64\npkg: example.com/wide\ncpu: Test CPU\n")
	for _, f := range []float64{1.0, 0.98, 1.02, 1.0, 0.99, 1.01} {
		for _, bench := range []string{"Scale/impl=fast", "Scale/impl=mid", "Scale/impl=slow", "Mid/impl=mid", "Mid/impl=slow"} {
			impl := bench[strings.Index(bench, "=")+1:]
			v := map[string]float64{"fast": 0.1691, "mid": 169.1, "slow": 71237631}[impl]
			if bench == "Scale/impl=slow" {
				v *= 1 + 6*(f-1)
			} else {
				v *= f
			}
			fmt.Fprintf(&b, "Benchmark%s-4\t1000\t%g ns/op\n", bench, v)
		}
	}
	return writeFile(t, dir, "wide.txt", b.String())
}
