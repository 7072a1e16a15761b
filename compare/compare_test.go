package compare

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestUnreadableFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.txt")
	tests := []struct {
		giveName  string
		giveFiles []string
	}{
		{"old", []string{missing, "testdata/new.txt"}},
		{"new", []string{"testdata/old.txt", missing}},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		_, err := Files(&out, tt.giveFiles, Options{})
		if err == nil || !strings.Contains(err.Error(), missing) {
			t.Errorf("%s: error %v does not name %s", tt.giveName, err, missing)
		}
		if out.Len() > 0 {
			t.Errorf("%s: wrote %q before the error", tt.giveName, out.String())
		}
	}
}

func TestCompareGolden(t *testing.T) {
	var got bytes.Buffer
	if _, err := Files(&got, []string{"testdata/old.txt", "testdata/new.txt"}, Options{}); err != nil {
		t.Fatal(err)
	}
	golden := "testdata/compare.golden"
	if *update {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != string(want) {
		t.Errorf("compare output differs from %s (rerun with -update to accept):\ngot:\n%s\nwant:\n%s", golden, got.String(), want)
	}
}
