package record

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzSidecarRead reads arbitrary bytes as a sidecar: Read must not
// panic, and every histogram it keeps must be within the bounds
// CheckEncoded states, and within one budget in all. The seed corpus
// (testdata/fuzz/FuzzSidecarRead) holds lines written by Write from real
// histograms, a histogram header that declares a huge range, a zlib bomb
// and a malformed line between good ones.
func FuzzSidecarRead(f *testing.F) {
	// One file per fuzzing process, rewritten for each input: a directory
	// per input would make each run, and the minimizing of an input, slower.
	path := filepath.Join(f.TempDir(), "r.jsonl")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		trials, _, err := Read(path, nil)
		if err != nil {
			t.Fatalf("Read of a regular file: %v", err)
		}
		var total int64
		for _, tr := range trials {
			for _, h := range []*Hist{tr.Latency, tr.Service, tr.Lateness} {
				if h == nil {
					continue
				}
				if h.Histogram == nil {
					t.Fatalf("trial %q kept a Hist without a histogram", tr.Name)
				}
				lo, hi, digits := h.LowestTrackableValue(), h.HighestTrackableValue(), h.SignificantFigures()
				n, err := geometryCountsLen(lo, hi, int32(digits))
				if err != nil {
					t.Fatalf("trial %q kept a histogram out of bounds: %v", tr.Name, err)
				}
				// ByteSize is 8 bytes per count and a few dozen more: what
				// was allocated, without copying the counts to see.
				if b := h.ByteSize(); b > MaxCountsLen*8+1024 {
					t.Fatalf("trial %q kept a histogram of %d bytes (%d to %d at %d digits)", tr.Name, b, lo, hi, digits)
				}
				total += n
			}
		}
		if total > MaxTotalCounts {
			t.Fatalf("decoded %d counts in all, over the budget of %d", total, MaxTotalCounts)
		}
	})
}
