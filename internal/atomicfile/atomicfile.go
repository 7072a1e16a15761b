// Package atomicfile writes files whole or not at all: every file concbench
// writes (results, sidecars, charts, reports) goes through it.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write writes data to a temporary file in path's directory, syncs it and
// renames it over path (mode 0644), so that a reader sees the old file or
// the whole new one, never half of one, and a failure leaves no temporary
// file behind.
func Write(path string, data []byte) error {
	return WriteAll(File{path, data})
}

// File is one file of a WriteAll.
type File struct {
	Path string
	Data []byte
}

// WriteAll writes files that belong together (a results file and its
// sidecar): every file is first written and synced under a temporary name,
// and only when all of them are on disk are they renamed into place, in the
// order given. A failure before the renames leaves every old file as it was
// and no temporary file behind. Put the file whose presence makes the set
// valid last: readers of the results take the text file as the index of
// the sidecar, so it goes last.
func WriteAll(files ...File) error {
	temps := make([]string, 0, len(files))
	removeTemps := func() {
		for _, t := range temps {
			os.Remove(t)
		}
	}
	for _, f := range files {
		tmp, err := writeTemp(f.Path, f.Data)
		if err != nil {
			removeTemps()
			return err
		}
		temps = append(temps, tmp)
	}
	for i, f := range files {
		if err := os.Rename(temps[i], f.Path); err != nil {
			removeTemps() // the ones not renamed yet; renamed ones are gone from their temp names
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
	}
	return nil
}

// WriteFrom is Write for a file too large to hold in memory: fill writes
// its contents to the temporary file, which is renamed over path only if
// fill returns nil.
func WriteFrom(path string, fill func(io.Writer) error) error {
	tmp, err := writeTempFrom(path, fill)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func writeTemp(path string, data []byte) (string, error) {
	return writeTempFrom(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

func writeTempFrom(path string, fill func(io.Writer) error) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	bw := bufio.NewWriter(f)
	werr := fill(bw)
	if werr == nil {
		werr = bw.Flush()
	}
	serr := f.Sync()
	merr := f.Chmod(0o644)
	cerr := f.Close()
	if err := errors.Join(werr, serr, merr, cerr); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return f.Name(), nil
}

// CheckDir reports whether files can be written into dir, by creating and
// removing a temporary file there: the check a long job makes before it
// starts, so that it does not fail at its end.
func CheckDir(dir string) error {
	f, err := os.CreateTemp(dir, ".runbench-check.tmp*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}
