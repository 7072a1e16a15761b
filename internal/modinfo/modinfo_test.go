package modinfo

import (
	"strings"
	"testing"
)

func constructor() {}

func TestOf(t *testing.T) {
	main, _ := Binary()
	if main.Path == "" {
		t.Skip("this test binary has no build information: nothing to resolve against")
	}
	// The package's own function: the main module (a test binary's).
	if got := Of(constructor, "my own design"); got.Path != main.Path {
		t.Errorf("Of(a function of this package) = %v, want %s", got, main.Path)
	}
	// A doc that begins with a module of the binary names that module.
	if got := Of(constructor, main.Path+"/sub thing"); got.Path != main.Path {
		t.Errorf("Of(doc naming the main module) = %v", got)
	}
	// Neither: a nil function, a doc naming no module.
	if got := Of(nil, "nothing"); got != (Module{}) {
		t.Errorf("Of(nil) = %v, want nothing", got)
	}
	if s := (Module{"a/b", "v1.2.3"}).String(); !strings.Contains(s, "v1.2.3") {
		t.Errorf("String %q", s)
	}
}
