package dirlock

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestSecondAcquireIsRefusedWithTheHolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	first, err := Acquire(dir, "runbench run")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(dir, "runbench run")
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("second Acquire: %v, want ErrBusy", err)
	}
	if want := "pid " + strconv.Itoa(os.Getpid()); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name the holder (%s)", err, want)
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	again, err := Acquire(dir, "runbench run")
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	again.Release()
}

func TestAcquireOnAFileFails(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if l, err := Acquire(file, "x"); err == nil {
		l.Release()
		t.Fatal("Acquire on a plain file succeeded")
	}
}
