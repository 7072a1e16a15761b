package trial

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/concbench/concbench/loadgen"
	"github.com/concbench/concbench/record"
	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"
)

// TestFloorTrial: a floor trial of an open-loop workerpool scenario runs
// the no-op target under the scenario's load, with its sleeper, and says
// it is the floor; its record names it like the scenario's trials.
func TestFloorTrial(t *testing.T) {
	s := quickSpec(t, "name: f\npattern: workerpool\nimpls: [channels]\nparams: {workers: [4]}\n"+
		"load: {model: open, rate: 2000, sleeper: [go-timer, auto], duration: 30ms}\nwork: {kind: sleep, mean: 5ms}\n")
	ts := Spec{Scenario: s, Point: scenarios.Point{Impl: targets.FloorImpl, Params: map[string]string{"workers": "4"}, Rate: 2000, Sleeper: loadgen.SleepGoTimer, Rep: 1}}
	tr, err := Run(context.Background(), ts, targets.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if tr.Status != record.StatusOK || !tr.Floor || tr.Impl != targets.FloorImpl || tr.Sleeper != loadgen.SleeperGoTimer {
		t.Fatalf("status %s (%s), floor %v, impl %s, sleeper %s", tr.Status, tr.Error, tr.Floor, tr.Impl, tr.Sleeper)
	}
	if want := "Scenario/scenario=f/pattern=workerpool/impl=floor/workers=4/sleeper=go-timer"; tr.Name != want {
		t.Errorf("name %s, want %s", tr.Name, want)
	}
	// No-op: a service time far below the scenario's 5 ms sleep.
	if p50 := tr.Service.ValueAtQuantile(50); p50 >= 5e6 {
		t.Errorf("service p50 %d ns: the floor ran the scenario's work", p50)
	}
}

// TestFloorTrialSpecChecked: a trial process accepts the floor of an
// open-loop scenario (it is no implementation of the pattern) and refuses
// it for a closed loop, and refuses a sleeper on a closed loop.
func TestFloorTrialSpecChecked(t *testing.T) {
	open := quickSpec(t, "name: o\npattern: harness\nload: {model: open, rate: 1000, duration: 10ms}\n")
	closed := quickSpec(t, "name: c\npattern: harness\nload: {model: closed, duration: 10ms}\n")
	tests := []struct {
		name string
		give Spec
		want string // "" for accepted
	}{
		{"open floor", Spec{Scenario: open, Point: scenarios.Point{Impl: targets.FloorImpl, Params: map[string]string{}, Rate: 1000, Sleeper: loadgen.SleepAuto, Rep: 1}}, ""},
		{"closed floor", Spec{Scenario: closed, Point: scenarios.Point{Impl: targets.FloorImpl, Params: map[string]string{}, Rep: 1}}, "impl: floor: the harness floor is for open-loop scenarios only"},
		{"closed sleeper", Spec{Scenario: closed, Point: scenarios.Point{Impl: "noop", Params: map[string]string{}, Sleeper: loadgen.SleepGoTimer, Rep: 1}}, `sleeper: "go-timer": a closed-loop trial has no sleeper`},
		{"bad sleeper", Spec{Scenario: open, Point: scenarios.Point{Impl: "noop", Params: map[string]string{}, Rate: 1000, Sleeper: "spin", Rep: 1}}, `sleeper: "spin": want auto, poll, precise or go-timer`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.give)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Read(strings.NewReader(string(b)), targets.Builtin())
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
