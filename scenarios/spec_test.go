package scenarios

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/loadgen"
	"github.com/concbench/concbench/record"
	"github.com/concbench/concbench/targets"
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
	s, err := Parse("ok.yaml", []byte(goodSpec), targets.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Load.Rate) != 1 || s.Load.Rate[0] != 100 || s.Params["workers"][1] != "4" || s.Repeat != 3 || s.Load.Arrival != "constant" || s.Hash == "" {
		t.Errorf("parsed %+v", s)
	}
}

// TestParseErrors checks the line and the message of each kind of bad
// scenario file.
//
// Long: a table of cases, one a line; the loop that runs them is short.
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
		{"a unit this pattern does not record", strings.Replace(goodSpec, "params:", "headline: [rejected]\nparams:", 1), 3, "headline[0]: \"rejected\" is not a unit the trials of this scenario record"},
		{"an open loop's unit in a closed loop", "name: c\npattern: workerpool\nload: {model: closed, duration: 1s}\nheadline: [wake-p99-ns]\n", 4, "headline[0]: \"wake-p99-ns\" is not a unit"},
		{"a think longer than the timeout allows", "name: t\npattern: workerpool\nload: {model: closed, clients: 1, duration: 100ms, think: 40s}\ntimeout: 30s\n", 4, "timeout: 30s: want at least 43.1s (warmup + duration + think + 1s leak grace + 2s)"},
		{"an open loop too big for memory", "name: m\npattern: workerpool\nimpls: [channels, spawn]\nload: {model: open, rate: 100000, duration: 1s}\nwork: {kind: sleep, mean: 1s, stack: 8MiB}\n", 4, "load.rate: 100000 ops/s: spawn may hold 200000 goroutines at once (every operation of the run: rate × (warmup + 2 × duration)), each with 16 MiB of stack (work.stack 8MiB): 3.05 TiB, over the 4 GiB a trial may plan to hold"},
		{"one number written twice", strings.Replace(goodSpec, "workers: [1, 4]", `workers: [1, "01"]`, 1), 4, "params.workers: \"01\" is 1, listed before"},
		{"one duration written twice", "name: d\npattern: breaker\nparams: {open: [1ms, 1000us]}\n", 3, "params.open: \"1000us\" is 1ms, listed before"},
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
		{"unknown sleeper", strings.Replace(goodSpec, "rate: 100", "rate: 100\n  sleeper: spin", 1), 8, `load.sleeper: "spin": want auto, poll, precise or go-timer`},
		{"duplicate sleeper", strings.Replace(goodSpec, "rate: 100", "rate: 100\n  sleeper: [auto, go-timer, auto]", 1), 8, "load.sleeper[2]: auto is listed twice"},
		{"empty sleeper list", strings.Replace(goodSpec, "rate: 100", "rate: 100\n  sleeper: []", 1), 8, "load.sleeper: an empty list"},
		{"sleeper on closed loop", "name: c\npattern: fanout\nload:\n  model: closed\n  sleeper: go-timer\n", 5, "load.sleeper: the sleeper applies to the open model only"},
		{"empty", "", 0, "empty scenario file"},
		{"unknown headline unit", goodSpec + "headline: [p99-ns, p98-ns]\n", 12, "headline[1]: \"p98-ns\" is not a unit the trials of this scenario record"},
		{"claim unit unknown", goodSpec + "claims:\n  - text: t\n    unit: speed\n    follows: channels\n    ignores: spawn\n", 14, "claims[0].unit: \"speed\" is not a unit the trials of this scenario record"},
		{"claim impl not run", strings.Replace(goodSpec, "params:", "impls: [channels, spawn]\nparams:", 1) + "claims:\n  - text: t\n    unit: p99-ns\n    follows: channels\n    ignores: ants\n", 17, "claims[0].ignores: \"ants\" is not an implementation the scenario runs"},
		{"claim same impl", goodSpec + "claims:\n  - text: t\n    unit: trials-hung\n    follows: spawn\n    ignores: spawn\n", 16, "claims[0].ignores: \"spawn\": the same implementation as follows"},
		{"claim why with unit", goodSpec + "claims:\n  - text: t\n    why: no pair isolates it\n    unit: ops/s\n", 15, "claims[0].unit: \"ops/s\": a claim that gives why"},
		{"claim guide out of range", goodSpec + "claims:\n  - guide: 13\n    text: t\n    why: w\n", 13, "claims[0].guide: 13: want 1 to 12"},
		{"claim without text", goodSpec + "claims:\n  - why: w\n", 13, "claims[0].text: missing"},
		{"claim bad direction", goodSpec + "claims:\n  - text: t\n    unit: ops/s\n    follows: channels\n    ignores: spawn\n    better: up\n", 17, "claims[0].better: \"up\": want higher or lower"},
		{"claim bad margin", goodSpec + "claims:\n  - text: t\n    unit: ops/s\n    follows: channels\n    ignores: spawn\n    margin: 0.1\n", 17, "claims[0].margin: \"0.1\": want a percentage from 0% to below 100%"},
		{"claim margin over 100", goodSpec + "claims:\n  - text: t\n    unit: ops/s\n    follows: channels\n    ignores: spawn\n    margin: 150%\n", 17, "claims[0].margin: \"150%\": want a percentage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(tt.give), targets.Builtin())
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
func TestParseClaims(t *testing.T) {
	give := goodSpec + `headline: [p99-ns, ops/s]
claims:
  - guide: 1
    text: Don't create too many goroutines
    unit: peak-goroutines
    follows: channels
    ignores: spawn
  - text: my own
    why: one machine cannot show it
`
	s, err := Parse("ok.yaml", []byte(give), targets.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	want := []record.Claim{
		{Guide: 1, Text: "Don't create too many goroutines", Unit: "peak-goroutines", Follows: "channels", Ignores: "spawn"},
		{Text: "my own", Why: "one machine cannot show it"},
	}
	if fmt.Sprint(s.Headline) != "[p99-ns ops/s]" || fmt.Sprint(s.Claims) != fmt.Sprint(want) {
		t.Errorf("headline %v, claims %+v; want %+v", s.Headline, s.Claims, want)
	}
}

func TestClosedLoopTimeoutBound(t *testing.T) {
	spec := "name: c\npattern: fanout\nload: {model: closed, duration: 20s}\ntimeout: 25s\n"
	if _, err := Parse("c.yaml", []byte(spec), targets.Builtin()); err != nil {
		t.Fatal(err)
	}
	open := "name: o\npattern: fanout\nload: {model: open, rate: 10, duration: 20s}\ntimeout: 25s\n"
	if _, err := Parse("o.yaml", []byte(open), targets.Builtin()); err == nil {
		t.Fatal("an open loop of 20s accepted a 25s timeout: it may run twice its window")
	}
}

func TestQuickSuiteParses(t *testing.T) {
	specs, err := Quick(targets.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) < 3 {
		t.Fatalf("quick suite has %d scenarios", len(specs))
	}
}

// FuzzParse: Parse never panics; every error it returns is an InputError
// of the file; and what it accepts, a trial process accepts too (the same
// checks on the JSON form, where only values count, find nothing).
// Hostile seeds are in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add([]byte(goodSpec))
	f.Add([]byte("name: x\npattern: breaker\nload: {model: closed}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("f.yaml", data, targets.Builtin())
		if err != nil {
			errs := []error{err}
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				errs = j.Unwrap()
			}
			for _, e := range errs {
				if ie, ok := e.(*InputError); !ok || ie.File != "f.yaml" || ie.Line < 0 {
					t.Fatalf("error %T is not an *InputError of f.yaml: %v", e, e)
				}
			}
			return
		}
		in, err := json.Marshal(firstTrial(s))
		if err != nil {
			t.Fatal(err)
		}
		var back trialJSON
		if err := DecodeJSON("stdin", in, &back); err != nil {
			t.Fatalf("Parse accepted what a trial process refuses: %v\n%s", err, in)
		}
		if err := CheckPoint("stdin", &back.Scenario, back.Point, targets.Builtin()); err != nil {
			t.Fatalf("Parse accepted what a trial process refuses: %v\n%s", err, in)
		}
	})
}

// trialJSON is the shape of a trial spec (package trial's Spec).
type trialJSON struct {
	Scenario Spec `json:"spec"`
	Point
}

// firstTrial is the first trial Plan would make of s, without planning.
func firstTrial(s Spec) trialJSON {
	pat := targets.Builtin().MustLookup(s.Pattern)
	ts := trialJSON{Scenario: s, Point: Point{Impl: pat.ImplNames()[0], Params: map[string]string{}, Rep: 1}}
	if len(s.Impls) > 0 {
		ts.Impl = s.Impls[0]
	}
	for _, p := range pat.Params {
		ts.Params[p.Name] = p.Default
		if v := s.Params[p.Name]; len(v) > 0 {
			ts.Params[p.Name] = v[0]
		}
	}
	if len(s.Load.Rate) > 0 {
		ts.Rate = s.Load.Rate[0]
	}
	if len(s.GOMAXPROCS) > 0 {
		ts.Procs = s.GOMAXPROCS[0]
	}
	return ts
}

// Defaults apply only to absent keys: an explicit zero or empty value is
// kept, and refused where the harness would not use it.
func TestExplicitValuesAreNotDefaulted(t *testing.T) {
	tests := []struct {
		name     string
		give     string
		wantText string
	}{
		{"zero duration", "load:\n  duration: 0s\n", "t.yaml:4: load.duration: 0s: want 1ms to 24h"},
		{"zero repeat", "repeat: 0\n", "t.yaml:3: repeat: 0: want 1 to 1000"},
		{"zero clients", "load: {clients: 0}\n", "t.yaml:3: load.clients: 0: want 1 to 1024"},
		{"zero timeout", "timeout: 0s\n", "t.yaml:3: timeout: 0s: want at least 4s"},
		{"zero sigma", "work: {kind: cpu, mean: 1us, dist: lognormal, sigma: 0}\n", "t.yaml:3: work.sigma: 0: want above 0 and at most 4"},
		{"empty model", "load: {model: \"\"}\n", "t.yaml:3: load.model: \"\": want open or closed"},
		{"empty kind", "work: {kind: \"\"}\n", "t.yaml:3: work.kind: \"\": want none, cpu or sleep"},
		{"empty dist", "work: {kind: cpu, mean: 1us, dist: \"\"}\n", "t.yaml:3: work.dist: \"\": want fixed, exponential or lognormal"},
		{"empty arrival", "load: {model: open, rate: 10, arrival: \"\"}\n", "t.yaml:3: load.arrival: \"\": want constant or poisson"},
		{"null value", "load:\n  duration:\n", "t.yaml:4: load.duration: no value: give one, or leave the key out for its default"},
		{"mean for kind none", "work: {kind: none, mean: 0s}\n", "t.yaml:3: work.mean: work kind none takes no mean"},
		{"dist for kind none", "work: {dist: fixed}\n", "t.yaml:3: work.dist: work kind none takes no dist"},
		{"sigma without lognormal", "work: {kind: cpu, mean: 1us, sigma: 1}\n", "t.yaml:3: work.sigma: sigma applies to dist lognormal only"},
		{"think on open loop", "load: {model: open, rate: 10, think: 0s}\n", "t.yaml:3: load.think: think time applies to the closed model only"},
		{"arrival on closed loop", "load: {arrival: constant}\n", "t.yaml:3: load.arrival: arrivals apply to the open model only"},
		{"cap on closed loop", "load: {max_inflight: 0}\n", "t.yaml:3: load.max_inflight: the in-flight cap applies to the open model only"},
		{"rate on closed loop", "load: {rate: []}\n", "t.yaml:3: load.rate: a closed-loop load has no rate"},
		{"empty impls", "impls: []\n", "t.yaml:3: impls: an empty list: leave impls out"},
		{"empty gomaxprocs", "gomaxprocs: []\n", "t.yaml:3: gomaxprocs: an empty list: leave gomaxprocs out"},
		{"faults where none apply", "faults: {error_rate: 0}\n", "t.yaml:3: faults: pattern workerpool has no operation that can fail"},
		{"duplicate impl", "impls: [channels, spawn, channels]\n", "t.yaml:3: impls[2]: \"channels\" is listed twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte("name: z\npattern: workerpool\n"+tt.give), targets.Builtin())
			if err == nil || err.Error() != tt.wantText && !strings.HasPrefix(err.Error(), tt.wantText) {
				t.Errorf("error %v\nwant   %s", err, tt.wantText)
			}
		})
	}
}

func TestDefaultsForAbsentKeys(t *testing.T) {
	closed, err := Parse("c.yaml", []byte("name: c\npattern: workerpool\n"), targets.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	l, w := closed.Load, closed.Work
	if l.Model != "closed" || l.Clients != 8 || l.Duration.Duration != time.Second || l.Arrival != "constant" ||
		w.Kind != "none" || w.Dist != "fixed" || w.Sigma != 1 || closed.Repeat != 3 || closed.Timeout.Duration != 30*time.Second {
		t.Errorf("closed-loop defaults: %+v", closed)
	}
	// An open loop issues from one client by default, and an absent timeout
	// covers what the trial needs: 30s, or more for a long window.
	open, err := Parse("o.yaml", []byte("name: o\npattern: workerpool\nload: {model: open, rate: 10, duration: 20s, warmup: 1s}\n"), targets.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Second + 2*20*time.Second + LeakGrace + 2*time.Second; open.Load.Clients != 1 || open.Timeout.Duration != want {
		t.Errorf("open loop: %d clients, timeout %v; want 1, %v", open.Load.Clients, open.Timeout.Duration, want)
	}
}

// Every bounded field, just inside its range and just outside it.
//
// Long: a table of cases, one a line; the loop that runs them is short.
func TestLimitBoundaries(t *testing.T) {
	tests := []struct {
		name     string
		give     string // after name and pattern (breaker, which takes faults)
		wantText string // in the one error; "" if accepted
	}{
		{"rate at most", "load: {model: open, rate: 1e8}\n", ""},
		{"rate above", "load: {model: open, rate: 1.00000001e8}\n", ": load.rate: "},
		{"rate zero", "load: {model: open, rate: 0}\n", ": load.rate: "},
		{"rate negative", "load: {model: open, rate: [10, -1]}\n", ": load.rate[1]: "},
		{"rate nan", "load: {model: open, rate: .nan}\n", ": load.rate: "},
		{"one op in the window", "load: {model: open, rate: 1, duration: 1s}\n", ""},
		{"under one op in the window", "load: {model: open, rate: 0.999, duration: 1s}\n", ": load.rate: "},
		{"tiny rate", "load: {model: open, rate: 1e-12}\n", ": load.rate: "},
		{"ops per trial at most", "load: {model: open, rate: 5e7, duration: 2s}\n", ""},
		{"ops per trial above", "load: {model: open, rate: 5e7, duration: 2000000001ns}\n", ": load.rate: "},
		{"clients min", "load: {clients: 1}\n", ""},
		{"clients max", "load: {clients: 1024}\n", ""},
		{"clients above", "load: {clients: 1025}\n", ": load.clients: "},
		{"max_inflight max", "load: {model: open, rate: 10, max_inflight: 1000000}\n", ""},
		{"max_inflight above", "load: {model: open, rate: 10, max_inflight: 1000001}\n", ": load.max_inflight: "},
		{"max_inflight negative", "load: {model: open, rate: 10, max_inflight: -1}\n", ": load.max_inflight: "},
		{"duration min", "load: {duration: 1ms}\n", ""},
		{"duration below", "load: {duration: 999us}\n", ": load.duration: "},
		{"duration max", "load: {duration: 24h}\n", ""},
		{"duration above", "load: {duration: 24h0m0.000000001s}\n", ": load.duration: "},
		{"duration overflow", "load: {duration: 10000000h}\n", ": load.duration: "},
		{"warmup max", "load: {warmup: 1h}\n", ""},
		{"warmup above", "load: {warmup: 1h0m0.000000001s}\n", ": load.warmup: "},
		{"warmup negative", "load: {warmup: -1ns}\n", ": load.warmup: "},
		{"warmup overflow", "load: {warmup: 3000000h}\n", ": load.warmup: "},
		{"think max", "load: {think: 1h}\n", ""},
		{"think above", "load: {think: 61m}\n", ": load.think: "},
		{"mean min", "work: {kind: sleep, mean: 1ns}\n", ""},
		{"mean zero", "work: {kind: sleep, mean: 0s}\n", ": work.mean: "},
		{"mean max", "work: {kind: cpu, mean: 1h}\n", ""},
		{"mean above", "work: {kind: cpu, mean: 61m}\n", ": work.mean: "},
		{"sigma max", "work: {kind: cpu, mean: 1us, dist: lognormal, sigma: 4}\n", ""},
		{"sigma above", "work: {kind: cpu, mean: 1us, dist: lognormal, sigma: 4.0000001}\n", ": work.sigma: "},
		{"sigma small", "work: {kind: cpu, mean: 1us, dist: lognormal, sigma: 1e-9}\n", ""},
		{"sigma negative", "work: {kind: cpu, mean: 1us, dist: lognormal, sigma: -1}\n", ": work.sigma: "},
		{"stack zero", "work: {stack: 0}\n", ""},
		{"stack max", "work: {kind: cpu, mean: 1us, stack: 8MiB}\n", ""},
		{"stack in KiB", "work: {kind: sleep, mean: 1ms, stack: 64KiB}\n", ""},
		{"stack in bytes", "work: {stack: 100 B}\n", ""},
		{"stack above", "work: {stack: 8193KiB}\n", "t.yaml:3: work.stack: 8193KiB: want 0B to 8MiB"},
		{"stack overflow", "work: {stack: 99999999999999999999MiB}\n", ": work.stack: "},
		{"stack no unit we know", "work: {stack: 64KB}\n", "t.yaml:3: work.stack: \"64KB\" is not a size in bytes (like 64KiB, 1MiB or 4096)"},
		{"stack negative", "work: {stack: -1}\n", ": work.stack: "},
		{"error rate bounds", "faults: {error_rate: 1}\n", ""},
		{"error rate above", "faults: {error_rate: 1.0000001}\n", ": faults.error_rate: "},
		{"error rate negative", "faults: {error_rate: -0.1}\n", ": faults.error_rate: "},
		{"outage bounds", "faults: {outage: {at: 24h, for: 24h, latency: 1h}}\n", ""},
		{"outage from zero", "faults: {outage: {at: 0s, for: 1ns, latency: 0s}}\n", ""},
		{"outage at above", "faults: {outage: {at: 24h0m0.000000001s, for: 1s}}\n", ": faults.outage.at: "},
		{"outage at negative", "faults: {outage: {at: -1ns, for: 1s}}\n", ": faults.outage.at: "},
		{"outage for zero", "faults: {outage: {at: 0s, for: 0s}}\n", ": faults.outage.for: "},
		{"outage for above", "faults: {outage: {for: 24h0m0.000000001s}}\n", ": faults.outage.for: "},
		{"outage latency above", "faults: {outage: {for: 1s, latency: 61m}}\n", ": faults.outage.latency: "},
		{"gomaxprocs bounds", "gomaxprocs: [1, 256]\n", ""},
		{"gomaxprocs zero", "gomaxprocs: [1, 0]\n", ": gomaxprocs[1]: "},
		{"gomaxprocs above", "gomaxprocs: [257]\n", ": gomaxprocs[0]: "},
		{"repeat min", "repeat: 1\n", ""},
		{"repeat max", "repeat: 1000\n", ""},
		{"repeat above", "repeat: 1001\n", ": repeat: "},
		{"timeout at need", "timeout: 4s\n", ""}, // closed loop, 1s window: 1s + 1s grace + 2s
		{"timeout below need", "timeout: 3999999999ns\n", ": timeout: "},
		{"timeout max", "timeout: 72h\n", ""},
		{"timeout above", "timeout: 72h0m0.000000001s\n", ": timeout: "},
		{"params in range", "params: {failures: [1000000], probes: [1], open: [1h]}\n", ""},
		{"param above", "params: {failures: [1000001]}\n", ": params.failures: "},
		{"plan at most", "impls: [atomic]\nrepeat: 1000\n" + procs(100), ""},
		{"plan above", "impls: [atomic]\nrepeat: 1000\n" + procs(101), "t.yaml:1: plans 1000 repetitions × 1 implementations × 1 parameter combinations × 1 rates × 101 gomaxprocs = 101000 trials: at most 100000 in one run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte("name: b\npattern: breaker\n"+tt.give), targets.Builtin())
			switch {
			case tt.wantText == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.wantText != "" && (err == nil || !strings.Contains(err.Error(), tt.wantText) || strings.Contains(err.Error(), "\n")):
				t.Fatalf("error %v, want one error with %q", err, tt.wantText)
			}
		})
	}
}

// A field that fails to decode is reported once, and no check computed from
// it (its zero value) adds a second, wrong, message.
func TestDecodeErrorsAreNotRepeated(t *testing.T) {
	tests := []struct {
		name string
		give string
		want []string
	}{
		{"duration", "load: {model: open, rate: 10, duration: soon}\ntimeout: 5s\n", []string{"t.yaml:3: load.duration: \"soon\" is not a duration (like 250ms or 2s)"}},
		{"rate in list", "load: {model: open, rate: [10, x, 10]}\n", []string{"t.yaml:3: load.rate[1]: rate \"x\" is not a number of operations per second"}},
		{"whole load", "load: 5\n", []string{"t.yaml:3: load: cannot unmarshal !!int `5` into scenarios.Load"}},
		{"same value twice on a line", "load: {clients: x, max_inflight: x, model: open, rate: 1}\n", []string{
			"t.yaml:3: load.clients: cannot unmarshal !!str `x` into int",
			"t.yaml:3: load.max_inflight: cannot unmarshal !!str `x` into int",
		}},
		{"long value", "repeat: threehundred\n", []string{`t.yaml:3: repeat: "threehu...": want a count (1 to 1000) or auto`}},
		{"list given a map", "gomaxprocs: {a: 1}\n", []string{"t.yaml:3: gomaxprocs: cannot unmarshal !!map into []int"}},
		{"duplicate key", "load: {clients: 2, clients: 3}\n", []string{"t.yaml:3: load: mapping key \"clients\" already defined at line 3"}},
		{"unknown key with no value", "lod:\n", []string{"t.yaml:3: lod: unknown field \"lod\" (the schema is strict; check its spelling)"}},
		{"no value in a rate list", "load: {model: open, rate: [1, ~]}\n", []string{"t.yaml:3: load.rate[1]: no value: give one, or leave the key out for its default"}},
		{"type error and a range error", "repeat: x\nload: {clients: 0}\n", []string{
			`t.yaml:3: repeat: "x": want a count (1 to 1000) or auto`,
			"t.yaml:4: load.clients: 0: want 1 to 1024",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte("name: d\npattern: workerpool\n"+tt.give), targets.Builtin())
			if got, want := fmt.Sprint(err), strings.Join(tt.want, "\n"); got != want {
				t.Errorf("error:\n%s\nwant:\n%s", got, want)
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

func TestCheckUnique(t *testing.T) {
	spec := func(name, file string) Spec { return Spec{Name: name, File: file} }
	tests := []struct {
		name    string
		give    []Spec
		wantErr string // "" if none
	}{
		{"distinct", []Spec{spec("a", "a.yaml"), spec("b", "b.yaml")}, ""},
		{"same name", []Spec{spec("a", "a.yaml"), spec("b", "b.yaml"), spec("a", "c.yaml")},
			`c.yaml: name: "a" is also the name of the scenario in a.yaml: names must be unique in a run`},
		{"same file twice", []Spec{spec("a", "a.yaml"), spec("a", "a.yaml")}, `a.yaml: name: "a": the scenario is given twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckUnique(tt.give)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && fmt.Sprint(err) != tt.wantErr {
				t.Errorf("error %v\nwant  %s", err, tt.wantErr)
			}
		})
	}
}

// A file of many bad values gets the first maxShown errors and a count of
// the rest.
func TestErrorsAreCapped(t *testing.T) {
	give := "name: c\npattern: harness\ngomaxprocs: [" + strings.Repeat("0, ", 1000) + "]\n"
	_, err := Parse("c.yaml", []byte(give), targets.Builtin())
	lines := strings.Split(fmt.Sprint(err), "\n")
	if len(lines) != maxShown+1 || lines[0] != "c.yaml:3: gomaxprocs[0]: 0: want 1 to 256" || lines[maxShown] != "c.yaml: and 1949 more errors" {
		t.Errorf("%d lines, first %q, last %q", len(lines), lines[0], lines[len(lines)-1])
	}
}

// A missing name or pattern is said to be missing.
func TestMissingNameAndPattern(t *testing.T) {
	_, err := Parse("m.yaml", []byte("description: nothing else\n"), targets.Builtin())
	want := "m.yaml:1: name: missing: a scenario needs a name of lower-case letters, digits and dashes\n" +
		"m.yaml:1: pattern: missing: want one of harness, workerpool, pipeline, fanout, breaker"
	if fmt.Sprint(err) != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
}

// TestPreciseSleeperWhereAvailable: load.sleeper precise parses where the
// OS has the precise sleeper and is refused, naming the field, elsewhere.
func TestPreciseSleeperWhereAvailable(t *testing.T) {
	_, err := Parse("p.yaml", []byte("name: p\npattern: harness\nload: {model: open, rate: 100, duration: 1s, sleeper: precise}\n"), targets.Builtin())
	if loadgen.PreciseAvailable() != (err == nil) {
		t.Errorf("on %s (precise sleeper: %v): error %v", runtime.GOOS, loadgen.PreciseAvailable(), err)
	}
	if err != nil && !strings.Contains(err.Error(), "load.sleeper: precise: "+runtime.GOOS+" has no precise sleeper") {
		t.Errorf("error %q does not say the OS has no precise sleeper", err)
	}
}

// The queue parameter: a number runs a pool with WithQueue, or one whose
// queue is fixed at that size; the others are refused at Parse, naming
// their fixed queue.
func TestWorkerpoolQueueRefused(t *testing.T) {
	tests := []struct {
		name      string
		giveImpls string
		giveQueue string
		wantErr   string // "" if it parses
	}{
		{name: "default everywhere", giveImpls: "[channels, ants, spawn, gammazero]", giveQueue: "[default]"},
		{name: "withqueue", giveImpls: "[channels, mutexcond, seed, pond, tunny]", giveQueue: "[0, 7]"},
		{name: "fixed at 0, asked 0", giveImpls: "[ants, conc, errgroup, semaphore]", giveQueue: "[0]"},
		{name: "fixed at 0, asked 4", giveImpls: "[channels, ants]", giveQueue: "[4]",
			wantErr: "impls[1]: ants cannot run with queue=4: its queue is fixed at Queue(workers) = 0 (it has no WithQueue)"},
		{name: "unbounded", giveImpls: "[gammazero]", giveQueue: "[0]",
			wantErr: "impls[0]: gammazero cannot run with queue=0: its queue has no bound"},
		{name: "out of range", giveImpls: "[channels]", giveQueue: "[4097]",
			wantErr: `params.queue: "4097": want a whole number from 0 to 4096`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yaml := "name: q\npattern: workerpool\nimpls: " + tt.giveImpls + "\nparams: {workers: [1, 4], queue: " + tt.giveQueue + "}\n"
			_, err := Parse("q.yaml", []byte(yaml), targets.Builtin())
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want one holding %q", err, tt.wantErr)
			}
		})
	}
}

func quickSpec(t *testing.T, yaml string) Spec {
	t.Helper()
	s, err := Parse("t.yaml", []byte(yaml), targets.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A parameter value is kept in its canonical form, which names its trials.
func TestParamValuesAreCanonical(t *testing.T) {
	s := quickSpec(t, "name: c\npattern: breaker\nparams: {failures: [\"05\"], open: [1000us]}\n")
	if got := s.Params["failures"][0] + " " + s.Params["open"][0]; got != "5 1ms" {
		t.Errorf("values %q, want \"5 1ms\"", got)
	}
}
