package scenarios

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
)

const goodSpec = `name: ok
pattern: workerpool
params:
  workers: [1, 4]
load:
  model: open
  rate: 100
  duration: 1s
work:
  kind: sleep
  mean: 1ms
`

func TestParseGood(t *testing.T) {
	s, err := Parse("ok.yaml", []byte(goodSpec), Patterns())
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Load.Rate) != 1 || s.Load.Rate[0] != 100 || s.Params["workers"][1] != "4" || s.Repeat != 3 || s.Load.Arrival != "constant" || s.Hash == "" {
		t.Errorf("parsed %+v", s)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name     string
		give     string
		wantLine int
		wantText string // must appear in the message, with the file name
	}{
		{"unknown key", strings.Replace(goodSpec, "  duration: 1s", "  duraton: 1s", 1), 8, "load.duraton: unknown field \"duraton\""},
		{"wrong type", strings.Replace(goodSpec, "rate: 100", "rate: fast", 1), 7, "load.rate: rate \"fast\" is not a number"},
		{"bad rate in list", strings.Replace(goodSpec, "rate: 100", "rate: [100, -2]", 1), 7, "load.rate[1]: -2"},
		{"negative rate", strings.Replace(goodSpec, "rate: 100", "rate: -5", 1), 7, "load.rate: -5: an open-loop load needs a rate above 0"},
		{"bad duration", strings.Replace(goodSpec, "duration: 1s", "duration: 1 sec", 1), 8, "load.duration"},
		{"bad pattern", strings.Replace(goodSpec, "pattern: workerpool", "pattern: pool", 1), 2, "pattern: \"pool\": want one of"},
		{"bad impl", strings.Replace(goodSpec, "params:", "impls: [channels, nope]\nparams:", 1), 3, "impls[1]: \"nope\" is not a workerpool implementation"},
		{"bad param", strings.Replace(goodSpec, "workers: [1, 4]", "worker: [1]", 1), 4, "params.worker: workerpool has no parameter"},
		{"bad param value", strings.Replace(goodSpec, "workers: [1, 4]", "workers: [0]", 1), 4, "params.workers: \"0\": want a whole number from 1 to 4096"},
		{"bad name", strings.Replace(goodSpec, "name: ok", "name: Not OK", 1), 1, "name: \"Not OK\""},
		{"faults on workerpool", goodSpec + "faults:\n  error_rate: 0.1\n", 12, "faults: pattern workerpool has no operation that can fail"},
		{"work mean missing", strings.Replace(goodSpec, "  mean: 1ms\n", "", 1), 9, "work.mean"},
		{"not yaml", "name: [unclosed\n", 1, "bad.yaml:"},
		{"nan error rate", "name: n\npattern: fanout\nfaults:\n  error_rate: .nan\n", 4, "faults.error_rate"},
		{"short timeout", goodSpec + "timeout: 1s\n", 12, "timeout: 1s: want at least"},
		{"cap on closed loop", "name: c\npattern: fanout\nload:\n  model: closed\n  max_inflight: 4\n", 5, "load.max_inflight"},
		{"duplicate rate", strings.Replace(goodSpec, "rate: 100", "rate: [100, 100.0]", 1), 7, "load.rate[1]: 100 is listed twice"},
		{"absurd rate", strings.Replace(goodSpec, "rate: 100", "rate: 1e300", 1), 7, "load.rate: 1e+300: an open-loop load needs a rate above 0 and at most"},
		{"too many operations", strings.Replace(strings.Replace(goodSpec, "rate: 100", "rate: 1e8", 1), "duration: 1s", "duration: 2s", 1) + "timeout: 1m\n", 7, "operations: at most"},
		{"duplicate param value", strings.Replace(goodSpec, "workers: [1, 4]", "workers: [4, 4]", 1), 4, "params.workers: \"4\" is listed twice"},
		{"duplicate gomaxprocs", goodSpec + "gomaxprocs: [2, 2]\n", 12, "gomaxprocs[1]: 2 is listed twice"},
		{"nan sigma", "name: s\npattern: fanout\nwork: {kind: sleep, mean: 1ms, dist: lognormal, sigma: .nan}\n", 3, "work.sigma"},
		{"unordered impl asked for order", "name: o\npattern: pipeline\nimpls: [ordered, channels]\nparams:\n  ordered: [true]\n", 3, "impls[1]: channels cannot run with ordered=true"},
		{"empty", "", 0, "empty scenario file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(tt.give), Patterns())
			if err == nil {
				t.Fatal("no error")
			}
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %T %v is not an *InputError", err, err)
			}
			if ie.File != "bad.yaml" || ie.Line != tt.wantLine {
				t.Errorf("at %s:%d, want bad.yaml:%d (%v)", ie.File, ie.Line, tt.wantLine, err)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q does not contain %q", err, tt.wantText)
			}
		})
	}
}

// A closed loop never runs past its window, so its timeout needs no room for
// a second one: a 20s closed-loop window fits a 25s timeout.
func TestClosedLoopTimeoutBound(t *testing.T) {
	spec := "name: c\npattern: fanout\nload: {model: closed, duration: 20s}\ntimeout: 25s\n"
	if _, err := Parse("c.yaml", []byte(spec), Patterns()); err != nil {
		t.Fatal(err)
	}
	open := "name: o\npattern: fanout\nload: {model: open, rate: 10, duration: 20s}\ntimeout: 25s\n"
	if _, err := Parse("o.yaml", []byte(open), Patterns()); err == nil {
		t.Fatal("an open loop of 20s accepted a 25s timeout: it may run twice its window")
	}
}

func TestQuickSuiteParses(t *testing.T) {
	specs, err := Quick(Patterns())
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) < 3 {
		t.Fatalf("quick suite has %d scenarios", len(specs))
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(goodSpec))
	f.Add([]byte("name: x\npattern: breaker\nload: {model: closed}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("f.yaml", data, Patterns())
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %T is not an *InputError: %v", err, err)
			}
			return
		}
		if s.Repeat < 1 || s.Load.Duration.Duration <= 0 || s.Load.Clients < 1 {
			t.Fatalf("accepted an invalid spec: %+v", s)
		}
	})
}

func TestShardCoversPlanOnce(t *testing.T) {
	plan := make([]TrialSpec, 10)
	for i := range plan {
		plan[i].Rep = i
	}
	seen := map[int]int{}
	for i := range 3 {
		for _, ts := range Shard(plan, i, 3) {
			seen[ts.Rep]++
		}
	}
	for i := range plan {
		if seen[i] != 1 {
			t.Fatalf("trial %d in %d shards, want 1", i, seen[i])
		}
	}
}

func TestPlanCrossesRates(t *testing.T) {
	s, err := Parse("k.yaml", []byte(strings.Replace(goodSpec, "rate: 100", "rate: [100, 250.5]", 1)), Patterns())
	if err != nil {
		t.Fatal(err)
	}
	plan := Plan([]Spec{s}, Patterns(), []string{"channels"}, 1)
	var got []string
	for _, ts := range plan {
		got = append(got, fmt.Sprintf("%s@%v", ts.Name(Patterns()), ts.Rate))
	}
	want := []string{
		"Scenario/scenario=ok/pattern=workerpool/impl=channels/workers=1/rate=100@100",
		"Scenario/scenario=ok/pattern=workerpool/impl=channels/workers=1/rate=250.5@250.5",
		"Scenario/scenario=ok/pattern=workerpool/impl=channels/workers=4/rate=100@100",
		"Scenario/scenario=ok/pattern=workerpool/impl=channels/workers=4/rate=250.5@250.5",
	}
	if !slices.Equal(got, want) {
		t.Errorf("plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestPlanCrossesGOMAXPROCS(t *testing.T) {
	s, err := Parse("p.yaml", []byte(goodSpec+"gomaxprocs: [1, 2]\n"), Patterns())
	if err != nil {
		t.Fatal(err)
	}
	plan := Plan([]Spec{s}, Patterns(), []string{"channels"}, 1)
	if len(plan) != 4 {
		t.Fatalf("%d trials, want 4 (2 worker counts x 2 GOMAXPROCS)", len(plan))
	}
	if got, want := plan[1].Name(Patterns()), "Scenario/scenario=ok/pattern=workerpool/impl=channels/workers=1/procs=2"; got != want || plan[1].Procs != 2 {
		t.Errorf("trial 1: %s procs %d, want %s procs 2", got, plan[1].Procs, want)
	}
}

func TestIsolatedSetsGOMAXPROCS(t *testing.T) {
	want := runtime.NumCPU() + 1 // never the child's default
	s := quickSpec(t, fmt.Sprintf("name: g\npattern: harness\ngomaxprocs: [%d]\nload: {model: closed, clients: 1, duration: 10ms}\n", want))
	t.Setenv(childEnv, "1")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	tr, err := Isolated([]string{exe}, testPatterns())(context.Background(), TrialSpec{Spec: s, Impl: "noop", Procs: want, Rep: 1})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Status != "ok" || tr.GOMAXPROCS != want {
		t.Fatalf("status %s, the child ran with GOMAXPROCS=%d, want %d", tr.Status, tr.GOMAXPROCS, want)
	}
}
