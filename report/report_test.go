package report

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/concbench/concbench/record"

	"github.com/HdrHistogram/hdrhistogram-go"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// shard_test.go imports scenarios, and with it ants, which starts its
	// default pool's two goroutines at package init.
	goleak.VerifyTestMain(m, goleak.IgnoreCurrent())
}

// writeRun writes a small scenario results file and its sidecar into dir:
// two workerpool implementations over three repetitions (p99-ns and
// ops/s their headline), the harness scenario, one malformed line, a
// partial run status and one hung trial.
func writeRun(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	for _, u := range []string{"ops/s better=higher", "mean-ns better=lower", "p99-ns better=lower", "p999-ns better=lower",
		"svc-p99-ns better=lower", "peak-goroutines better=lower", "leaked-goroutines better=lower", "errors better=lower", "dropped better=lower"} {
		fmt.Fprintf(&b, "Unit %s\n", u)
	}
	b.WriteString("goos: linux\ngoarch: amd64\ncpu: Test CPU\ngomaxprocs: 2\ncommit: abc123\ndate: 2026-01-02T03:04:05Z\nrun-status: partial\n\n")
	for rep := 1; rep <= 3; rep++ {
		fmt.Fprintf(&b, "BenchmarkScenario/scenario=harness-overhead/pattern=harness/impl=noop 1000 1e7 ops/s %d mean-ns 50 p99-ns 60 p999-ns 40 svc-p99-ns 3 peak-goroutines 0 leaked-goroutines 0 errors 0 dropped\n", 30+rep)
	}
	var trials []record.Trial
	for rep := 1; rep <= 3; rep++ {
		for i, impl := range []string{"channels", "spawn"} {
			name := "Scenario/scenario=workerpool-open/pattern=workerpool/impl=" + impl + "/workers=4"
			p99 := 1e6 * float64(1+4*i) * (1 + 0.1*float64(rep))
			fmt.Fprintf(&b, "Benchmark%s 1000 %d ops/s %g mean-ns %g p99-ns %g p999-ns %g svc-p99-ns %d peak-goroutines 0 leaked-goroutines 0 errors 0 dropped\n",
				name, 2000-500*i+rep, p99/3, p99, 2*p99, p99/2, 10+100*i+rep)
			trials = append(trials, okTrial(name, impl, rep, float64(1+4*i)))
		}
	}
	b.WriteString("BenchmarkScenario/scenario=workerpool-open/pattern=workerpool/impl=channels/workers=4 1000 notanumber ops/s\n")
	hung := record.Trial{Name: "Scenario/scenario=workerpool-open/pattern=workerpool/impl=spawn/workers=4", Scenario: "workerpool-open",
		Pattern: "workerpool", Impl: "spawn", Rep: 4, Status: record.StatusHung, Error: "watchdog fired after 30s",
		Stacks: "goroutine 1 [chan receive]:\nmain.main()\n\t/x/main.go:10 +0x1d <script>"}
	trials = append(trials, hung)
	path := filepath.Join(dir, "results.txt")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var sb bytes.Buffer
	if err := record.WriteScenario(&sb, record.Scenario{Name: "workerpool-open", Pattern: "workerpool", Description: "An open-loop overload.", Headline: []string{"p99-ns", "ops/s"},
		Claims: []record.Claim{{Guide: 1, Text: "Don't create too many goroutines", Unit: "peak-goroutines", Follows: "channels", Ignores: "spawn"}}}); err != nil {
		t.Fatal(err)
	}
	if err := record.Write(&sb, trials); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(record.Path(path), sb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// trial builds an ok trial whose latencies are about scale milliseconds.
func okTrial(name, impl string, rep int, scale float64) record.Trial {
	lat := hdrhistogram.New(1, 60e9, 3)
	svc := hdrhistogram.New(1, 60e9, 3)
	for i := 1; i <= 1000; i++ {
		v := int64(scale * 1e3 * float64(i))
		lat.RecordValue(v)
		svc.RecordValue(v / 2)
	}
	s := record.Series{IntervalNs: 1e8}
	for i := range 10 {
		s.T = append(s.T, 0.1*float64(i+1))
		s.OpsPerSec = append(s.OpsPerSec, 2000-100*scale)
		s.P99Ns = append(s.P99Ns, scale*1e6)
		s.Goroutines = append(s.Goroutines, 10+scale*float64(i))
		s.State = append(s.State, []string{"closed", "open", "half-open"}[i%3])
	}
	return record.Trial{Name: name, Scenario: "workerpool-open", Pattern: "workerpool", Impl: impl,
		Params: map[string]string{"workers": "4"}, Rep: rep, Status: record.StatusOK, Model: "open",
		Latency: &record.Hist{Histogram: lat}, Service: &record.Hist{Histogram: svc}, Series: s}
}

func TestGenerate(t *testing.T) {
	in := writeRun(t, t.TempDir())
	out := filepath.Join(t.TempDir(), "rep")
	htmlPath, err := Generate(context.Background(), out, []string{in, "testdata/old.txt"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(htmlPath)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	imgs := regexp.MustCompile(`<img src="([^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(imgs) < 3 {
		t.Fatalf("got %d <img> tags, want >= 3", len(imgs))
	}
	for _, m := range imgs {
		f, err := os.Open(filepath.Join(out, m[1]))
		if err != nil {
			t.Fatalf("image of the page: %v", err)
		}
		_, err = png.Decode(f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", m[1], err)
		}
	}
	tests := []struct {
		giveWhat string
		wantText string
	}{
		{"partial banner", `class="banner">PARTIAL run`},
		{"harness overhead", "harness overhead: mean 32 ns per operation, p99 50 ns"},
		{"warnings section with file:line", `id="warnings"`},
		{"malformed line position", "results.txt:27: parsing measurement"},
		{"not-ok table", "<td class=\"l\">hung</td>"},
		{"hung error", "watchdog fired after 30s"},
		{"stacks, escaped", "&lt;script&gt;"},
		{"go test section", "BenchmarkPool <small>go test</small>"},
		{"verdict (3 trials against 3 cannot be significant)", "not enough trials</b>: no significant difference, and with 3"},
		{"verdict's number", "peak-goroutines: spawn 9.33× channels"},
		{"holm stated", "Holm–Bonferroni"},
	}
	for _, tt := range tests {
		if !strings.Contains(page, tt.wantText) {
			t.Errorf("%s: page lacks %q", tt.giveWhat, tt.wantText)
		}
	}
	for _, title := range []string{"Latency percentile spectrum: workers=4", "Breaker state", "ns/op vs workers"} {
		if got := chartState(t, out, page, title); got != chartDrawn {
			t.Errorf("chart %q is %s, want drawn", title, got)
		}
	}
	// The page's one script is the charts' own; the stacks' is escaped.
	if strings.Contains(page, "+0x1d <script>") {
		t.Error("stacks are not escaped")
	}
	left, _ := filepath.Glob(filepath.Join(out, ".*tmp*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestGenerateWithoutSidecar(t *testing.T) {
	dir := t.TempDir()
	in := writeRun(t, dir)
	if err := os.Remove(record.Path(in)); err != nil {
		t.Fatal(err)
	}
	htmlPath, err := Generate(context.Background(), filepath.Join(dir, "rep"), []string{in}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(htmlPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "skipped, no latency histograms") {
		t.Error("missing spectrum chart is not explained")
	}
}

func TestUnreadableFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.txt")
	if _, err := Generate(context.Background(), t.TempDir(), []string{missing}, Options{}); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("Generate: error %v does not name %s", err, missing)
	}
}

// A winner is named only in the ranking of a headline unit the scenario
// declares, and never for a demonstration or the harness floor, whatever
// their numbers.

func TestWinnersOnlyOnHeadlines(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("Unit ops/s better=higher\nUnit p99-ns better=lower\n\n")
	var trials []record.Trial
	for rep := 1; rep <= 6; rep++ {
		for i, impl := range []string{"sound", "other", "broken", "floor"} {
			name := "Scenario/scenario=s/pattern=workerpool/impl=" + impl
			// broken and floor have the best p99 and ops/s by far.
			p99 := []float64{2e6, 3e6, 1e3, 1e2}[i] + float64(rep)
			ops := []float64{1000, 900, 5000, 9000}[i] + float64(rep)
			fmt.Fprintf(&b, "Benchmark%s 100 %g ops/s %g p99-ns\n", name, ops, p99)
			trials = append(trials, record.Trial{Name: name, Scenario: "s", Pattern: "workerpool", Impl: impl, Rep: rep,
				Status: record.StatusOK, Floor: impl == "floor"})
		}
		// stuck hangs in every trial: no result line, so nothing to rank,
		// but the ranking must say so rather than leave it out.
		trials = append(trials, record.Trial{Name: "Scenario/scenario=s/pattern=workerpool/impl=stuck", Scenario: "s",
			Pattern: "workerpool", Impl: "stuck", Rep: rep, Status: record.StatusHung})
	}
	path := filepath.Join(dir, "results.txt")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var sb bytes.Buffer
	if err := record.WriteScenario(&sb, record.Scenario{Name: "s", Pattern: "workerpool", Description: "What s shows.",
		Headline: []string{"p99-ns"}, Demos: map[string]string{"broken": "breaks on purpose"}}); err != nil {
		t.Fatal(err)
	}
	if err := record.Write(&sb, trials); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(record.Path(path), sb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ds, err := readFiles([]string{path})
	if err != nil {
		t.Fatal(err)
	}
	pg := buildModel(ds)
	sum := pg.Sections[0].Summary
	if sum == nil || sum.Description != "What s shows." || len(sum.Rankings) != 1 {
		t.Fatalf("summary %+v, want the description and one ranking (p99-ns)", sum)
	}
	rk := sum.Rankings[0]
	var order []string
	for _, r := range rk.Rows {
		order = append(order, r.Impl)
	}
	if strings.Join(order, ",") != "sound,other" || !rk.Rows[0].Winner || !strings.HasPrefix(formatOutcome(rk.Outcome), "winner: sound") {
		t.Errorf("ranking %v, winner %v, verdict %q; want sound then other, sound the winner", order, rk.Rows[0].Winner, formatOutcome(rk.Outcome))
	}
	if len(rk.Unrank) != 3 || !strings.HasPrefix(rk.Unrank[0].Why, "demonstration: breaks on purpose") || !rk.Unrank[1].Floor ||
		rk.Unrank[2].Impl != "stuck" || rk.Unrank[2].Why != "no result" || rk.Unrank[2].Failed.String() != "6 of 6 trials hung" {
		t.Errorf("not ranked %+v, want broken (a demonstration), the floor and stuck (no result)", rk.Unrank)
	}
	for _, g := range pg.Sections[0].Groups {
		for _, tb := range g.Tables {
			for _, r := range tb.Rows {
				if r.Winner || tb.Outcome != nil {
					t.Errorf("table %s names a winner (%s, %q): only headline rankings do", tb.Unit, r.Impl, formatOutcome(tb.Outcome))
				}
			}
		}
	}
}
