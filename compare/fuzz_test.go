package compare

import (
	"bufio"
	"context"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadComparison reads arbitrary bytes as a results file with the
// comparison's reader: it may not panic, and every value it keeps must be
// finite. The statistics and every format then run over what was kept.
// The seed corpus (testdata/fuzz/FuzzReadComparison) is the report's
// (package report's FuzzReadResults fuzzes its own reader): a runbench
// results file with its Unit and configuration lines, go test output, and
// hostile lines: NaN and ±Inf values, a value that overflows when tidied,
// malformed measurements.
func FuzzReadComparison(f *testing.F) {
	// One file per fuzzing process, rewritten for each input.
	path := filepath.Join(f.TempDir(), "r.txt")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		// benchfmt reads lines of up to 64 KiB; a longer one fails the
		// file, cleanly, with an error naming it.
		tooLong := func(err error) bool { return errors.Is(err, bufio.ErrTooLong) }
		c, err := readComparison(context.Background(), []string{path}, Options{})
		if err != nil && !tooLong(err) {
			t.Fatalf("readComparison: %v", err)
		}
		if err == nil {
			for _, tb := range c.tables {
				for k, cell := range tb.Cells {
					for _, v := range cell.Sample.Values {
						if math.IsNaN(v) || math.IsInf(v, 0) {
							t.Fatalf("compare kept %s %v of %s", tb.Unit, v, k.Row.StringValues())
						}
					}
				}
			}
		}
		for _, format := range Formats() {
			_, err := Files(context.Background(), io.Discard, []string{path, path}, Options{Format: format, MaxRegression: 0.05, Warnings: io.Discard})
			if err != nil && !tooLong(err) {
				t.Fatalf("Files, %s: %v", format, err)
			}
		}
	})
}
