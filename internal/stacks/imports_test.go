package stacks

import (
	"go/build"
	"strings"
	"testing"
)

// TestImports keeps to the package doc: the standard library only.
func TestImports(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range pkg.Imports {
		if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") {
			t.Errorf("stacks imports %s: a leaf imports the standard library only", path)
		}
	}
}
