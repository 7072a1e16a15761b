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

// TestWriteThroughSymlink: a path that is a link, or a chain of them,
// keeps being one; the file at its end gets the data.
func TestWriteThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(sub, "real.txt")
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.txt")    // relative: sub/real.txt
	chain := filepath.Join(dir, "chain.txt")  // absolute: dir/link.txt
	dangling := filepath.Join(dir, "new.txt") // to sub/later.txt, not there yet
	for l, dest := range map[string]string{link: filepath.Join("sub", "real.txt"), chain: link, dangling: filepath.Join("sub", "later.txt")} {
		if err := os.Symlink(dest, l); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	for _, tt := range []struct{ path, file, data string }{
		{link, target, "through a link"},
		{chain, target, "through a chain"},
		{dangling, filepath.Join(sub, "later.txt"), "through a dangling link"},
	} {
		if err := Write(tt.path, []byte(tt.data)); err != nil {
			t.Fatalf("Write(%s): %v", filepath.Base(tt.path), err)
		}
		if fi, err := os.Lstat(tt.path); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s is no longer a link: %v, %v", filepath.Base(tt.path), fi.Mode(), err)
		}
		if got, _ := os.ReadFile(tt.file); string(got) != tt.data {
			t.Errorf("%s after Write(%s) = %q, want %q", tt.file, filepath.Base(tt.path), got, tt.data)
		}
	}
	loop := filepath.Join(dir, "loop")
	if err := os.Symlink("loop", loop); err != nil {
		t.Fatal(err)
	}
	if err := Write(loop, []byte("x")); err == nil {
		t.Error("Write through a link to itself: no error")
	}
	if entries, _ := os.ReadDir(sub); len(entries) != 2 {
		t.Errorf("%d entries in the links' target folder, want real.txt and later.txt only", len(entries))
	}
}
