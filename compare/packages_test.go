package compare

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestCompareKeepsPackagesApart: same-named benchmarks of two packages,
// as a go test ./... of a module writes them, are two tables, as in
// benchstat, never one pooled sample (which would read ~500 ns ± 80% for
// 100 and 900 ns).
func TestCompareKeepsPackagesApart(t *testing.T) {
	ns := func(pkg, _ string, _ int) float64 {
		if pkg == "example.com/a" {
			return 100
		}
		return 900
	}
	file := goTestFile(t, t.TempDir(), "r.txt", 6, []string{"example.com/a", "example.com/b"}, ns, []string{"Encode"})
	var out bytes.Buffer
	if _, err := Files(context.Background(), &out, []string{file, file}, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"pkg: example.com/a\n", "pkg: example.com/b\n", "100.0n", "900.0n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("compare output lacks %q:\n%s", want, out.String())
		}
	}
}
