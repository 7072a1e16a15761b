package report

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestReportKeepsPackagesApart: same-named benchmarks of two packages, as
// a go test ./... of a module writes them, are two sections of the
// report, one per package, each with its own median, never one pooled
// sample (which would read ~500 ns ± 80% for 100 and 900 ns). Package
// compare's TestCompareKeepsPackagesApart holds the comparison to the
// same.
func TestReportKeepsPackagesApart(t *testing.T) {
	file := twoPackages(t)
	ds, err := readFiles([]string{file})
	if err != nil {
		t.Fatal(err)
	}
	values := map[string][]float64{}
	for _, s := range buildSections(ds) {
		for _, g := range s.Groups {
			for _, r := range g.results["Encode"] {
				values[s.Title] = append(values[s.Title], r.Values["ns/op"])
			}
		}
	}
	want := map[string][]float64{
		"Encode · pkg: example.com/a": {100, 100, 100, 100, 100, 100},
		"Encode · pkg: example.com/b": {900, 900, 900, 900, 900, 900},
	}
	if !reflect.DeepEqual(values, want) {
		t.Errorf("sections and their values %v, want %v", values, want)
	}
}

// twoPackages writes a results file with a BenchmarkEncode in each of two
// packages: 6 runs of 100 ns in example.com/a, 6 of 900 ns in example.com/b.
func twoPackages(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, pkg := range []struct{ name, ns string }{{"example.com/a", "100"}, {"example.com/b", "900"}} {
		b.WriteString("pkg: " + pkg.name + "\n")
		for range 6 {
			b.WriteString("BenchmarkEncode 1000 " + pkg.ns + " ns/op\n")
		}
	}
	file := filepath.Join(t.TempDir(), "r.txt")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}
