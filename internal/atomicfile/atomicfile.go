// Package atomicfile writes files whole or not at all: every file concbench
// writes (results, sidecars, charts, reports) goes through it. A path that
// is a symbolic link is written through to the file it points to; the link
// stays.
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
// file behind. A path that is a symbolic link is written through: the
// file it points to ([Target]) is replaced, and the link stays a link.
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
	targets := make([]string, len(files))
	for i, f := range files {
		t, err := Target(f.Path)
		if err != nil {
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
		targets[i] = t
	}
	temps := make([]string, 0, len(files))
	removeTemps := func() {
		for _, t := range temps {
			os.Remove(t)
		}
	}
	for i, f := range files {
		tmp, err := writeTemp(targets[i], f.Data)
		if err != nil {
			removeTemps()
			return err
		}
		temps = append(temps, tmp)
	}
	for i, f := range files {
		if err := os.Rename(temps[i], targets[i]); err != nil {
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
	path, err := Target(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
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

// maxLinks bounds a chain of symbolic links, as the kernel does (ELOOP).
const maxLinks = 40

// Target returns the file that writing path replaces: path itself, or,
// where path is a symbolic link, the file at the end of its chain of links
// (a link's relative target read from the link's directory), which need
// not exist yet. A chain longer than 40 links is an error.
func Target(path string) (string, error) {
	for range maxLinks {
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			return path, nil // not there yet, or not a link: written as it is
		}
		dest, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(path), dest)
		}
		path = dest
	}
	return "", fmt.Errorf("more than %d symbolic links in a chain", maxLinks)
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
