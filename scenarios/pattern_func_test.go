package scenarios

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/concbench/concbench/impl/workerpool"
)

func TestFuncPatternRunsAUserFunction(t *testing.T) {
	var calls atomic.Int64
	var setup, teardown int
	reg, err := Extend(Extras{Funcs: []Func{{
		Name: "mine", Doc: "counts its calls",
		Call:     func(context.Context) error { calls.Add(1); return nil },
		Setup:    func() error { setup++; return nil },
		Teardown: func() error { teardown++; return nil },
	}}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse("f.yaml", []byte("name: f\npattern: func\nimpls: [mine]\nload: {model: closed, clients: 2, duration: 20ms}\n"), reg)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := RunTrial(context.Background(), TrialSpec{Spec: s, Impl: "mine", Params: map[string]string{}, Rep: 1}, reg)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Status != "ok" || tr.Issued == 0 || tr.Issued != calls.Load() || setup != 1 || teardown != 1 {
		t.Fatalf("status %s (%s), issued %d, calls %d, setup %d, teardown %d", tr.Status, tr.Error, tr.Issued, calls.Load(), setup, teardown)
	}
	if tr.Name != "Scenario/scenario=f/pattern=func/impl=mine" {
		t.Errorf("name %q", tr.Name)
	}
}

func TestExtendRefusesClashesAndBadNames(t *testing.T) {
	noop := func(context.Context) error { return nil }
	tests := []struct {
		name     string
		give     Extras
		wantText string
	}{
		{"a pool named like a built-in", Extras{WorkerPools: []workerpool.Impl{{Name: "channels"}}}, `two implementations named "channels"`},
		{"two funcs of one name", Extras{Funcs: []Func{{Name: "a", Call: noop}, {Name: "a", Call: noop}}}, `two implementations named "a"`},
		{"a func name with a slash", Extras{Funcs: []Func{{Name: "a/b", Call: noop}}}, `func "a/b"`},
		{"a func without Call", Extras{Funcs: []Func{{Name: "a"}}}, "has no Call"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Extend(tt.give); err == nil || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("Extend: %v, want an error containing %q", err, tt.wantText)
			}
		})
	}
}
