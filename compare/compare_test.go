package compare

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
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
		_, err := Files(context.Background(), &out, tt.giveFiles, Options{})
		if err == nil || !strings.Contains(err.Error(), missing) {
			t.Errorf("%s: error %v does not name %s", tt.giveName, err, missing)
		}
		if out.Len() > 0 {
			t.Errorf("%s: wrote %q before the error", tt.giveName, out.String())
		}
	}
}

// TestGolden holds each format's bytes to a golden file, in benchstat's
// own golden style (cmd/benchstat/main_test.go): the output of a case
// named name is testdata/name.golden and its warnings (csv's, which go
// apart) testdata/name.warnings.golden, a missing file reading as empty;
// a difference is shown as a unified diff. Run with -update to rewrite
// them. TestCompareAgreesWithBenchstat holds the text and the csv to
// benchstat's own, byte for byte; these files keep every format's bytes
// in view, benchstat or not.
func TestGolden(t *testing.T) {
	oldNew := []string{"testdata/old.txt", "testdata/new.txt"}
	newOld := []string{"testdata/new.txt", "testdata/old.txt"}
	tests := []struct {
		name  string
		files []string
		opts  Options
	}{
		{"compare", oldNew, Options{}},
		{"regressions", newOld, Options{MaxRegression: 0.05}},
		{"columns", []string{"testdata/new.txt"}, Options{Projections: Projections{Row: ".name", Col: "/impl"}}},
		{"labels", []string{"base=testdata/old.txt", "head=testdata/new.txt"}, Options{Projections: Projections{Filter: ".unit:sec/op"}}},
		{"markdown", newOld, Options{Format: "markdown", MaxRegression: 0.05}},
		{"csv", newOld, Options{Format: "csv", MaxRegression: 0.05}},
		{"no-results", oldNew, Options{Projections: Projections{Filter: "/impl:nosuch"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, warn bytes.Buffer
			tt.opts.Warnings = &warn
			if _, err := Files(context.Background(), &out, tt.files, tt.opts); err != nil {
				t.Fatal(err)
			}
			golden(t, "testdata/"+tt.name+".golden", out.Bytes())
			golden(t, "testdata/"+tt.name+".warnings.golden", warn.Bytes())
		})
	}
}

// golden compares got with the file at path, or with nothing if there
// is none, and rewrites (or removes) the file under -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		var err error
		if len(got) > 0 {
			err = os.WriteFile(path, got, 0o644)
		} else if err = os.Remove(path); errors.Is(err, fs.ErrNotExist) {
			err = nil
		}
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (rerun with -update to accept):\n%s", path, diff(t, want, got))
	}
}

// diff is the unified diff from want to got, as benchstat's golden test
// shows it, or both in full where the diff command is missing.
func diff(t *testing.T, want, got []byte) string {
	t.Helper()
	d := t.TempDir()
	if err := os.WriteFile(filepath.Join(d, "want"), want, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d, "got"), got, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("diff", "-Nu", "want", "got")
	cmd.Dir = d
	if out, _ := cmd.CombinedOutput(); len(out) > 0 && cmd.ProcessState != nil && cmd.ProcessState.ExitCode() == 1 {
		return string(out)
	}
	return fmt.Sprintf("want:\n%s\ngot:\n%s", want, got)
}
