package runbench

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestInputsMustBeRegularFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.txt")
	if err := os.WriteFile(good, []byte("BenchmarkX 1 5 ns/op\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.txt")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.txt")
	out := filepath.Join(dir, "rep")
	tests := []struct {
		name     string
		giveArgs []string
		wantText string
	}{
		{"report directory", []string{"report", "-o", out, dir}, "report: " + dir + ": is a directory, want a results file"},
		{"report FIFO", []string{"report", "-o", out, good, fifo}, "report: " + fifo + ": is a named pipe (FIFO), want a results file"},
		{"report device", []string{"report", "-o", out, os.DevNull}, "report: " + os.DevNull + ": is a device, want a results file"},
		{"report missing", []string{"report", "-o", out, missing}, "report: stat " + missing + ": no such file or directory"},
		{"compare directory", []string{"compare", dir, good}, "compare: " + dir + ": is a directory, want a results file"},
		{"compare FIFO", []string{"compare", good, fifo}, "compare: " + fifo + ": is a named pipe (FIFO), want a results file"},
		{"compare missing", []string{"compare", missing, good}, "compare: stat " + missing + ": no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, tt.giveArgs...)
			if code != 2 {
				t.Errorf("exit %d, want 2; stdout %q", code, stdout)
			}
			if !strings.Contains(stderr, tt.wantText) {
				t.Errorf("stderr %q lacks %q", stderr, tt.wantText)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("report directory written after bad input: %v", err)
			}
		})
	}
	// The good file alone is fine: the refusals above are the inputs'.
	if _, stderr, code := runCLI(t, "compare", good, good); code != 0 {
		t.Errorf("compare good good: exit %d, %s", code, stderr)
	}
}
