package report

import (
	"bytes"
	"flag"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/concbench/concbench/internal/sidecar"

	"github.com/HdrHistogram/hdrhistogram-go"
	"go.uber.org/goleak"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestMain(m *testing.M) {
	// shard_test.go imports scenarios, and with it ants, which starts its
	// default pool's two goroutines at package init.
	goleak.VerifyTestMain(m, goleak.IgnoreCurrent())
}

// writeRun writes a small scenario results file and its sidecar into dir:
// two workerpool implementations over three repetitions, the harness
// scenario, one malformed line, a partial run status and one hung trial.
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
	var trials []sidecar.Trial
	for rep := 1; rep <= 3; rep++ {
		for i, impl := range []string{"channels", "spawn"} {
			name := "Scenario/scenario=workerpool-open/pattern=workerpool/impl=" + impl + "/workers=4"
			p99 := 1e6 * float64(1+4*i) * (1 + 0.1*float64(rep))
			fmt.Fprintf(&b, "Benchmark%s 1000 %d ops/s %g mean-ns %g p99-ns %g p999-ns %g svc-p99-ns %d peak-goroutines 0 leaked-goroutines 0 errors 0 dropped\n",
				name, 2000-500*i+rep, p99/3, p99, 2*p99, p99/2, 10+100*i+rep)
			trials = append(trials, trial(name, impl, rep, float64(1+4*i)))
		}
	}
	b.WriteString("BenchmarkScenario/scenario=workerpool-open/pattern=workerpool/impl=channels/workers=4 1000 notanumber ops/s\n")
	hung := sidecar.Trial{Name: "Scenario/scenario=workerpool-open/pattern=workerpool/impl=spawn/workers=4", Scenario: "workerpool-open",
		Pattern: "workerpool", Impl: "spawn", Rep: 4, Status: sidecar.StatusHung, Error: "watchdog fired after 30s",
		Stacks: "goroutine 1 [chan receive]:\nmain.main()\n\t/x/main.go:10 +0x1d <script>"}
	trials = append(trials, hung)
	path := filepath.Join(dir, "results.txt")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var sb bytes.Buffer
	if err := sidecar.WriteScenario(&sb, sidecar.Scenario{Name: "workerpool-open", Pattern: "workerpool", Description: "An open-loop overload.",
		Claims: []sidecar.Claim{{Guide: 1, Text: "Don't create too many goroutines", Unit: "peak-goroutines", Follows: "channels", Ignores: "spawn"}}}); err != nil {
		t.Fatal(err)
	}
	if err := sidecar.Write(&sb, trials); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sidecar.Path(path), sb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// trial builds an ok trial whose latencies are about scale milliseconds.
func trial(name, impl string, rep int, scale float64) sidecar.Trial {
	lat := hdrhistogram.New(1, 60e9, 3)
	svc := hdrhistogram.New(1, 60e9, 3)
	for i := 1; i <= 1000; i++ {
		v := int64(scale * 1e3 * float64(i))
		lat.RecordValue(v)
		svc.RecordValue(v / 2)
	}
	s := sidecar.Series{IntervalNs: 1e8}
	for i := range 10 {
		s.T = append(s.T, 0.1*float64(i+1))
		s.OpsPerSec = append(s.OpsPerSec, 2000-100*scale)
		s.P99Ns = append(s.P99Ns, scale*1e6)
		s.Goroutines = append(s.Goroutines, 10+scale*float64(i))
		s.State = append(s.State, []string{"closed", "open", "half-open"}[i%3])
	}
	return sidecar.Trial{Name: name, Scenario: "workerpool-open", Pattern: "workerpool", Impl: impl,
		Params: map[string]string{"workers": "4"}, Rep: rep, Status: sidecar.StatusOK, Model: "open",
		Latency: &sidecar.Hist{Histogram: lat}, Service: &sidecar.Hist{Histogram: svc}, Series: s}
}

func TestGenerate(t *testing.T) {
	in := writeRun(t, t.TempDir())
	out := filepath.Join(t.TempDir(), "rep")
	htmlPath, err := Generate(out, []string{in, "testdata/old.txt"})
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
		{"go test section", "BenchmarkPool (go test)"},
		{"verdict (3 trials against 3 cannot be significant)", "no significant difference in peak-goroutines between channels and spawn"},
		{"verdict's number", "peak-goroutines: spawn 9.33× channels"},
		{"holm stated", "Holm–Bonferroni"},
		{"spectrum chart", "Latency percentile spectrum"},
		{"breaker state chart", "Breaker state"},
		{"scaling chart over workers", "ns/op vs workers"},
	}
	for _, tt := range tests {
		if !strings.Contains(page, tt.wantText) {
			t.Errorf("%s: page lacks %q", tt.giveWhat, tt.wantText)
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
	if err := os.Remove(sidecar.Path(in)); err != nil {
		t.Fatal(err)
	}
	htmlPath, err := Generate(filepath.Join(dir, "rep"), []string{in})
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
	tests := []struct {
		giveName string
		give     func() error
	}{
		{"Generate", func() error { _, err := Generate(t.TempDir(), []string{missing}); return err }},
		{"Compare old", func() error { return Compare(&bytes.Buffer{}, missing, "testdata/new.txt") }},
		{"Compare new", func() error { return Compare(&bytes.Buffer{}, "testdata/old.txt", missing) }},
	}
	for _, tt := range tests {
		err := tt.give()
		if err == nil || !strings.Contains(err.Error(), missing) {
			t.Errorf("%s: error %v does not name %s", tt.giveName, err, missing)
		}
	}
}

func TestCompareGolden(t *testing.T) {
	var got bytes.Buffer
	if err := Compare(&got, "testdata/old.txt", "testdata/new.txt"); err != nil {
		t.Fatal(err)
	}
	golden := "testdata/compare.golden"
	if *update {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != string(want) {
		t.Errorf("Compare output differs from %s (rerun with -update to accept):\ngot:\n%s\nwant:\n%s", golden, got.String(), want)
	}
}

// TestCompareMatchesBenchstat checks that every median and p-value
// `go tool benchstat old new` prints is in Compare's output.
func TestCompareMatchesBenchstat(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH, so benchstat cannot be run to compare with")
	}
	cmd := exec.Command(goBin, "tool", "benchstat", "testdata/old.txt", "testdata/new.txt")
	want, err := cmd.Output()
	if err != nil {
		t.Fatalf("go tool benchstat: %v", err)
	}
	var got bytes.Buffer
	if err := Compare(&got, "testdata/old.txt", "testdata/new.txt"); err != nil {
		t.Fatal(err)
	}
	nums := regexp.MustCompile(`(\S+) ± |(p=[0-9.]+ n=[0-9+]+)|([+-][0-9.]+%)`).FindAllStringSubmatch(string(want), -1)
	if len(nums) < 20 {
		t.Fatalf("found only %d numbers in benchstat's output:\n%s", len(nums), want)
	}
	for _, m := range nums {
		s := m[1] + m[2] + m[3]
		if !strings.Contains(got.String(), s) {
			t.Errorf("benchstat prints %q, Compare does not:\n%s", s, got.String())
		}
	}
}
