package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteReplacesWholeAndLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.txt")
	for _, want := range []string{"first", "second, longer"} {
		if err := Write(path, []byte(want)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != want {
			t.Fatalf("read %q, %v; want %q", got, err, want)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d entries in the directory, want only r.txt", len(entries))
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
}

func TestWriteIntoMissingDirFails(t *testing.T) {
	if err := Write(filepath.Join(t.TempDir(), "no", "r.txt"), []byte("x")); err == nil {
		t.Fatal("no error writing into a directory that does not exist")
	}
}

func TestWriteAllLeavesOldPairWhenOneFails(t *testing.T) {
	dir := t.TempDir()
	txt, side := filepath.Join(dir, "r.txt"), filepath.Join(dir, "r.jsonl")
	if err := WriteAll(File{side, []byte("old side")}, File{txt, []byte("old txt")}); err != nil {
		t.Fatal(err)
	}
	// The second file's directory does not exist: its temporary file cannot
	// be created, so neither file may change.
	err := WriteAll(File{side, []byte("new side")}, File{filepath.Join(dir, "no", "r.txt"), []byte("new txt")})
	if err == nil {
		t.Fatal("no error")
	}
	for path, want := range map[string]string{side: "old side", txt: "old txt"} {
		if got, _ := os.ReadFile(path); string(got) != want {
			t.Errorf("%s = %q after a failed WriteAll, want %q", filepath.Base(path), got, want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("%d entries, want the two old files only", len(entries))
	}
}

func TestCheckDir(t *testing.T) {
	dir := t.TempDir()
	if err := CheckDir(dir); err != nil {
		t.Errorf("CheckDir(writable dir): %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("CheckDir left %d files behind", len(entries))
	}
	if err := CheckDir(filepath.Join(dir, "missing")); err == nil {
		t.Error("CheckDir(missing dir): no error")
	}
}
