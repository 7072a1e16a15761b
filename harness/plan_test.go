package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/record"
	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"
	"github.com/concbench/concbench/trial"
)

// Every trial that Plan makes of the quick suite and of more/, floors
// included, goes through
// JSON to a trial process and back unchanged, and passes its checks.
func TestReadTrialSpecAcceptsPlannedTrials(t *testing.T) {
	specs, err := scenarios.Quick(targets.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../scenarios/more/*.yaml")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s, err := scenarios.Parse(f, data, targets.Builtin())
		if err != nil {
			t.Fatal(err)
		}
		specs = append(specs, s)
	}
	for _, ts := range PlanWith(specs, targets.Builtin(), PlanOptions{Count: 1, Floor: true}) {
		data, err := json.Marshal(ts)
		if err != nil {
			t.Fatal(err)
		}
		got, err := trial.Read(strings.NewReader(string(data)), targets.Builtin())
		if err != nil {
			t.Fatalf("%s: %v", ts.Name(targets.Builtin()), err)
		}
		if !reflect.DeepEqual(got, ts) {
			t.Fatalf("%s: read back\n%+v\nwant\n%+v", ts.Name(targets.Builtin()), got, ts)
		}
	}
}

// TestQuickSuiteSmoke runs every embedded scenario against every one of its
// implementations but the demonstrations, and its floor, for 50ms, in-process: each must be driven (operations
// issued) and end ok (no leak, no error
// from Close). It asserts no count of completions: on a loaded machine, or
// under -race, a serialising implementation (the seed breaker) may complete
// none inside so short a window, and this test must not depend on speed.
func TestQuickSuiteSmoke(t *testing.T) {
	specs, err := scenarios.Quick(targets.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range specs {
		s.Load.Duration.Duration = 50 * time.Millisecond
		s.Load.Warmup.Duration = 0
		for _, ts := range PlanWith([]scenarios.Spec{s}, targets.Builtin(), PlanOptions{Count: 1, Floor: true}) {
			if isDemo(t, ts) {
				// Broken on purpose: it would hang, leak or race here, in
				// this process; its conformance suite checks its failure
				// and TestDemoTrialHangs its trial in a child process.
				continue
			}
			t.Run(strings.TrimPrefix(ts.Name(targets.Builtin()), "Scenario/"), func(t *testing.T) {
				tr, err := trial.Run(context.Background(), ts, targets.Builtin())
				if err != nil {
					t.Fatal(err)
				}
				if tr.Status != record.StatusOK || tr.Issued == 0 {
					t.Fatalf("status %s (%s), %d issued", tr.Status, tr.Error, tr.Issued)
				}
			})
		}
	}
}

// isDemo reports whether the trial's implementation is a demonstration.
func isDemo(t *testing.T, ts trial.Spec) bool {
	t.Helper()
	if ts.Impl == targets.FloorImpl {
		return false
	}
	pat, ok := targets.Builtin().Lookup(ts.Scenario.Pattern)
	if !ok {
		t.Fatalf("no pattern %q", ts.Scenario.Pattern)
	}
	for _, impl := range pat.Impls {
		if impl.Name == ts.Impl {
			return impl.Demo != ""
		}
	}
	t.Fatalf("pattern %s has no implementation %q", ts.Scenario.Pattern, ts.Impl)
	return false
}

// TestPlanFloor: with Floor, every open-loop scenario gets floor trials at
// each of its points (parameters, rates, sleepers), named like its own
// trials but for impl=floor, for min(repeat, FloorRepeat) repetitions,
// whatever -impl keeps; a closed-loop scenario gets none, and neither does
// a plan without Floor.
func TestPlanFloor(t *testing.T) {
	reg := targets.Builtin()
	open := parseSpec(t, "name: o\npattern: workerpool\nimpls: [channels, spawn]\nparams: {workers: [1, 4]}\n"+
		"load: {model: open, rate: [100, 1000], sleeper: [go-timer, precise], duration: 100ms}\nrepeat: 5\n")
	closed := parseSpec(t, "name: c\npattern: workerpool\nimpls: [channels]\nload: {model: closed, duration: 10ms}\nrepeat: 2\n")
	tests := []struct {
		name      string
		give      PlanOptions
		wantFloor int
		wantAll   int
	}{
		{"floor", PlanOptions{Floor: true}, 2 * 2 * 2 * FloorRepeat, 2*2*2*2*5 + 2*2*2*FloorRepeat + 2},
		{"floor -impl spawn -count 2", PlanOptions{Floor: true, Impls: []string{"spawn"}, Count: 2}, 2 * 2 * 2 * 2, 2*2*2*2 + 2*2*2*2},
		{"no floor", PlanOptions{}, 0, 2*2*2*2*5 + 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := PlanWith([]scenarios.Spec{open, closed}, reg, tt.give)
			names := map[string]bool{}
			for _, ts := range plan {
				if ts.Impl != targets.FloorImpl {
					names[ts.Name(reg)] = true
				}
			}
			floors := 0
			for _, ts := range plan {
				if ts.Impl != targets.FloorImpl {
					continue
				}
				floors++
				if ts.Scenario.Name != "o" {
					t.Errorf("a floor trial of closed-loop scenario %s", ts.Scenario.Name)
				}
				// Its name is a scenario trial's, impl aside.
				n := ts.Name(reg)
				if !strings.Contains(n, "/impl=floor/") || !names[strings.Replace(n, "/impl=floor/", "/impl="+plan[0].Impl+"/", 1)] {
					t.Errorf("floor %s has no scenario trial of the same name parts", n)
				}
			}
			if floors != tt.wantFloor || len(plan) != tt.wantAll {
				t.Errorf("%d floor trials of %d, want %d of %d", floors, len(plan), tt.wantFloor, tt.wantAll)
			}
		})
	}
}

// TestSleeperNamePart: a scenario that lists several sleepers names its
// trials sleeper=<value>; one that gives one sleeper, or none, keeps the
// names it had.
func TestSleeperNamePart(t *testing.T) {
	reg := targets.Builtin()
	tests := []struct {
		give string
		want []string
	}{
		{"", []string{"Scenario/scenario=s/pattern=harness/impl=noop"}},
		{", sleeper: go-timer", []string{"Scenario/scenario=s/pattern=harness/impl=noop"}},
		{", sleeper: [go-timer, auto]", []string{"Scenario/scenario=s/pattern=harness/impl=noop/sleeper=go-timer", "Scenario/scenario=s/pattern=harness/impl=noop/sleeper=auto"}},
	}
	for _, tt := range tests {
		s := parseSpec(t, "name: s\npattern: harness\nimpls: [noop]\nload: {model: open, rate: 1000, duration: 100ms"+tt.give+"}\nrepeat: 1\n")
		var got []string
		for _, ts := range Plan([]scenarios.Spec{s}, reg, nil, 0) {
			got = append(got, ts.Name(reg))
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("load%s: names %q, want %q", tt.give, got, tt.want)
		}
	}
}

func TestCheckPlanSize(t *testing.T) {
	harness := func(name, extra string) scenarios.Spec {
		return parseSpec(t, "name: "+name+"\npattern: harness\nimpls: [noop]\nrepeat: 1000\n"+extra)
	}
	tests := []struct {
		name      string
		giveSpecs []scenarios.Spec
		giveImpls []string
		giveCount int
		wantErr   string // "" if none
	}{
		{"under", []scenarios.Spec{harness("a", "gomaxprocs: [1, 2]")}, nil, 0, ""},
		{"count multiplies", []scenarios.Spec{harness("a", "gomaxprocs: [1, 2]")}, nil, 1000, ""},
		{"sum at most", []scenarios.Spec{harness("a", procs(60)), harness("b", procs(40))}, nil, 0, ""},
		{"count over", []scenarios.Spec{parseSpec(t, "name: w\npattern: workerpool\nparams: {workers: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]}\n")}, nil, 1000,
			"t.yaml: scenario w plans 1000 repetitions × 11 implementations × 12 parameter combinations × 1 rates × 1 gomaxprocs = 132000 trials: at most 100000 in one run"},
		{"impls filter", []scenarios.Spec{parseSpec(t, "name: w\npattern: workerpool\nparams: {workers: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]}\n")}, []string{"channels"}, 1000, ""},
		{"sum over", []scenarios.Spec{harness("a", procs(60)), harness("b", procs(41)), harness("c", "")}, nil, 0,
			"t.yaml: scenario b plans 1000 repetitions × 1 implementations × 1 parameter combinations × 1 rates × 41 gomaxprocs = 41000 trials, which brings the run to 101000: at most 100000 in one run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPlanSize(tt.giveSpecs, targets.Builtin(), PlanOptions{Impls: tt.giveImpls, Count: tt.giveCount})
			if fmt.Sprint(err) != tt.wantErr && !(tt.wantErr == "" && err == nil) {
				t.Errorf("error %v\nwant  %s", err, tt.wantErr)
			}
		})
	}
}

// procs is a gomaxprocs line of the values 1 to n.
func procs(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%d,", i)
	}
	return "gomaxprocs: [" + strings.TrimSuffix(b.String(), ",") + "]\n"
}
