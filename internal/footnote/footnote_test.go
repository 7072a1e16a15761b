package footnote

import (
	"errors"
	"slices"
	"testing"
)

func TestMarks(t *testing.T) {
	a, b, c := errors.New("a"), errors.New("b"), errors.New("c")
	var list []string
	if got := Marks(&list, []error{b}, nil, []error{a, b}); !slices.Equal(got, []string{"¹", "²", "¹"}) {
		t.Errorf("marks %q, want ¹ ² ¹", got)
	}
	if got := Marks(&list, []error{c}); !slices.Equal(got, []string{"³"}) {
		t.Errorf("marks %q, want ³", got)
	}
	if got := Marks(&list); got != nil {
		t.Errorf("marks of nothing %q, want none", got)
	}
	if !slices.Equal(list, []string{"b", "a", "c"}) {
		t.Errorf("list %q, want b a c: in order of first use", list)
	}
}

func TestSuperscript(t *testing.T) {
	for i, want := range map[int]string{0: "⁰", 1: "¹", 9: "⁹", 10: "¹⁰", 123: "¹²³"} {
		if got := Superscript(i); got != want {
			t.Errorf("Superscript(%d) = %q, want %q", i, got, want)
		}
	}
}
