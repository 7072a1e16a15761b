package scenarios

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"
)

//go:embed quick/*.yaml
var embedded embed.FS

func hashOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Quick returns the embedded quick suite, the default of `runbench run`.
func Quick(patterns []Pattern) ([]Spec, error) {
	entries, err := fs.ReadDir(embedded, "quick")
	if err != nil {
		return nil, err
	}
	var specs []Spec
	for _, e := range entries {
		name := path.Join("quick", e.Name())
		data, err := embedded.ReadFile(name)
		if err != nil {
			return nil, err
		}
		s, err := Parse(name, data, patterns)
		if err != nil {
			return nil, err
		}
		specs = append(specs, s)
	}
	return specs, nil
}

// Find returns the scenario named ref: a file path if one exists (or ref
// ends in .yaml), else the embedded scenario of that name. The file must be
// a regular file of at most MaxFileSize bytes: anything else (a directory,
// a FIFO, a device such as /dev/zero) is refused without reading it.
func Find(ref string, patterns []Pattern) (Spec, error) {
	if st, err := os.Stat(ref); err == nil || strings.HasSuffix(ref, ".yaml") || strings.HasSuffix(ref, ".yml") {
		if err != nil {
			return Spec{}, &InputError{File: ref, Msg: pathErrorMsg(err)}
		}
		data, err := readScenarioFile(ref, st)
		if err != nil {
			return Spec{}, err
		}
		return Parse(ref, data, patterns)
	}
	specs, err := Quick(patterns)
	if err != nil {
		return Spec{}, err
	}
	var names []string
	for _, s := range specs {
		if s.Name == ref {
			return s, nil
		}
		names = append(names, s.Name)
	}
	return Spec{}, &InputError{File: ref, Msg: fmt.Sprintf("no such file, and no embedded scenario of that name; have %s", strings.Join(names, ", "))}
}

// readScenarioFile reads the file at name, which os.Stat described as st.
// It opens only a regular file of at most MaxFileSize bytes, and reads at
// most one byte more, so that a file growing meanwhile cannot exceed it.
// The open does not block (a FIFO put in the file's place since the Stat
// would wait for a writer), and the open file is checked again.
func readScenarioFile(name string, st fs.FileInfo) ([]byte, error) {
	if err := checkScenarioFile(name, st); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, &InputError{File: name, Msg: pathErrorMsg(err)}
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return nil, &InputError{File: name, Msg: pathErrorMsg(err)}
	}
	if err := checkScenarioFile(name, st); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, &InputError{File: name, Msg: pathErrorMsg(err)}
	}
	if len(data) > MaxFileSize {
		return nil, &InputError{File: name, Msg: tooLarge}
	}
	return data, nil
}

const tooLarge = "larger than 1 MiB: a scenario file is at most that"

func checkScenarioFile(name string, st fs.FileInfo) error {
	m := st.Mode()
	var what string
	switch {
	case m.IsRegular():
		if st.Size() > MaxFileSize {
			return &InputError{File: name, Msg: tooLarge}
		}
		return nil
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeNamedPipe != 0:
		what = "a FIFO"
	case m&fs.ModeDevice != 0:
		what = "a device"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	default:
		what = "not a regular file"
	}
	return &InputError{File: name, Msg: what + ": want a scenario file (.yaml)"}
}

func pathErrorMsg(err error) string {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err.Error()
	}
	return err.Error()
}
