package report

import (
	"bufio"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadResults reads arbitrary bytes as a results file with the
// report's reader: it may not panic, and every value it keeps must be
// finite. (Package compare's FuzzReadComparison holds the comparison's
// reader to the same, from the same seeds.) The seed corpus
// (testdata/fuzz/FuzzReadResults) holds a runbench results file with its
// Unit and configuration lines, go test output, and hostile lines: NaN
// and ±Inf values, a value that overflows when tidied, malformed
// measurements.
func FuzzReadResults(f *testing.F) {
	// One file per fuzzing process, rewritten for each input (it has no
	// sidecar next to it).
	path := filepath.Join(f.TempDir(), "r.txt")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		// benchfmt reads lines of up to 64 KiB; a longer one fails the
		// file, cleanly, with an error naming it.
		tooLong := func(err error) bool { return errors.Is(err, bufio.ErrTooLong) }
		ds, err := readFiles([]string{path})
		if err != nil && !tooLong(err) {
			t.Fatalf("readFiles: %v", err)
		}
		if err == nil {
			for _, r := range ds.Results {
				for u, v := range r.Values {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Fatalf("report kept %s %v at line %d", u, v, r.Line)
					}
				}
			}
		}
	})
}
