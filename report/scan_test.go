package report

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/concbench/concbench/compare"
)

// writeWithBadLine writes a go test results file with six lines for each
// of impl=a and impl=b and bad as line 4, in the middle of them, and
// returns its path.
func writeWithBadLine(t *testing.T, dir, name, bad string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("goos: linux\ncpu: Test CPU\n\n") // lines 1-3
	b.WriteString(bad + "\n")                       // line 4
	for i := range 6 {
		fmt.Fprintf(&b, "BenchmarkX/impl=a-2 100 %d ns/op 3 B/op\n", 100+i)
		fmt.Fprintf(&b, "BenchmarkX/impl=b-2 100 %d ns/op 3 B/op\n", 200+i)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestNonFiniteLinesAreWarnings(t *testing.T) {
	tests := []struct {
		name     string
		giveLine string
		wantWarn string
	}{
		{"NaN time", "BenchmarkX/impl=a-2 1 NaN ns/op", "bad.txt:4: ns/op: value NaN is not a finite number, line skipped"},
		{"+Inf custom unit", "BenchmarkX/impl=a-2 1 100 ns/op +Inf p99-ns", "bad.txt:4: p99-ns: value +Inf is not a finite number, line skipped"},
		{"-Inf", "BenchmarkX/impl=b-2 1 -Inf ns/op", "bad.txt:4: ns/op: value -Inf is not a finite number, line skipped"},
		{"Infinity spelled out", "BenchmarkX/impl=b-2 1 100 ns/op infinity B/op", "bad.txt:4: B/op: value +Inf is not a finite number, line skipped"},
		{"NaN in a later value", "BenchmarkX/impl=a-2 1 100 ns/op 3 B/op nan allocs/op", "bad.txt:4: allocs/op: value NaN is not a finite number, line skipped"},
		{"finite but infinite once tidied", "BenchmarkX/impl=a-2 1 100 ns/op 1e305 MB/s", "bad.txt:4: MB/s: value 1e+305 is not finite in B/s, line skipped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			bad := writeWithBadLine(t, dir, "bad.txt", tt.giveLine)
			good := writeWithBadLine(t, dir, "good.txt", "")

			ds, err := readFiles([]string{bad})
			if err != nil {
				t.Fatal(err)
			}
			if len(ds.Syntax) != 1 || !strings.HasSuffix(ds.Syntax[0], tt.wantWarn) {
				t.Errorf("report warnings %q, want one ending in %q", ds.Syntax, tt.wantWarn)
			}
			if len(ds.Results) != 12 {
				t.Errorf("report kept %d results, want the 12 good ones", len(ds.Results))
			}
			for _, r := range ds.Results {
				for u, v := range r.Values {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Errorf("report kept %s %v at %s:%d", u, v, r.File, r.Line)
					}
				}
			}
			// The statistics still run on the remaining lines.
			htmlPath, err := Generate(context.Background(), filepath.Join(dir, "rep"), []string{bad}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			page, err := os.ReadFile(htmlPath)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{tt.wantWarn, "n=6+6"} {
				if !strings.Contains(html.UnescapeString(string(page)), want) {
					t.Errorf("report page lacks %q", want)
				}
			}

			var out bytes.Buffer
			if _, err := compare.Files(context.Background(), &out, []string{bad, good}, compare.Options{}); err != nil {
				t.Fatal(err)
			}
			i := strings.Index(out.String(), "warnings (lines skipped):\n  ")
			if i < 0 || !strings.Contains(out.String()[i:], tt.wantWarn) {
				t.Errorf("compare output does not end with the warning %q:\n%s", tt.wantWarn, out.String())
			}
			if !strings.Contains(out.String(), "n=6") {
				t.Errorf("compare output has no comparison of the 6 good lines:\n%s", out.String())
			}
		})
	}
}

// TestHostileSidecar reads testdata/hostile.txt, whose sidecar has a
// malformed line (2) and a trial whose histogram headers declare 1 to
// MaxInt64 at 5 digits (3): both are warnings, the lines around them are
// read, and nothing like the declared sizes is allocated.
func TestHostileSidecar(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	ds, err := readFiles([]string{"testdata/hostile.txt"})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > 64<<20 {
		t.Errorf("reading allocated %d MiB, want at most 64", d>>20)
	}
	wantWarn := []string{
		"testdata/hostile.jsonl:2: invalid character 'b' looking for beginning of object key string, line skipped",
		"testdata/hostile.jsonl:3: histograms of Scenario/scenario=s/pattern=workerpool/impl=b/workers=4 rep 0 dropped: latency: 6160384 counts (values 1 to 9223372036854775807 at 5 digits), over the limit of 65536",
	}
	if strings.Join(ds.TrialErr, "\n") != strings.Join(wantWarn, "\n") {
		t.Errorf("sidecar warnings:\n%s\nwant:\n%s", strings.Join(ds.TrialErr, "\n"), strings.Join(wantWarn, "\n"))
	}
	if len(ds.Trials) != 3 || ds.Trials[0].Latency == nil || ds.Trials[1].Latency != nil || ds.Trials[1].Ops != 7 {
		t.Errorf("trials: %d, want 3: the first with histograms, the refused one kept without", len(ds.Trials))
	}
	if len(ds.Syntax) != 2 || len(ds.Results) != 1 {
		t.Errorf("results %d, warnings %q; want 1 result and the NaN and +Inf lines refused", len(ds.Results), ds.Syntax)
	}
	htmlPath, err := Generate(context.Background(), t.TempDir(), []string{"testdata/hostile.txt"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(htmlPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range append(wantWarn, "<figcaption>Latency percentile spectrum", "testdata/hostile.txt:8: ops/s: value NaN is not a finite number, line skipped") {
		if !strings.Contains(html.UnescapeString(string(page)), want) {
			t.Errorf("report page lacks %q", want)
		}
	}
}

func TestFormatValueFourDigits(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		want string
	}{{1087.5, "1088"}, {1075, "1075"}, {12.345, "12.35"}, {2.5, "2.500"}, {9999.7, "10000"}, {25000, "25.00k"}, {0.25, "250.0m"}} {
		if got := formatValue("ops/s", tt.v); got != tt.want {
			t.Errorf("formatValue(%g) = %q, want %q", tt.v, got, tt.want)
		}
	}
}
