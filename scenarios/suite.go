package scenarios

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
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
// ends in .yaml), else the embedded scenario of that name.
func Find(ref string, patterns []Pattern) (Spec, error) {
	if _, err := os.Stat(ref); err == nil || strings.HasSuffix(ref, ".yaml") || strings.HasSuffix(ref, ".yml") {
		data, err := os.ReadFile(ref)
		if err != nil {
			return Spec{}, &InputError{File: ref, Msg: errors.Unwrap(err).Error()}
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
