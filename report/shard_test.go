package report

// This test imports scenarios, which report's own code never does: the
// report reads files only. Tests may, to produce real result files.

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/concbench/concbench/harness"
	"github.com/concbench/concbench/record"
	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"
	"github.com/concbench/concbench/trial"
)

// fakeExec returns, without running any load, a deterministic ok record
// for each trial: its histograms and counts are drawn from a generator
// seeded by the trial's name and repetition, so a trial gets the same
// record whichever run or shard it is in.
func fakeExec(reg *targets.Registry) trial.Executor {
	return func(_ context.Context, ts trial.Spec) (record.Trial, error) {
		name := ts.Name(reg)
		h := fnv.New64a()
		fmt.Fprintf(h, "%s rep %d", name, ts.Rep)
		rng := rand.New(rand.NewPCG(h.Sum64(), 7))
		lat, svc, late := hdrhistogram.New(1, 1e9, 3), hdrhistogram.New(1, 1e9, 3), hdrhistogram.New(1, 1e9, 3)
		scale := 1 + 9*rng.Float64()
		const ops = 300
		for range ops {
			v := int64(scale * 1e3 * (1 + 20*rng.ExpFloat64()))
			_ = lat.RecordValue(v)
			_ = svc.RecordValue(v / 2)
			_ = late.RecordValue(v / 4)
		}
		procs := ts.Procs
		if procs == 0 {
			procs = 2
		}
		return record.Trial{
			Name: name, Scenario: ts.Scenario.Name, Pattern: ts.Scenario.Pattern, Impl: ts.Impl, Params: ts.Params, Rep: ts.Rep,
			Status: record.StatusOK, GOMAXPROCS: procs, Model: string(ts.Scenario.Load.Model), TargetRate: ts.Rate,
			Ops: ops, WindowOps: 250 + rng.Int64N(100), Issued: ops, WindowNs: 1e8, ElapsedNs: 1e8,
			Latency: &record.Hist{Histogram: lat}, Service: &record.Hist{Histogram: svc}, Lateness: &record.Hist{Histogram: late},
			BaselineGoroutines: 3, PeakGoroutines: 4 + rng.IntN(60), QuiesceNs: rng.Int64N(1e6),
		}, nil
	}
}

// cellModel is what the report computes for one cell (one table group):
// the implementations in the order the report lists them (the first is
// the baseline every other is tested against), each table's rows, and each
// implementation's latency histogram merged over its repetitions.
type cellModel struct {
	Impls  []string
	Rows   map[string]string     // "unit impl" → median, CI, delta vs baseline; "unit" → the table's verdict
	Center map[string]float64    // "unit impl" → the median, unformatted
	Merged map[string][4]float64 // impl → p50, p99, p99.9, max of the merged corrected latency
}

// reportModel reads files as `runbench report` does and returns, per
// section and table group, its cellModel; the claims' verdicts; and each
// configuration key's values over all files, without excluded keys.
func reportModel(t *testing.T, files []string, exclude ...string) (map[string]*cellModel, []string, map[string][]string) {
	t.Helper()
	ds, err := readFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Syntax) > 0 || len(ds.TrialErr) > 0 {
		t.Fatalf("reading %v: %q %q", files, ds.Syntax, ds.TrialErr)
	}
	cellsOut := map[string]*cellModel{}
	sections := buildSections(ds)
	for _, s := range sections {
		for _, g := range s.Groups {
			m := &cellModel{Impls: g.Impls, Rows: map[string]string{}, Center: map[string]float64{}, Merged: map[string][4]float64{}}
			// As buildPage does, without drawing the charts.
			for _, u := range g.units(ds, s.Scenario) {
				tab := newStatTable(u, ds.better(u), g.Impls, g.values(u), true)
				g.Tables = append(g.Tables, tab)
				m.Rows[u] = formatOutcome(tab.Outcome)
				for _, r := range tab.Rows {
					m.Rows[u+" "+r.Impl] = strings.Join([]string{formatValue(u, r.Summary.Center), formatInterval(u, r.CI), rowDelta(r), formatP(r)}, " | ")
					m.Center[u+" "+r.Impl] = r.Summary.Center
				}
			}
			for _, impl := range g.Impls {
				var hs []*record.Hist
				for _, tr := range g.trials[impl] {
					if usable(tr) {
						hs = append(hs, tr.Latency)
					}
				}
				if h := record.Merge(hs...); h != nil {
					m.Merged[impl] = [4]float64{float64(h.ValueAtQuantile(50)), float64(h.ValueAtQuantile(99)), float64(h.ValueAtQuantile(99.9)), float64(h.Max())}
				}
			}
			key := s.Title + " " + g.Key
			if cellsOut[key] != nil {
				t.Fatalf("group %q twice", key)
			}
			cellsOut[key] = m
		}
	}
	var vs []string
	for _, v := range audit(ds, sections) {
		d := v.details()
		slices.Sort(d) // detail lines follow group order, which is file order
		vs = append(vs, v.Claim.Text+": "+v.answer()+" ["+strings.Join(d, "; ")+"]")
	}
	config := map[string][]string{}
	for _, f := range ds.Files {
		for _, c := range f.Config {
			if slices.Contains(exclude, c.Key) {
				continue
			}
			for v := range strings.SplitSeq(c.Value, ", ") {
				if !slices.Contains(config[c.Key], v) {
					config[c.Key] = append(config[c.Key], v)
				}
			}
		}
	}
	for _, vals := range config {
		slices.Sort(vals)
	}
	return cellsOut, vs, config
}

// TestShardedReportEqualsUnsharded runs a study whole into one folder and
// in shards into others, with the same fake executor, and checks that the
// report of the shards' files together says what the report of the whole
// run says: per cell, the same implementations in the same order (so the
// same baseline), the same medians, intervals and significance per table,
// unit and implementation, the same merged HDR percentiles, and the same
// verdicts.
func TestShardedReportEqualsUnsharded(t *testing.T) {
	pats := targets.Builtin()
	// Scenarios of every shape, kept few: Run rewrites its files after
	// every trial, and the test runs the plan three times. A rate list
	// (workerpool-knee), a claim's scenario (workerpool-open), a closed loop
	// (fanout-heavytail), the harness, and a grid of parameters by
	// GOMAXPROCS.
	var specs []scenarios.Spec
	for _, name := range []string{"workerpool-knee", "workerpool-open", "fanout-heavytail", "harness-overhead"} {
		s, err := scenarios.Find(name, pats)
		if err != nil {
			t.Fatal(err)
		}
		specs = append(specs, s)
	}
	grid, err := scenarios.Parse("grid.yaml", []byte(`name: grid
pattern: breaker
impls: [mutex, atomic, gobreaker]
params: {failures: [3, 5]}
load: {model: closed, duration: 10ms}
gomaxprocs: [1, 2]
claims:
  - {guide: 11, text: a claim that travels through shards, unit: ops/s, follows: atomic, ignores: gobreaker}
`), pats)
	if err != nil {
		t.Fatal(err)
	}
	plan := harness.Plan(append(specs, grid), pats, nil, 3)
	exec := fakeExec(pats)
	run := func(dir, date string, plan []trial.Spec) string {
		t.Helper()
		// Each run gets its own date, as runs on different machines do.
		cfg := []harness.KV{{Key: "goos", Value: "linux"}, {Key: "cpu", Value: "Test CPU"}, {Key: "commit", Value: "abc123"}, {Key: "date", Value: date}}
		sum, err := harness.Run(context.Background(), plan, pats, harness.Options{OutDir: dir, Exec: exec, Config: cfg})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Partial || len(sum.Failed()) > 0 {
			t.Fatalf("%s: partial %v, %d failed", dir, sum.Partial, len(sum.Failed()))
		}
		return sum.Results
	}
	whole := run(filepath.Join(t.TempDir(), "A"), "2026-01-01T00:00:00Z", plan)
	wantCells, wantVerdicts, wantConfig := reportModel(t, []string{whole}, "date")
	if len(wantCells) < 10 || len(wantVerdicts) == 0 {
		t.Fatalf("the whole run has %d cells and %d verdicts; the test needs a larger plan", len(wantCells), len(wantVerdicts))
	}
	for _, n := range []int{3, 4} {
		t.Run(fmt.Sprintf("%d shards", n), func(t *testing.T) {
			var parts []string
			for i := range n {
				shard := harness.Shard(plan, i, n)
				if len(shard) == 0 {
					t.Fatalf("shard %d/%d is empty", i, n)
				}
				dir := filepath.Join(t.TempDir(), fmt.Sprintf("B%d", i))
				parts = append(parts, run(dir, fmt.Sprintf("2026-01-0%dT00:00:00Z", i+2), shard))
			}
			// The dates differ between the runs (and nothing else should):
			// that is why "date" is excluded from the comparison.
			_, _, allConfig := reportModel(t, append([]string{whole}, parts...))
			if len(allConfig["date"]) != n+1 {
				t.Fatalf("date values %q, want %d different ones", allConfig["date"], n+1)
			}
			gotCells, gotVerdicts, gotConfig := reportModel(t, parts, "date")
			// Shards hold disjoint cells: their groups are one column
			// each, as the whole run's are, not a column per shard.
			ds, err := readFiles(parts)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range buildSections(ds) {
				for _, g := range s.Groups {
					if fs := g.columnFiles(ds.Files); fs != nil {
						t.Errorf("group %s %s: columns %v, want one: no row is in two shards", s.Title, g.Key, fs)
					}
				}
			}
			if !reflect.DeepEqual(gotConfig, wantConfig) {
				t.Errorf("config lines of the shards %v, of the whole run %v", gotConfig, wantConfig)
			}
			if !slices.Equal(gotVerdicts, wantVerdicts) {
				t.Errorf("verdicts of the shards:\n%s\nof the whole run:\n%s", strings.Join(gotVerdicts, "\n"), strings.Join(wantVerdicts, "\n"))
			}
			for key, want := range wantCells {
				got := gotCells[key]
				switch {
				case got == nil:
					t.Errorf("%s: missing from the shards' report", key)
				case !slices.Equal(got.Impls, want.Impls):
					t.Errorf("%s: implementations %q, whole run %q (a different baseline)", key, got.Impls, want.Impls)
				case !reflect.DeepEqual(got.Rows, want.Rows):
					t.Errorf("%s: tables\n%v\nwhole run\n%v", key, got.Rows, want.Rows)
				case !reflect.DeepEqual(got.Center, want.Center):
					t.Errorf("%s: medians %v, whole run %v", key, got.Center, want.Center)
				case !reflect.DeepEqual(got.Merged, want.Merged):
					t.Errorf("%s: merged latency percentiles %v, whole run %v", key, got.Merged, want.Merged)
				}
			}
			for key := range gotCells {
				if wantCells[key] == nil {
					t.Errorf("%s: in the shards' report only", key)
				}
			}
		})
	}
}
