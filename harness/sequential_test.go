package harness

import (
	"context"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/concbench/concbench/record"
	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"
	"github.com/concbench/concbench/trial"
)

// TestDecided: the sequential rule's verdicts on pairs of samples.
func TestDecided(t *testing.T) {
	tests := []struct {
		name string
		x, y []float64
		k    float64
		want bool
	}{
		{"far apart, 4 each", []float64{100, 101, 99, 102}, []float64{50, 51, 49, 52}, 1, true},
		{"far apart, but Holm over 4 cannot at 4 each", []float64{100, 101, 99, 102}, []float64{50, 51, 49, 52}, 4, false},
		{"equal constants", []float64{0, 0, 0, 0}, []float64{0, 0, 0, 0}, 1, true},
		{"different constants (a status)", []float64{1, 1, 1, 1}, []float64{0, 0, 0, 0}, 1, true},
		{"different constants, Holm over 2 at 4 each", []float64{1, 1, 1, 1}, []float64{0, 0, 0, 0}, 2, false},
		{"the same within the margin, tightly", []float64{100, 100.1, 99.9, 100, 100.05}, []float64{100.02, 99.95, 100.1, 100, 99.98}, 1, true},
		{"overlapping", []float64{100, 120, 90, 110}, []float64{105, 95, 115, 100}, 1, false},
		{"5% apart and noisy: not decided", []float64{100, 104, 97, 101}, []float64{95, 99, 93, 97}, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, why := decided(tt.x, tt.y, 0.10, tt.k); got != tt.want {
				t.Errorf("decided = %v (%s), want %v", got, why, tt.want)
			}
		})
	}
}

// TestSequentialRun: a scenario with repeat: auto whose two designs are
// far apart, or alike and steady, stops at the minimum and says so in the
// sidecar; one whose designs are apart by more than the margin but noisy,
// so that neither can be decided, runs to the maximum; -count keeps a
// fixed count.
func TestSequentialRun(t *testing.T) {
	s := quickSpec(t, "name: q\npattern: workerpool\nimpls: [channels, spawn]\nparams: {workers: [2]}\nheadline: [ops/s]\nrepeat: auto\nload: {model: closed, clients: 1, duration: 10ms}\n")
	reg := targets.Builtin()
	for _, tt := range []struct {
		name     string
		spawnOps float64 // spawn's ops/s; channels' is 1000
		noise    float64 // the trials' relative standard deviation
		count    int
		wantRuns int
		wantWhy  string
	}{
		{"far apart", 500, 0.02, 0, 2 * scenarios.SequentialMin, "1 of 1 parameter combinations stopped after 4"},
		{"alike, steady: the same", 1000, 0.01, 0, 2 * scenarios.SequentialMin, "1 of 1 parameter combinations stopped after 4"},
		{"15% apart, noisy: undecided", 850, 0.3, 0, 2 * scenarios.SequentialMax, "1 still undecided at the most"},
		{"-count 6", 500, 0.02, 6, 12, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			runs := 0
			exe := func(_ context.Context, ts trial.Spec) (record.Trial, error) {
				runs++
				tr := ts.Record(reg)
				rate := 1000.0
				if ts.Impl == "spawn" {
					rate = tt.spawnOps
				}
				tr.Status, tr.WindowNs = record.StatusOK, 1e9
				tr.Ops = int64(rate * (1 + tt.noise*rng.NormFloat64()))
				tr.WindowOps = tr.Ops
				return tr, nil
			}
			sum, err := Run(context.Background(), PlanWith([]scenarios.Spec{s}, reg, PlanOptions{Count: tt.count}), reg, Options{OutDir: t.TempDir(), Exec: exe})
			if err != nil {
				t.Fatal(err)
			}
			f, _, err := record.ReadFile(record.Path(sum.Results), nil)
			if err != nil {
				t.Fatal(err)
			}
			if runs != tt.wantRuns {
				t.Errorf("%d trials run, want %d", runs, tt.wantRuns)
			}
			switch {
			case tt.wantWhy == "" && len(f.Reps) != 0:
				t.Errorf("a fixed count wrote reps %+v", f.Reps)
			case tt.wantWhy != "" && (len(f.Reps) != 1 || f.Reps[0].Reps != tt.wantRuns/2 || !strings.Contains(f.Reps[0].Reason, tt.wantWhy)):
				t.Errorf("reps %+v, want %d, %q", f.Reps, tt.wantRuns/2, tt.wantWhy)
			}
		})
	}
}

// TestSequentialCells: each parameter combination stops on its own: one
// decided at the minimum stops there while an undecided one runs on.
func TestSequentialCells(t *testing.T) {
	s := quickSpec(t, "name: q\npattern: workerpool\nimpls: [channels, spawn]\nparams: {workers: [1, 2]}\nheadline: [ops/s]\nrepeat: auto\nload: {model: closed, clients: 1, duration: 10ms}\n")
	reg := targets.Builtin()
	rng := rand.New(rand.NewPCG(3, 4))
	runs := map[string]int{}
	exe := func(_ context.Context, ts trial.Spec) (record.Trial, error) {
		runs[ts.Params["workers"]]++
		tr := ts.Record(reg)
		rate, noise := 1000.0, 0.3 // workers=2: 15% apart and noisy
		switch {
		case ts.Params["workers"] == "1":
			noise = 0.02
			if ts.Impl == "spawn" {
				rate = 500
			}
		case ts.Impl == "spawn":
			rate = 850
		}
		tr.Status, tr.WindowNs = record.StatusOK, 1e9
		tr.Ops = int64(rate * (1 + noise*rng.NormFloat64()))
		tr.WindowOps = tr.Ops
		return tr, nil
	}
	sum, err := Run(context.Background(), PlanWith([]scenarios.Spec{s}, reg, PlanOptions{}), reg, Options{OutDir: t.TempDir(), Exec: exe})
	if err != nil {
		t.Fatal(err)
	}
	if runs["1"] != 2*scenarios.SequentialMin || runs["2"] != 2*scenarios.SequentialMax {
		t.Errorf("trials run %v, want workers=1: %d, workers=2: %d", runs, 2*scenarios.SequentialMin, 2*scenarios.SequentialMax)
	}
	f, _, _ := record.ReadFile(record.Path(sum.Results), nil)
	if len(f.Reps) != 1 || !strings.Contains(f.Reps[0].Reason, "1 of 2 parameter combinations stopped after 4, 1 of 2 parameter combinations stopped after "+strconv.Itoa(scenarios.SequentialMax)) {
		t.Errorf("reps %+v", f.Reps)
	}
}
