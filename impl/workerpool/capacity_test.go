package workerpool_test

import (
	"testing"

	"github.com/concbench/concbench/impl/workerpool"
)

// TestHasQueue pins which pools each entry can build: its own queue, any
// queue through WithQueue, none where it is unbounded.
func TestHasQueue(t *testing.T) {
	byName := map[string]workerpool.Impl{}
	for _, impl := range workerpool.Impls() {
		byName[impl.Name] = impl
	}
	tests := []struct {
		impl         string
		giveQueue    int
		wantHas      bool
		wantCapacity int // of New's pool, at 4 workers; 0 if unbounded
	}{
		{impl: "channels", giveQueue: 0, wantHas: true, wantCapacity: 8},
		{impl: "channels", giveQueue: 4, wantHas: true, wantCapacity: 8},
		{impl: "channels", giveQueue: -1, wantHas: false, wantCapacity: 8},
		{impl: "ants", giveQueue: 0, wantHas: true, wantCapacity: 4},
		{impl: "ants", giveQueue: 4, wantHas: false, wantCapacity: 4},
		{impl: "tunny", giveQueue: 0, wantHas: true, wantCapacity: 4},
		{impl: "tunny", giveQueue: 7, wantHas: true, wantCapacity: 4},
		{impl: "spawn", giveQueue: 0, wantHas: false},
		{impl: "gammazero", giveQueue: 0, wantHas: false},
	}
	for _, tt := range tests {
		impl, ok := byName[tt.impl]
		if !ok {
			t.Fatalf("no entry %q", tt.impl)
		}
		c, bounded := impl.Capacity(4)
		if c != tt.wantCapacity || bounded != (tt.wantCapacity > 0) {
			t.Errorf("%s: Capacity(4) = %d, %v, want %d", tt.impl, c, bounded, tt.wantCapacity)
		}
		if got := impl.HasQueue(4, tt.giveQueue); got != tt.wantHas {
			t.Errorf("%s: HasQueue(4, %d) = %v, want %v", tt.impl, tt.giveQueue, got, tt.wantHas)
		}
		p, ok := impl.NewQueue(4, tt.giveQueue)
		if ok != tt.wantHas || (p != nil) != tt.wantHas {
			t.Errorf("%s: NewQueue(4, %d) = %v, %v, want a pool: %v", tt.impl, tt.giveQueue, p, ok, tt.wantHas)
		}
		if p != nil {
			if err := p.Close(); err != nil {
				t.Errorf("%s: Close: %v", tt.impl, err)
			}
		}
	}
}
