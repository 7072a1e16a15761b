// Package dirlock gives one process at a time a results folder: two runs
// writing the same folder would overwrite each other's results, and both
// would exit 0.
package dirlock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Name is the lock file inside a locked folder.
const Name = ".runbench.lock"

// ErrBusy is returned, wrapped in a message naming the holder, when
// another process holds the folder.
var ErrBusy = errors.New("in use by another process")

// Lock is a held folder. Release it when done; the operating system also
// releases it when the process dies, however it dies, so a lock file left
// behind by a killed run never blocks the next one.
type Lock struct{ f *os.File }

// Acquire creates dir (and its parents) if needed and takes an exclusive,
// non-blocking lock on dir/.runbench.lock. It fails at once if another
// process holds it, with an error that wraps ErrBusy and says who holds it
// (pid, command, since when), or if dir cannot be created or written: it is
// the writability check that must come before any work.
func Acquire(dir, what string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("results folder %s: %w", dir, err)
	}
	path := filepath.Join(dir, Name)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("results folder %s is not writable: %w", dir, err)
	}
	if err := lockFile(f); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, errWouldBlock) {
			return nil, fmt.Errorf("results folder %s is %w: %s (lock %s); wait for it or choose another -out", dir, ErrBusy, describe(holder), path)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	// Say who holds it, for the message of a process that finds it busy.
	host, _ := os.Hostname()
	info := fmt.Sprintf("pid %d on %s, %s, since %s\n", os.Getpid(), host, what, time.Now().UTC().Format(time.RFC3339))
	if err := f.Truncate(0); err != nil {
		f.Close()
		return nil, fmt.Errorf("results folder %s is not writable: %w", dir, err)
	}
	if _, err := f.WriteAt([]byte(info), 0); err != nil {
		f.Close()
		return nil, fmt.Errorf("results folder %s is not writable: %w", dir, err)
	}
	return &Lock{f: f}, nil
}

func describe(holder []byte) string {
	s := strings.TrimSpace(string(holder))
	if s == "" {
		return "held by a process that has not yet said who it is"
	}
	return "held by " + s
}

// Release gives the folder up. The lock file stays: removing it would let
// a third process lock a new file while a second still waits on the old.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the descriptor drops the flock
	l.f = nil
	return err
}
