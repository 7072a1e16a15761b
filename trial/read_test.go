package trial

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"
)

// TestReadTrialSpecRefuses checks the whole error of each kind of bad
// trial spec on stdin, and that the good one it varies is read.
//
// Long: a table of cases, one a line; the loop that runs them is short.
func TestReadTrialSpecRefuses(t *testing.T) {
	open := quickSpec(t, "name: t\npattern: workerpool\nimpls: [channels, spawn]\nload: {model: open, rate: 100}\nwork: {kind: sleep, mean: 1ms}\n")
	closed := quickSpec(t, "name: c\npattern: harness\n")
	good := Spec{Scenario: open, Point: scenarios.Point{Impl: "channels", Params: map[string]string{"workers": "4", "queue": "default"}, Rate: 100, Rep: 1}}
	with := func(change func(ts *Spec)) string {
		ts := good
		ts.Scenario.Load = open.Load
		ts.Params = map[string]string{"workers": "4", "queue": "default"}
		change(&ts)
		data, err := json.Marshal(ts)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	ok := with(func(*Spec) {})
	tests := []struct {
		name    string
		give    string
		wantErr string
	}{
		{"empty", "", "stdin: empty: want a trial spec as JSON"},
		{"not json", "{\"spec\": x}", "stdin:1: not JSON: invalid character 'x' looking for beginning of value"},
		{"cut short", ok[:len(ok)/2], "stdin:1: the JSON ends early"},
		{"second value", ok + "\n{}", "stdin:2: data after the trial spec: want one JSON value"},
		{"trailing garbage", ok + " x", "stdin:1: data after the trial spec: want one JSON value"},
		{"not an object", "[1]", "stdin: not a JSON object: want a trial spec"},
		{"too large", ok + strings.Repeat(" ", scenarios.MaxFileSize), "stdin: larger than 1 MiB: a trial spec is at most that"},
		{"unknown fields", strings.Replace(strings.Replace(ok, `"rep":1`, `"rep":1,"extra":2`, 1), `"model":"open"`, `"model":"open","modle":"x"`, 1),
			"stdin: extra: unknown field\nstdin: spec.load.modle: unknown field"},
		{"wrong type", strings.Replace(ok, `"clients":1`, `"clients":"1"`, 1), "stdin: spec.load.clients: cannot decode string into int"},
		{"not a duration", strings.Replace(ok, `"duration":"1s"`, `"duration":"1 sec"`, 1), `stdin: spec.load.duration: "1 sec" is not a duration (like "250ms" or "2s")`},
		{"duration overflow", strings.Replace(ok, `"duration":"1s"`, `"duration":"10000000h"`, 1), "stdin: spec.load.duration: 10000000h: want 1ms to 24h"},
		{"zero duration", with(func(ts *Spec) { ts.Scenario.Load.Duration.Duration = 0 }), "stdin: spec.load.duration: 0s: want 1ms to 24h"},
		{"spec checks", with(func(ts *Spec) { ts.Scenario.Load.Clients = 5000; ts.Scenario.Repeat = 0 }),
			"stdin: spec.load.clients: 5000: want 1 to 1024\nstdin: spec.repeat: 0: want 1 to 1000"},
		{"short timeout", with(func(ts *Spec) { ts.Scenario.Timeout.Duration = time.Second }), "stdin: spec.timeout: 1s: want at least 5s (warmup + 2 x duration + 1s leak grace + 2s)"},
		{"unknown impl", with(func(ts *Spec) { ts.Impl = "nope" }), `stdin: impl: "nope" is not a workerpool implementation; have channels, mutexcond, errgroup, semaphore, spawn, seed, nowait, ants, pond, conc, gammazero, tunny`},
		{"impl not in the scenario", with(func(ts *Spec) { ts.Impl = "ants" }), `stdin: impl: "ants" is not one of the scenario's impls`},
		{"parameter missing", with(func(ts *Spec) { delete(ts.Params, "workers") }), "stdin: params.workers: missing: a trial has a value for every parameter of its pattern"},
		{"parameter out of range", with(func(ts *Spec) { ts.Params["workers"] = "1e9" }), `stdin: params.workers: "1e9": want a whole number from 1 to 4096`},
		{"parameter unknown", with(func(ts *Spec) { ts.Params["stages"] = "2" }), `stdin: params.stages: workerpool has no parameter "stages"`},
		{"open loop without rate", with(func(ts *Spec) { ts.Rate = 0 }), "stdin: rate: 0: an open-loop load needs a rate above 0 and at most 1e+08 ops/s"},
		{"rate too low for the window", with(func(ts *Spec) { ts.Rate = 1e-12 }), "stdin: rate: 1e-12 ops/s for 1s is 1e-12 operations: want at least 1 in the window"},
		{"procs", with(func(ts *Spec) { ts.Procs = 257 }), "stdin: procs: 257: want 0 (the machine's) or 1 to 256"},
		{"negative procs", with(func(ts *Spec) { ts.Procs = -1 }), "stdin: procs: -1: want 0 (the machine's) or 1 to 256"},
		{"rep", with(func(ts *Spec) { ts.Rep = 0 }), "stdin: rep: 0: want 1 to 1000"},
		{"closed loop with a rate", func() string {
			data, _ := json.Marshal(Spec{Scenario: closed, Point: scenarios.Point{Impl: "noop", Rate: 5, Rep: 1}})
			return string(data)
		}(), "stdin: rate: 5: a closed-loop trial has no rate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.give), targets.Builtin())
			if fmt.Sprint(err) != tt.wantErr {
				t.Errorf("error:\n%v\nwant:\n%s", err, tt.wantErr)
			}
		})
	}
	if _, err := Read(strings.NewReader(ok), targets.Builtin()); err != nil {
		t.Errorf("the good spec: %v", err)
	}
}
