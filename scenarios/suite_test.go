package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concbench/concbench/targets"
)

// Find reads only regular files of at most MaxFileSize bytes, and returns
// an InputError at once for anything else.
func TestFindRefusesWhatIsNotAScenarioFile(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte("name: big\npattern: harness\n"+strings.Repeat("#", MaxFileSize)), 0o644); err != nil {
		t.Fatal(err)
	}
	edge := filepath.Join(dir, "edge.yaml") // exactly MaxFileSize bytes: accepted
	spec := "name: edge\npattern: harness\n"
	if err := os.WriteFile(edge, []byte(spec+"#"+strings.Repeat(" ", MaxFileSize-len(spec)-1)), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		give    string
		wantMsg string // "" if it parses
	}{
		{"directory", dir, "a directory: want a scenario file (.yaml)"},
		{"device", os.DevNull, "a device: want a scenario file (.yaml)"},
		{"too large", big, "larger than 1 MiB: a scenario file is at most that"},
		{"at the limit", edge, ""},
		{"missing", filepath.Join(dir, "none.yaml"), "no such file or directory"},
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		tests = append(tests, struct{ name, give, wantMsg string }{"dev zero", "/dev/zero", "a device: want a scenario file (.yaml)"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Find(tt.give, targets.Builtin())
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var ie *InputError
			if !errors.As(err, &ie) || ie.File != tt.give || ie.Msg != tt.wantMsg {
				t.Errorf("error %v, want %s: %s", err, tt.give, tt.wantMsg)
			}
		})
	}
}

func TestFindEmbedded(t *testing.T) {
	s, err := Find("workerpool-open", targets.Builtin())
	if err != nil || s.File != "quick/workerpool-open.yaml" {
		t.Fatalf("%q, %v", s.File, err)
	}
}

// regularFile writes a scenario file at name and returns its FileInfo.
func regularFile(t *testing.T, name string) os.FileInfo {
	t.Helper()
	if err := os.WriteFile(name, []byte("name: r\npattern: harness\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// A bare name is an embedded scenario's, even with a file or folder of
// that name in the current folder (a run's -out, say); ./name is the file.
func TestEmbeddedNameBeforeAFile(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.Mkdir("harness-overhead", 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := Find("harness-overhead", targets.Builtin())
	if err != nil || !strings.HasPrefix(s.File, "quick/") {
		t.Errorf("Find(harness-overhead): %q, %v; want the embedded scenario", s.File, err)
	}
	if _, err := Find("./harness-overhead", targets.Builtin()); err == nil {
		t.Error("Find(./harness-overhead), a folder: no error")
	}
}
