// Package atomicfile writes files whole or not at all: every file concbench
// writes (results, sidecars, charts, reports) goes through it.
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Write writes data to a temporary file in path's directory, syncs it and
// renames it over path (mode 0644), so that a reader sees the old file or
// the whole new one, never half of one, and a failure leaves no temporary
// file behind.
func Write(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	serr := f.Sync()
	merr := f.Chmod(0o644)
	cerr := f.Close()
	if err := errors.Join(werr, serr, merr, cerr); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}
