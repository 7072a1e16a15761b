package runbench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concbench/concbench/record"
)

// writeBurstRun writes a results file and its sidecar into dir/name: a
// scenario whose headline is p99-ns, with two designs, fast (p99 of
// fastP99 ns) and slow (3 ms), a demonstration faster than both, six
// trials each, and a claim that fast follows the advice slow ignores.
func writeBurstRun(t *testing.T, dir, name string, fastP99 float64) string {
	t.Helper()
	sc := record.Scenario{Name: "burst", Pattern: "workerpool", Hash: "h", Headline: []string{"p99-ns"},
		Description: "Bursty sleep-bound tasks: 1 ms sleeps in bursts.", Demos: map[string]string{"demo": "broken on purpose"},
		Claims: []record.Claim{{Guide: 1, Text: "Don't create too many goroutines", Unit: "p99-ns", Follows: "fast", Ignores: "slow"}}}
	var b strings.Builder
	fmt.Fprintf(&b, "gomaxprocs: 2\ndate: %s\n\n", name)
	var trials []record.Trial
	for impl, p99 := range map[string]float64{"fast": fastP99, "slow": 3e6, "demo": 1e3} {
		n := record.ScenarioPrefix + "scenario=burst/pattern=workerpool/impl=" + impl + "/workers=4"
		for rep := 1; rep <= 6; rep++ {
			fmt.Fprintf(&b, "Benchmark%s 1000 %g p99-ns %d peak-goroutines\n", n, p99*(1+0.01*float64(rep)), 70)
			trials = append(trials, record.Trial{Name: n, Scenario: "burst", Pattern: "workerpool", Impl: impl,
				Parts: []record.Part{{Key: "workers", Value: "4"}}, Rep: rep, Status: record.StatusOK})
		}
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var sb bytes.Buffer
	if err := record.WriteScenario(&sb, sc); err != nil {
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

// TestReportFormatMarkdown: the decision table and the claims audit as
// GitHub tables on stdout, and nothing written.
func TestReportFormatMarkdown(t *testing.T) {
	dir := t.TempDir()
	in := writeBurstRun(t, dir, "run.txt", 1e6)
	t.Chdir(dir) // the default -o DIR, report, must not appear
	out, stderr, code := runCLI(t, "report", "-format", "markdown", in)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"## Which design, for which workload",
		"| pattern | workload | headline | use | what the winner costs |",
		"| workerpool | `burst` Bursty sleep-bound tasks | p99-ns ↓ | **fast** 3.00× over slow | 70 goroutines |",
		"## Claims audit",
		"| 1 | Don't create too many goroutines | **holds**: fast is significantly better than slow in p99-ns. |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "demo") || strings.Contains(out, "what changed") {
		t.Errorf("the demonstration is a choice, or one file says what changed:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "report")); !os.IsNotExist(err) {
		t.Errorf("-format markdown wrote a report directory: %v", err)
	}

	// go test results alone: no scenario, so no table and no claim.
	gotest := filepath.Join(dir, "gotest.txt")
	if err := os.WriteFile(gotest, []byte("BenchmarkX/impl=a 1 5 ns/op\nBenchmarkX/impl=b 1 7 ns/op\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code = runCLI(t, "report", "-format", "markdown", gotest)
	if code != 0 || !strings.Contains(out, "These files hold no scenario results") || !strings.Contains(out, "No scenario of these files declares a claim.") {
		t.Errorf("go test results: exit %d, stderr %q, stdout:\n%s", code, stderr, out)
	}
}

// TestReportFormatJSON: the same data as JSON, and two runs' "what
// changed": the winner went from slow to fast.
func TestReportFormatJSON(t *testing.T) {
	dir := t.TempDir()
	old, newer := writeBurstRun(t, dir, "old.txt", 6e6), writeBurstRun(t, dir, "new.txt", 1e6)
	out, stderr, code := runCLI(t, "report", "-format", "json", old, newer)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		Files     []string `json:"files"`
		Decisions struct {
			ComparedFiles []string `json:"compared_files"`
			Rows          []struct {
				Scenario, Pattern, Summary string
				Headline                   []struct{ Unit, Better, Outcome, Use, By, Cost, Change string }
				Combinations               []struct {
					Cells []struct {
						Best     string
						RunnerUp string `json:"runner_up"`
						Ratio    float64
						Change   struct {
							Before  string  `json:"winner_before"`
							After   string  `json:"winner_after"`
							Changed bool    `json:"winner_changed"`
							Moved   float64 `json:"moved"`
						}
					}
				}
			}
		} `json:"decision_table"`
		Claims []struct{ Claim, Verdict string } `json:"claims_audit"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out)
	}
	if len(doc.Decisions.ComparedFiles) != 2 || len(doc.Decisions.Rows) != 1 {
		t.Fatalf("compared %v, %d rows, want both files and 1 row:\n%s", doc.Decisions.ComparedFiles, len(doc.Decisions.Rows), out)
	}
	r := doc.Decisions.Rows[0]
	l := r.Headline[0]
	if r.Pattern != "workerpool" || r.Summary != "Bursty sleep-bound tasks" || l.Unit != "p99-ns" || l.Better != "lower" || l.Outcome != "winner" || l.Use != "fast" || l.By != "3.00× over slow" {
		t.Errorf("row %+v", r)
	}
	if l.Change != "winner changed (was slow), median -83.3%" {
		t.Errorf("change %q", l.Change)
	}
	c := r.Combinations[0].Cells[0]
	if c.Best != "fast" || c.RunnerUp != "slow" || c.Ratio != 3 || !c.Change.Changed || c.Change.Before != "slow" || c.Change.After != "fast" {
		t.Errorf("cell %+v", c)
	}
	if len(doc.Claims) != 1 || doc.Claims[0].Verdict != "holds" {
		t.Errorf("claims %+v", doc.Claims)
	}
}

// TestReportFormatRefusals: a bad -format, or -o with a text format, is
// bad usage (exit 2), with nothing written.
func TestReportFormatRefusals(t *testing.T) {
	dir := t.TempDir()
	in := writeBurstRun(t, dir, "run.txt", 1e6)
	out := filepath.Join(dir, "rep")
	tests := []struct {
		name     string
		args     []string
		wantText string
	}{
		{"unknown format", []string{"report", "-format", "xml", in}, `report: -format "xml": want html, markdown or json`},
		{"unknown format, no files", []string{"report", "-format", "xml"}, `report: -format "xml"`},
		{"-o with markdown", []string{"report", "-format", "markdown", "-o", out, in}, "-o and -inline shape the HTML page"},
		{"-inline with json", []string{"report", "-format", "json", "-inline", in}, "-o and -inline shape the HTML page"},
		{"no files", []string{"report", "-format", "json"}, "report: no result files given"},
		{"no results", []string{"report", "-format", "markdown", filepath.Join("testdata", "userbin", "main.go")}, "no benchmark results"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, tt.args...)
			if code != 2 || !strings.Contains(stderr, tt.wantText) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.wantText)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("report directory written: %v", err)
			}
		})
	}
}
