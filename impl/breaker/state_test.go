package breaker_test

import (
	"testing"

	"github.com/concbench/concbench/impl/breaker"
)

func TestStateString(t *testing.T) {
	tests := []struct {
		give breaker.State
		want string
	}{
		{breaker.Closed, "closed"},
		{breaker.Open, "open"},
		{breaker.HalfOpen, "half-open"},
		{breaker.State(7), "State(7)"},
	}
	for _, tt := range tests {
		if got := tt.give.String(); got != tt.want {
			t.Errorf("State(%d).String() = %q, want %q", int(tt.give), got, tt.want)
		}
	}
}
