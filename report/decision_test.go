package report

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concbench/concbench/record"
)

// dtLine is an implementation's results in one parameter combination of a
// scenario: reps trials around the given medians (each unit's values
// spread by ±1%, the median exact, so that six trials apart are significant and two sets
// of the same medians are not).
type dtLine struct {
	scenario, pattern, impl string
	params                  []record.Part
	floor                   bool
	vals                    map[string]float64
}

// writeDecisionRun writes a results file and its sidecar into dir/name:
// the scenarios' descriptions, and six trials of each line.
func writeDecisionRun(t *testing.T, dir, name string, scs []record.Scenario, lines []dtLine) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "goos: linux\ngomaxprocs: 2\ndate: %s\n\n", name)
	var trials []record.Trial
	for _, l := range lines {
		n := record.ScenarioPrefix + "scenario=" + l.scenario + "/pattern=" + l.pattern + "/impl=" + l.impl
		for _, p := range l.params {
			n += "/" + p.Key + "=" + p.Value
		}
		for rep := 1; rep <= 6; rep++ {
			fmt.Fprintf(&b, "Benchmark%s 1000", n)
			for _, u := range []string{"ops/s", "p99-ns", "peak-goroutines", "peak-stack-bytes", "B/op", "cpu-ns/op"} {
				if v, ok := l.vals[u]; ok {
					fmt.Fprintf(&b, " %g %s", v*(1+0.004*(float64(rep)-3.5)), u)
				}
			}
			b.WriteString("\n")
			trials = append(trials, record.Trial{Name: n, Scenario: l.scenario, Pattern: l.pattern, Impl: l.impl, Parts: l.params,
				Rep: rep, Status: record.StatusOK, Floor: l.floor, Model: "open"})
		}
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var sb bytes.Buffer
	if err := record.WriteRun(&sb, record.Run{Date: name}); err != nil {
		t.Fatal(err)
	}
	for _, sc := range scs {
		if err := record.WriteScenario(&sb, sc); err != nil {
			t.Fatal(err)
		}
	}
	if err := record.Write(&sb, trials); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(record.Path(path), sb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// poolScenario is a scenario of three rates whose headline is p99-ns and
// ops/s, with a demonstration; quietScenario declares no headline.
var (
	poolScenario = record.Scenario{Name: "pool-burst", Pattern: "workerpool", Hash: "h1", Headline: []string{"p99-ns", "ops/s"},
		Description: "Bursty sleep-bound tasks: 1 ms sleeps offered in bursts. The pools queue them.",
		Demos:       map[string]string{"broken": "never waits for its workers"}}
	quietScenario = record.Scenario{Name: "quiet", Pattern: "pipeline", Hash: "h2", Description: "Nothing to rank."}
)

func rate(r string) []record.Part {
	return []record.Part{{Key: "workers", Value: "4"}, {Key: "rate", Value: r}}
}

// poolLines: at rates 1000 and 2000, a has a third of b's p99 (a wins
// by 3×) and the same throughput (no meaningful difference); at 4000, b
// has a p99 of bAt4000 against a's 1 ms. The demonstration and the floor
// are far better than both, and must win nothing.
func poolLines(bAt4000 float64) []dtLine {
	var out []dtLine
	for _, r := range []string{"1000", "2000", "4000"} {
		bp99 := 3e6
		if r == "4000" {
			bp99 = bAt4000
		}
		out = append(out,
			dtLine{"pool-burst", "workerpool", "a", rate(r), false, map[string]float64{"p99-ns": 1e6, "ops/s": 1000, "peak-goroutines": 70, "peak-stack-bytes": 600 << 10, "B/op": 64, "cpu-ns/op": 15e3}},
			dtLine{"pool-burst", "workerpool", "b", rate(r), false, map[string]float64{"p99-ns": bp99, "ops/s": 1000, "peak-goroutines": 5000, "peak-stack-bytes": 12 << 20, "B/op": 64, "cpu-ns/op": 15e3}},
			dtLine{"pool-burst", "workerpool", "broken", rate(r), false, map[string]float64{"p99-ns": 1e3, "ops/s": 9000}},
			dtLine{"pool-burst", "workerpool", "floor", rate(r), true, map[string]float64{"p99-ns": 10, "ops/s": 9000}},
		)
	}
	return append(out, dtLine{"quiet", "pipeline", "x", nil, false, map[string]float64{"ops/s": 5}})
}

// changeString is what the table says changed in row r's unit i.
func changeString(dt *decisionTable, r *decisionRow, i int) string {
	s, note := dt.change(r, i)
	return decisionLine{Change: s, ChangeNote: note}.changeText()
}

func decisionsOf(t *testing.T, files ...string) *decisionTable {
	t.Helper()
	ds, err := readFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	return buildModel(ds).Decisions
}

// TestDecisionTableRows: the table's rows from a small dataset: the
// winner and its ratio, no meaningful difference, the winner's cost,
// combinations with the same winners merged into one row, and the
// demonstration and the floor, far better than both, never a choice.
func TestDecisionTableRows(t *testing.T) {
	dir := t.TempDir()
	dt := decisionsOf(t, writeDecisionRun(t, dir, "run.txt", []record.Scenario{poolScenario, quietScenario}, poolLines(0.5e6)))
	if len(dt.Rows) != 2 {
		t.Fatalf("%d rows, want 2 (rates 1000 and 2000 name the same winners, 4000 another)", len(dt.Rows))
	}
	r := dt.Rows[0]
	if r.Pattern != "workerpool" || r.Scenario != "pool-burst" || r.Summary != "Bursty sleep-bound tasks" || r.Of != 3 || len(r.Combos) != 2 {
		t.Errorf("row 0: %q %q %q, %d of %d combinations", r.Pattern, r.Scenario, r.Summary, len(r.Combos), r.Of)
	}
	if got := r.where(); got != "rate=1000, 2000" {
		t.Errorf("row 0 where %q, want rate=1000, 2000", got)
	}
	c := r.Combos[0].Cells[0]
	if c.Kind != decisionWinner || c.Best != "a" || c.Second != "b" || math.Abs(c.Ratio-3) > 1e-9 || !(c.P < 0.05) {
		t.Errorf("p99-ns at rate 1000: %s %s over %s by %v (p=%v), want a winner a over b by 3", c.Kind, c.Best, c.Second, c.Ratio, c.P)
	}
	if got, want := r.by(0), "3.00× over b"; got != want {
		t.Errorf("by %q, want %q", got, want)
	}
	if got, want := strings.Join(r.cost(0), " · "), "70 goroutines (0.014×) · 600 KiB stack (0.049×) · 15 µs CPU/op"; got != want {
		t.Errorf("cost %q, want %q (B/op only where there is no stack)", got, want)
	}
	if got := len(c.Cost); got != 4 {
		t.Errorf("the cell has %d cost units, want all 4: %+v", got, c.Cost)
	}
	if c := r.Combos[1].Cells[1]; c.Kind != decisionNone || r.use(1) != decisionNone || r.cost(1) != nil {
		t.Errorf("ops/s at rate 2000: %s (use %q, cost %q), want no meaningful difference and no cost", c.Kind, r.use(1), r.cost(1))
	}
	r = dt.Rows[1]
	if c := r.Combos[0].Cells[0]; r.where() != "rate=4000" || c.Kind != decisionWinner || c.Best != "b" || math.Abs(c.Ratio-2) > 1e-9 {
		t.Errorf("rate 4000: %q %s %s by %v, want b by 2", r.where(), c.Kind, c.Best, c.Ratio)
	}
	for _, r := range dt.Rows {
		for _, cb := range r.Combos {
			for _, c := range cb.Cells {
				for _, impl := range []string{c.Best, c.Second} {
					if impl == "broken" || impl == "floor" {
						t.Errorf("%s %s: %s names %s, a demonstration or the floor", r.Scenario, cb.Params, c.Kind, impl)
					}
				}
			}
		}
	}
	if len(dt.LeftOut) != 1 || dt.LeftOut[0].Scenario != "quiet" || !strings.Contains(dt.LeftOut[0].Why, "no headline") {
		t.Errorf("left out %+v, want quiet for its lack of a headline", dt.LeftOut)
	}
	if dt.Files != nil {
		t.Errorf("one file compares files %v", dt.Files)
	}
}

// TestDecisionTableWhatChanged: two runs of the same scenario as "what
// changed": at rate 4000 the winner changes from a to b; at the others
// it stays a, and its median did not move; a scenario whose file changed
// between the runs is ambiguous, and says so.
func TestDecisionTableWhatChanged(t *testing.T) {
	dir := t.TempDir()
	old := writeDecisionRun(t, dir, "old.txt", []record.Scenario{poolScenario, quietScenario}, poolLines(4e6))
	newer := poolLines(0.5e6) // at 4000, b went from 4 ms to 0.5 ms
	dt := decisionsOf(t, old, writeDecisionRun(t, dir, "new.txt", []record.Scenario{poolScenario, quietScenario}, newer))
	if len(dt.Files) != 2 || dt.Files[0] != old {
		t.Fatalf("files compared %v, want old then new", dt.Files)
	}
	if len(dt.Rows) != 2 {
		t.Fatalf("%d rows, want 2", len(dt.Rows))
	}
	same := dt.Rows[0].Combos[0].Cells[0].Change
	if same == nil || !same.Compared || same.Changed() || same.Before != "a" || same.Design != "a" || math.Abs(same.Moved) > 1e-9 || same.Note != "" {
		t.Fatalf("rate 1000 p99-ns: %+v, want the same winner a, not moved", same)
	}
	if got := changeString(dt, dt.Rows[0], 0); got != "same winner, median +0.0% (n.s.)" {
		t.Errorf("rate 1000 change %q", got)
	}
	ch := dt.Rows[1].Combos[0].Cells[0].Change
	if !ch.Changed() || ch.Before != "a" || ch.After != "b" || ch.Design != "b" || math.Abs(ch.Moved-(0.5e6/4e6-1)) > 1e-9 || !(ch.MovedP < 0.05) {
		t.Fatalf("rate 4000 p99-ns: %+v, want a then b, the median of b -87.5%%", ch)
	}
	if got := changeString(dt, dt.Rows[1], 0); got != "winner changed (was a), median -87.5%" {
		t.Errorf("rate 4000 change %q", got)
	}
	if got := changeString(dt, dt.Rows[1], 1); got != "no winner in either file" {
		t.Errorf("rate 4000 ops/s change %q", got)
	}

	// A combination in one file only has nothing to compare.
	var fewer []dtLine
	for _, l := range newer {
		if len(l.params) == 0 || l.params[1].Value != "4000" {
			fewer = append(fewer, l)
		}
	}
	dt = decisionsOf(t, old, writeDecisionRun(t, dir, "fewer.txt", []record.Scenario{poolScenario, quietScenario}, fewer))
	if got, want := changeString(dt, dt.Rows[len(dt.Rows)-1], 0), "only in "+old+": nothing to compare"; got != want {
		t.Errorf("rate 4000 in one file: change %q, want %q", got, want)
	}

	// The scenario's file changed between the runs: the comparison is
	// ambiguous, and each row says so.
	changed := poolScenario
	changed.Hash = "h1-changed"
	dt = decisionsOf(t, old, writeDecisionRun(t, dir, "new2.txt", []record.Scenario{changed, quietScenario}, newer))
	for _, r := range dt.Rows {
		if got := changeString(dt, r, 0); !strings.Contains(got, "ambiguous: the scenario's file changed") {
			t.Errorf("%s: change %q does not say it is ambiguous", r.where(), got)
		}
	}
}

// TestDecisionTooFewTrials: a best median not significantly better is
// "no meaningful difference" only where the trials could have shown one;
// with three against three, far apart, it is too few trials to tell.
func TestDecisionTooFewTrials(t *testing.T) {
	tests := []struct {
		name       string
		best, next []float64
		want       string
	}{
		{"3 against 3, 5x apart", []float64{1, 1.1, 1.2}, []float64{5, 5.5, 6}, decisionTooFew},
		{"6 against 6, 5x apart", []float64{1, 1.1, 1.2, 1, 1.1, 1.2}, []float64{5, 5.5, 6, 5, 5.5, 6}, decisionWinner},
		{"6 against 6, overlapping", []float64{1, 2, 3, 4, 5, 6}, []float64{1.5, 2.5, 3.5, 4.5, 5.5, 6.5}, decisionNone},
		{"a tie", []float64{2, 2, 2}, []float64{2, 2, 2}, decisionNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := newStatTable("p99-ns", -1, []string{"x", "y"}, map[string][]float64{"x": tt.best, "y": tt.next}, true)
			if got := cellOf(ranked(tb.Rows, -1), tb.Outcome, -1).Kind; got != tt.want {
				t.Errorf("kind %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSummaryTextEdges: a winner whose median is 0 in a lower-is-better
// unit beats the runner-up by ∞ (null in JSON, which has no infinity);
// without stack memory, the cost shows heap bytes per operation; a
// headline unit the results lack is "not measured"; text of the files
// never becomes markdown markup.
func TestSummaryTextEdges(t *testing.T) {
	sc := record.Scenario{Name: "edge", Pattern: "fanout", Headline: []string{"p99-ns", "quiesce-ns"}, Description: "Pipes | and <b>tags</b>: the rest."}
	in := writeDecisionRun(t, t.TempDir(), "run.txt", []record.Scenario{sc}, []dtLine{
		{"edge", "fanout", "a", nil, false, map[string]float64{"p99-ns": 0, "B/op": 64}},
		{"edge", "fanout", "b", nil, false, map[string]float64{"p99-ns": 3e6, "B/op": 128}},
	})
	var md, js bytes.Buffer
	if err := WriteSummary(&md, []string{in}, Markdown); err != nil {
		t.Fatal(err)
	}
	if err := WriteSummary(&js, []string{in}, JSON); err != nil {
		t.Fatal(err)
	}
	if want := "| fanout | `edge` Pipes \\| and &lt;b&gt;tags&lt;/b&gt; | p99-ns ↓ | **a** ∞× over b | 64 B/op (0.50×) |"; !strings.Contains(md.String(), want) {
		t.Errorf("markdown lacks %q:\n%s", want, md.String())
	}
	if want := "|  |  | quiesce-ns ↓ | not measured |  |"; !strings.Contains(md.String(), want) {
		t.Errorf("markdown lacks %q (a headline unit the results lack):\n%s", want, md.String())
	}
	if want := `"ratio": null`; !strings.Contains(js.String(), want) {
		t.Errorf("json lacks %q:\n%s", want, js.String())
	}
	if err := WriteSummary(&md, []string{in}, "html"); err == nil {
		t.Error("WriteSummary wrote html")
	}
}

// TestDecisionCostShownOnce: a row whose units name the same winner at
// the same cost shows that cost once, over both lines; a line counts the
// disturbed trials its rankings rest on.
func TestDecisionCostShownOnce(t *testing.T) {
	cell := func() *decisionCell {
		return &decisionCell{Kind: decisionWinner, Best: "a", Second: "b", Ratio: 2, P: 0.002, Disturbed: 2,
			Cost: []costValue{{Unit: "peak-goroutines", Value: 10, Second: 50}}}
	}
	none := &decisionCell{Kind: decisionNone, Best: "a", Second: "b", Ratio: 1.01, P: 0.5}
	r := &decisionRow{Pattern: "p", Scenario: "s", Units: []string{"p99-ns", "ops/s", "mean-ns"}, Better: []int{-1, 1, -1}, Of: 1,
		Combos: []*decisionCombo{{Cells: []*decisionCell{cell(), cell(), none}}}}
	ls := (&decisionTable{Rows: []*decisionRow{r}}).lines()
	if got := []int{ls[0].CostSpan, ls[1].CostSpan, ls[2].CostSpan}; got[0] != 2 || got[1] != 0 || got[2] != 1 {
		t.Errorf("cost spans %v, want [2 0 1]", got)
	}
	if got := ls[0].costText(); got != "10 goroutines (0.20×)" {
		t.Errorf("cost %q", got)
	}
	if ls[0].Disturbed != 2 || ls[2].Disturbed != 0 {
		t.Errorf("disturbed trials %d and %d, want 2 and 0", ls[0].Disturbed, ls[2].Disturbed)
	}
	if ls[0].PatternSpan != 3 || ls[0].RowSpan != 3 {
		t.Errorf("pattern and row span %d and %d lines, want 3", ls[0].PatternSpan, ls[0].RowSpan)
	}
}
