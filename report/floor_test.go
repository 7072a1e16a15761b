package report

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/concbench/concbench/record"
)

// floorFiles writes a scenario results file with implementations a and b
// and a third, "z", whose sidecar trials are marked Floor (or not),
// six repetitions each; z is the fastest, so only its mark keeps it from
// winning.
func floorFiles(t *testing.T, markFloor bool) string {
	t.Helper()
	dir := t.TempDir()
	var txt bytes.Buffer
	var trials []record.Trial
	for rep := 1; rep <= 6; rep++ {
		for _, impl := range []string{"a", "b", "z"} {
			lat := map[string]int64{"a": 2_000_000, "b": 3_000_000, "z": 20_000}[impl] + int64(rep)*1000
			name := "Scenario/scenario=s/pattern=workerpool/impl=" + impl + "/workers=4"
			fmt.Fprintf(&txt, "Benchmark%s 100 %d ops/s %d p50-ns %d p99-ns\n", name, 1000+rep, lat, 2*lat)
			h := hdrhistogram.New(1, 1e12, 3)
			for i := range 100 {
				h.RecordValue(lat + int64(i)*100)
			}
			trials = append(trials, record.Trial{
				Name: name, Scenario: "s", Pattern: "workerpool", Impl: impl, Rep: rep, Status: record.StatusOK,
				Model: "open", Ops: 100, WindowOps: 100, WindowNs: 1e8, Floor: markFloor && impl == "z",
				Latency: &record.Hist{Histogram: h}, Service: &record.Hist{Histogram: h}, Lateness: &record.Hist{Histogram: h},
			})
		}
	}
	in := filepath.Join(dir, "results.txt")
	if err := os.WriteFile(in, txt.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var side bytes.Buffer
	// p99-ns is the headline: the only unit a winner is named on.
	if err := record.WriteScenario(&side, record.Scenario{Name: "s", Pattern: "workerpool", Headline: []string{"p99-ns"}}); err != nil {
		t.Fatal(err)
	}
	if err := record.Write(&side, trials); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(record.Path(in), side.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return in
}

// TestFloorRowFromData: the report finds the floor by the sidecar's mark,
// not by its name: marked, its row is labelled as the floor, never the
// winner or the baseline, and the spectrum draws it; unmarked, the same
// rows are ordinary implementations and the fastest one wins.
func TestFloorRowFromData(t *testing.T) {
	for _, marked := range []bool{true, false} {
		t.Run(fmt.Sprint("marked=", marked), func(t *testing.T) {
			in := floorFiles(t, marked)
			htmlPath, err := Generate(context.Background(), filepath.Join(filepath.Dir(in), "rep"), []string{in}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(htmlPath)
			if err != nil {
				t.Fatal(err)
			}
			page := html.UnescapeString(string(b))
			hasRow := strings.Contains(page, `<td class="l">`+floorLabel+`</td>`)
			zWins := strings.Contains(page, `<td class="l">z ★</td>`)
			floorWins := strings.Contains(page, floorLabel+" ★")
			// The spectrum's interactive view names the floor's line.
			hasLine := regexp.MustCompile(`(?s)<svg[^>]*>(?:[^<]|<[^/]|</[^s])*` + regexp.QuoteMeta(floorLabel)).MatchString(page)
			if marked && (!hasRow || zWins || floorWins || !hasLine) {
				t.Errorf("marked floor: row %v (want true), z wins %v, floor wins %v (want false), spectrum line %v (want true)", hasRow, zWins, floorWins, hasLine)
			}
			if !marked && (hasRow || !zWins || hasLine) {
				t.Errorf("no floor mark: floor row %v (want false), z wins %v (want true), floor line %v (want false)", hasRow, zWins, hasLine)
			}
			if os.Getenv("DUMP") != "" {
				t.Log(page)
			}
			if !strings.Contains(page, latencyNote) {
				t.Error("the page does not say what its latencies include")
			}
		})
	}
}

// Two files of the same benchmarks are two columns: the floor stays the
// floor in each, and the rankings read the last file alone, never a pool
// of the two runs.
func TestFloorAndRankingsWithFileColumns(t *testing.T) {
	a, b := floorFiles(t, true), floorFiles(t, true)
	ds, err := readFiles([]string{a, b})
	if err != nil {
		t.Fatal(err)
	}
	pg := buildModel(ds)
	g := pg.Sections[0].Groups[0]
	if g.Files == nil {
		t.Fatal("two files of the same benchmarks did not become columns")
	}
	tb := g.table("p99-ns")
	var impls []string
	for _, gr := range tb.Grid {
		impls = append(impls, gr.Impl)
	}
	if strings.Join(impls, ",") != "a,b,z" || !tb.Grid[2].Floor {
		t.Errorf("grid rows %q, want a, b and the floor last", impls)
	}
	for _, r := range tb.Rows {
		if r.Floor && (r.Winner || r.Baseline || r.cmp.N1 > 0) {
			t.Errorf("row %+v: the floor compared or ranked as an implementation", r)
		}
	}
	rk := pg.Sections[0].Summary.Rankings[0]
	for _, r := range rk.Rows {
		if r.N != 6 {
			t.Errorf("ranking row %s has n=%d, want 6 (the last file's trials, not both files')", r.Impl, r.N)
		}
	}
}
