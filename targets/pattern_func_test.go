package targets

import (
	"context"
	"strings"
	"testing"

	"github.com/concbench/concbench/impl/workerpool"
)

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

// TestFloorNameReserved: no pattern may have an implementation called
// FloorImpl.
func TestFloorNameReserved(t *testing.T) {
	p := harnessPattern()
	p.Name, p.Impls = "mine", []ImplInfo{{Name: FloorImpl}}
	if _, err := NewRegistry(p); err == nil || !strings.Contains(err.Error(), `"floor"`) {
		t.Errorf("error %v, want one naming the reserved name", err)
	}
}
