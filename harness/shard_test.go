package harness

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"
	"github.com/concbench/concbench/trial"
)

// cellOf names a trial's cell as the tests understand it, apart from the
// code under test: scenario, parameter values, rate and GOMAXPROCS.
func cellOf(ts trial.Spec) string {
	var params []string
	for k, v := range ts.Params {
		params = append(params, k+"="+v)
	}
	slices.Sort(params)
	return fmt.Sprintf("%s %v rate=%v procs=%d", ts.Scenario.Name, params, ts.Rate, ts.Procs)
}

// trialKey identifies a trial within a plan: its cell, implementation and
// repetition. A plan that lists a scenario twice has each key twice.
func trialKey(ts trial.Spec) string {
	return fmt.Sprintf("%s impl=%s rep=%d", cellOf(ts), ts.Impl, ts.Rep)
}

// checkShards splits plan into n shards with Shard and checks what every
// machine of a study relies on: the shards are disjoint and together hold
// every trial of the plan exactly as often as the plan does; every cell is
// in one shard, whole, in plan order; the split is the same every time; and
// the shards' trial counts differ by at most the largest cell. It returns
// the shards.
func checkShards(t *testing.T, plan []trial.Spec, n int) [][]trial.Spec {
	t.Helper()
	want := map[string]int{} // trial → times in the plan
	cellSize := map[string]int{}
	for _, ts := range plan {
		want[trialKey(ts)]++
		cellSize[cellOf(ts)]++
	}
	shards := make([][]trial.Spec, n)
	got := map[string]int{}
	cellHome := map[string]int{}
	for i := range n {
		shards[i] = Shard(plan, i, n)
		if again := Shard(plan, i, n); !slices.EqualFunc(again, shards[i], func(a, b trial.Spec) bool { return trialKey(a) == trialKey(b) }) {
			t.Fatalf("shard %d/%d differs between two calls", i, n)
		}
		for _, ts := range shards[i] {
			got[trialKey(ts)]++
			c := cellOf(ts)
			if h, ok := cellHome[c]; ok && h != i {
				t.Fatalf("n=%d: cell %q is in shards %d and %d", n, c, h, i)
			}
			cellHome[c] = i
		}
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("n=%d: trial %q is %d times in the shards, %d times in the plan", n, k, got[k], w)
		}
	}
	for k, g := range got {
		if want[k] == 0 {
			t.Errorf("n=%d: trial %q is in %d shards but not in the plan", n, k, g)
		}
	}
	// Each shard is exactly the plan's trials of its cells, in plan order:
	// whole cells, interleaving kept.
	for i, sh := range shards {
		var wantSeq, gotSeq []string
		for _, ts := range plan {
			if h, ok := cellHome[cellOf(ts)]; ok && h == i {
				wantSeq = append(wantSeq, trialKey(ts))
			}
		}
		for _, ts := range sh {
			gotSeq = append(gotSeq, trialKey(ts))
		}
		if !slices.Equal(gotSeq, wantSeq) {
			t.Errorf("n=%d: shard %d is not its cells' trials in plan order:\n got %q\nwant %q", n, i, gotSeq, wantSeq)
		}
	}
	biggest := 0
	for _, s := range cellSize {
		biggest = max(biggest, s)
	}
	lo, hi := len(plan), 0
	for _, sh := range shards {
		lo, hi = min(lo, len(sh)), max(hi, len(sh))
	}
	if hi-lo > biggest {
		t.Errorf("n=%d: shard sizes from %d to %d, more apart than the largest cell (%d)", n, lo, hi, biggest)
	}
	return shards
}

// cells returns the number of cells of plan.
func cells(plan []trial.Spec) int {
	seen := map[string]bool{}
	for _, ts := range plan {
		seen[cellOf(ts)] = true
	}
	return len(seen)
}

func parseSpec(t *testing.T, yaml string) scenarios.Spec {
	t.Helper()
	s, err := scenarios.Parse("t.yaml", []byte(yaml), targets.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// shardTestPlans are plans of several shapes: params crossed, rate lists,
// GOMAXPROCS lists, repeats, -impl and -count, the scenario files of the
// repository, and a scenario listed twice.
func shardTestPlans(t *testing.T) map[string][]trial.Spec {
	pats := targets.Builtin()
	knee := parseSpec(t, `name: knee
pattern: workerpool
impls: [channels, spawn, ants]
params: {workers: [1, 4]}
load: {model: open, rate: [100, 200, 300], duration: 10ms}
gomaxprocs: [1, 2]
repeat: 3
`)
	brk := parseSpec(t, `name: brk
pattern: breaker
params: {failures: [3, 5]}
load: {model: closed, duration: 10ms}
gomaxprocs: [1, 2, 4]
repeat: 2
`)
	fan := parseSpec(t, `name: fan
pattern: fanout
params: {workers: [1, 2], items: [8, 64]}
load: {model: closed, duration: 10ms}
repeat: 4
`)
	quick, err := scenarios.Quick(pats)
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("../scenarios/more/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenario files in more/: %v", err)
	}
	var more []scenarios.Spec
	for _, f := range files {
		s, err := scenarios.Find(f, pats)
		if err != nil {
			t.Fatal(err)
		}
		more = append(more, s)
	}
	return map[string][]trial.Spec{
		"knee":            Plan([]scenarios.Spec{knee}, pats, nil, 0),
		"breaker":         Plan([]scenarios.Spec{brk}, pats, nil, 0),
		"fanout":          Plan([]scenarios.Spec{fan}, pats, nil, 0),
		"three":           Plan([]scenarios.Spec{knee, brk, fan}, pats, nil, 0),
		"three -count 1":  Plan([]scenarios.Spec{fan, knee, brk}, pats, nil, 1),
		"three -impl":     Plan([]scenarios.Spec{knee, brk, fan}, pats, []string{"channels", "mutex", "atomic"}, 0),
		"one cell":        Plan([]scenarios.Spec{parseSpec(t, "name: one\npattern: workerpool\nimpls: [channels, spawn]\nload: {model: closed, duration: 10ms}\nrepeat: 3\n")}, pats, nil, 0),
		"knee twice":      Plan([]scenarios.Spec{knee, fan, knee}, pats, nil, 0),
		"quick":           Plan(quick, pats, nil, 0),
		"quick and more":  Plan(append(slices.Clone(quick), more...), pats, nil, 0),
		"more -count 2":   Plan(more, pats, nil, 2),
		"empty plan":      nil,
		"quick -impl ant": Plan(quick, pats, []string{"ants"}, 0),
	}
}

func TestShardKeepsCellsWhole(t *testing.T) {
	for name, plan := range shardTestPlans(t) {
		t.Run(name, func(t *testing.T) {
			nc := cells(plan)
			for n := 1; n <= nc+2; n++ {
				shards := checkShards(t, plan, n)
				empty := 0
				for _, sh := range shards {
					if len(sh) == 0 {
						empty++
					}
				}
				// Greedy dealing fills an empty shard before any other
				// gets a second cell, so only the surplus shards are empty.
				if wantEmpty := max(n-nc, 0); empty != wantEmpty {
					t.Errorf("n=%d, %d cells: %d empty shards, want %d", n, nc, empty, wantEmpty)
				}
			}
		})
	}
}

// TestShardRule pins the documented rule on a plan whose split can be
// worked out by hand: cells in plan order, each to the shard with the
// fewest trials so far, ties to the lowest index.
func TestShardRule(t *testing.T) {
	pats := targets.Builtin()
	big := parseSpec(t, "name: big\npattern: workerpool\nimpls: [channels, spawn]\nparams: {workers: [1, 2]}\nload: {model: closed, duration: 10ms}\nrepeat: 3\n")
	small := parseSpec(t, "name: small\npattern: workerpool\nimpls: [channels, spawn]\nparams: {workers: [1, 2, 3]}\nload: {model: closed, duration: 10ms}\nrepeat: 1\n")
	plan := Plan([]scenarios.Spec{big, small}, pats, nil, 0) // cells of 6, 6, 2, 2, 2 trials
	cellsOf := func(sh []trial.Spec) string {
		var out []string
		for _, ts := range sh {
			c := ts.Scenario.Name + "/" + ts.Params["workers"]
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		n    int
		want []string
	}{
		{1, []string{"big/1 big/2 small/1 small/2 small/3"}},
		// 6 | 6 → 8 | 6 → 8 | 8 → 10 | 8
		{2, []string{"big/1 small/1 small/3", "big/2 small/2"}},
		// 6 | 6 | 2 → 6 | 6 | 4 → 6 | 6 | 6
		{3, []string{"big/1", "big/2", "small/1 small/2 small/3"}},
		// 6 | 6 | 2 | 2 → 6 | 6 | 4 | 2 (the tie at 2 goes to shard 2)
		{4, []string{"big/1", "big/2", "small/1 small/3", "small/2"}},
		{6, []string{"big/1", "big/2", "small/1", "small/2", "small/3", ""}},
	} {
		var got []string
		for i := range tc.n {
			got = append(got, cellsOf(Shard(plan, i, tc.n)))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("n=%d: shards hold cells %q, want %q", tc.n, got, tc.want)
		}
	}
	// Within a shard, the cell's trials stay interleaved A B A B.
	var order []string
	for _, ts := range Shard(plan, 0, 3) {
		order = append(order, fmt.Sprintf("%s%d", ts.Impl, ts.Rep))
	}
	if want := []string{"channels1", "spawn1", "channels2", "spawn2", "channels3", "spawn3"}; !slices.Equal(order, want) {
		t.Errorf("shard 0/3 runs %q, want %q", order, want)
	}
	for _, bad := range [][2]int{{-1, 2}, {2, 2}, {0, 0}} {
		if got := Shard(plan, bad[0], bad[1]); got != nil {
			t.Errorf("Shard(plan, %d, %d) = %d trials, want nil", bad[0], bad[1], len(got))
		}
	}
}
