package targets

import (
	"context"
	"strings"
	"testing"

	"github.com/concbench/concbench/impl/breaker"
	"github.com/concbench/concbench/impl/fanout"
	"github.com/concbench/concbench/impl/pipeline"
	"github.com/concbench/concbench/impl/workerpool"
)

func TestExtendRefusesClashesAndBadNames(t *testing.T) {
	noop := func(context.Context) error { return nil }
	pool := func(name string) workerpool.Impl { return workerpool.Impl{Name: name, New: workerpool.Impls()[0].New} }
	newBreaker := breaker.Impls()[0].New
	mapFn := fanout.Impls[int, int]()[0].Map
	run := pipeline.Impls[int]()[0].Run
	tests := []struct {
		name     string
		give     Extras
		wantText string
	}{
		{"a pool named like a built-in", Extras{WorkerPools: []workerpool.Impl{pool("channels")}}, `two implementations named "channels"`},
		{"two funcs of one name", Extras{Funcs: []Func{{Name: "a", Call: noop}, {Name: "a", Call: noop}}}, `two implementations named "a"`},
		{"a func name with a slash", Extras{Funcs: []Func{{Name: "a/b", Call: noop}}}, `Funcs[0] ("a/b"): Name "a/b": want lower-case letters`},
		{"a func without Call", Extras{Funcs: []Func{{Name: "a"}}}, `Funcs[0] ("a"): Call is nil`},
		{"a pool name with a slash", Extras{WorkerPools: []workerpool.Impl{pool("a/b")}}, `WorkerPools[0] ("a/b"): Name`},
		{"a pool name with '='", Extras{WorkerPools: []workerpool.Impl{pool("ok"), pool("a=b")}}, `WorkerPools[1] ("a=b"): Name`},
		{"a pool name with a space", Extras{WorkerPools: []workerpool.Impl{pool("My Pool")}}, `WorkerPools[0] ("My Pool"): Name`},
		{"a pool with no name", Extras{WorkerPools: []workerpool.Impl{pool("")}}, `WorkerPools[0]: Name ""`},
		{"a pool name with a comma", Extras{WorkerPools: []workerpool.Impl{pool("x,y")}}, `WorkerPools[0] ("x,y"): Name`},
		{"a pool without New", Extras{WorkerPools: []workerpool.Impl{{Name: "p"}}}, `WorkerPools[0] ("p"): New is nil`},
		{"a breaker without New", Extras{Breakers: []breaker.Impl{{Name: "b"}}}, `Breakers[0] ("b"): New is nil`},
		{"a breaker name in capitals", Extras{Breakers: []breaker.Impl{{Name: "B", New: newBreaker}}}, `Breakers[0] ("B"): Name`},
		{"a fan-out without Map", Extras{FanOuts: []fanout.Impl[int, int]{{Name: "f"}}}, `FanOuts[0] ("f"): Map is nil`},
		{"a fan-out name with a slash", Extras{FanOuts: []fanout.Impl[int, int]{{Name: "f/g", Map: mapFn}}}, `FanOuts[0] ("f/g"): Name`},
		{"a pipeline without Run", Extras{Pipelines: []pipeline.Impl[int]{{Name: "p"}}}, `Pipelines[0] ("p"): Run is nil`},
		{"a pipeline name with a tab", Extras{Pipelines: []pipeline.Impl[int]{{Name: "p\tq", Run: run}}}, `Pipelines[0] ("p\tq"): Name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Extend(tt.give); err == nil || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("Extend: %v, want an error containing %q", err, tt.wantText)
			}
		})
	}
}

// TestFloorNameReserved: no pattern may have an implementation called
// FloorImpl.
func TestFloorNameReserved(t *testing.T) {
	p := harnessPattern()
	p.Name, p.Impls = "mine", []ImplInfo{{Name: FloorImpl}}
	if _, err := NewRegistry(p); err == nil || !strings.Contains(err.Error(), `"floor"`) {
		t.Errorf("error %v, want one naming the reserved name", err)
	}
}
