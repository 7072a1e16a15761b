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

// TestOfLongest: of two modules whose paths both begin a doc (a library's
// v1 and its /v2, both in a user's binary), the longer one is the doc's;
// a path that only shares a prefix with the doc's first word is not.
func TestOfLongest(t *testing.T) {
	all := []Module{
		{"example.com/mybench", ""},
		{"github.com/alitto/pond", "v1.9.2"},
		{"github.com/alitto/pond/v2", "v2.7.1"},
		{"github.com/sony/gobreaker", "v1.0.0"},
		{"github.com/sony/gobreaker/v2", "v2.4.0"},
	}
	for doc, want := range map[string]Module{
		"github.com/alitto/pond/v2 pool of N":          all[2],
		"github.com/alitto/pond v1 pool per call":      all[1],
		"github.com/sony/gobreaker/v2: ConsecutiveFai": all[4],
		"github.com/sony/gobreaker v1 Execute":         all[3],
		"github.com/sony/gobreakers fork":              {},
		"github.com/alitto/pond/v2/sub a package":      all[2],
	} {
		if got := of(all, nil, doc); got != want {
			t.Errorf("of(%q) = %v, want %v", doc, got, want)
		}
	}
}
