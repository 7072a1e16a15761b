package nilness

import "testing"

func TestIs(t *testing.T) {
	type pool struct{}
	var p *pool
	var f func()
	var m map[int]int
	tests := []struct {
		name string
		v    any
		want bool
	}{
		{"nil interface", nil, true},
		{"nil pointer", p, true},
		{"nil func", f, true},
		{"nil map", m, true},
		{"pointer", &pool{}, false},
		{"struct", pool{}, false},
		{"int", 0, false},
	}
	for _, tt := range tests {
		if got := Is(tt.v); got != tt.want {
			t.Errorf("%s: Is = %v, want %v", tt.name, got, tt.want)
		}
	}
}
