//go:build unix

package scenarios

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/concbench/concbench/targets"
)

// A FIFO with no writer would block a reader forever: Find refuses it
// without opening it.
func TestFindRefusesFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	_, err := Find(fifo, targets.Builtin())
	var ie *InputError
	if !errors.As(err, &ie) || ie.Msg != "a FIFO: want a scenario file (.yaml)" {
		t.Fatalf("error %v, want a FIFO refused", err)
	}
}

// Between Stat and open the path may become a FIFO: the open must not
// block, and the open file is refused.
func TestReadScenarioFileRechecksAfterOpen(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	regular := regularFile(t, filepath.Join(dir, "regular.yaml"))
	_, err := readScenarioFile(fifo, regular) // Stat said regular; the path is a FIFO now
	var ie *InputError
	if !errors.As(err, &ie) || ie.Msg != "a FIFO: want a scenario file (.yaml)" {
		t.Fatalf("error %v, want a FIFO refused", err)
	}
}
