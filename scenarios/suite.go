package scenarios

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/concbench/concbench/internal/benchname"
	"github.com/concbench/concbench/loadgen"
	"github.com/concbench/concbench/targets"
)

//go:embed quick/*.yaml
var embedded embed.FS

func hashOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Quick returns the embedded quick suite, the default of `runbench run`.
func Quick(reg *targets.Registry) ([]Spec, error) {
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
		s, err := Parse(name, data, reg)
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
func Find(ref string, reg *targets.Registry) (Spec, error) {
	// A bare name (letters, digits, dashes) is an embedded scenario's
	// first: a file or folder of that name in the current folder does not
	// hide it (-out harness-overhead, then -scenario harness-overhead).
	// ./name names the file.
	var names []string
	if benchname.Word(ref) {
		specs, err := Quick(reg)
		if err != nil {
			return Spec{}, err
		}
		for _, s := range specs {
			if s.Name == ref {
				return s, nil
			}
			names = append(names, s.Name)
		}
	}
	st, err := os.Stat(ref)
	if err != nil {
		if names != nil && errors.Is(err, fs.ErrNotExist) {
			return Spec{}, &InputError{File: ref, Msg: fmt.Sprintf("no embedded scenario of that name, and no such file; have %s", strings.Join(names, ", "))}
		}
		return Spec{}, &InputError{File: ref, Msg: pathErrorMsg(err)}
	}
	data, err := readScenarioFile(ref, st)
	if err != nil {
		return Spec{}, err
	}
	return Parse(ref, data, reg)
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

// DecodeJSON decodes data, the JSON form of a value that holds a Spec
// (a trial spec, which a trial process reads on its standard input),
// into v, trusting none of it: exactly one JSON object, no field that v's
// type lacks (each named by its path, which encoding/json does not give),
// every value of its field's type. Errors are InputErrors of file naming
// the JSON path ("spec.load.duration") or the line. It does not check the
// values: see [CheckPoint].
func DecodeJSON(file string, data []byte, v any) error {
	// Once as any, for the syntax, the single value and the unknown fields
	// (with their paths); then strictly.
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return jsonError(file, data, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &InputError{File: file, Line: lineAt(data, dec.InputOffset()), Msg: "data after the trial spec: want one JSON value"}
	}
	if _, ok := raw.(map[string]any); !ok {
		return &InputError{File: file, Msg: "not a JSON object: want a trial spec"}
	}
	if unknown := unknownJSONFields(raw, reflect.TypeOf(v), ""); len(unknown) > 0 {
		errs := make([]*InputError, len(unknown))
		for i, p := range unknown {
			errs[i] = &InputError{File: file, Field: p, Msg: "unknown field"}
		}
		return joinSorted(errs)
	}
	strict := json.NewDecoder(bytes.NewReader(data))
	strict.DisallowUnknownFields()
	if err := strict.Decode(v); err != nil {
		return jsonError(file, data, err)
	}
	return nil
}

// CheckPoint checks a trial as a trial process reads it: s passes the
// checks of a scenario file (its fields named spec.…), and p is a point of
// it: an Impl of its pattern (or targets.FloorImpl, for an open loop), a
// valid value for each of the pattern's parameters and no other, a Rate
// in range for an open loop (0 for a closed one), a Sleeper of
// load.sleeper's choices, Procs from 0 to MaxGOMAXPROCS and Rep from 1.
// Errors are InputErrors of file.
func CheckPoint(file string, s *Spec, p Point, reg *targets.Registry) error {
	problems := validate(s, reg, nil, true)
	for i, q := range problems {
		problems[i].field = joinPath("spec", q.field)
		for j, d := range q.deps {
			q.deps[j] = joinPath("spec", d)
		}
	}
	problems = append(problems, checkPoint(*s, p, reg)...)
	return report(file, nil, nil, problems)
}

// checkPoint checks the fields of a trial spec beside its Spec.
func checkPoint(s Spec, ts Point, reg *targets.Registry) []fieldError {
	c := newChecker(nil)
	floor := ts.Impl == targets.FloorImpl
	if pat, ok := reg.Lookup(s.Pattern); ok { // else spec.pattern is refused
		switch {
		case floor:
			if s.Load.Model != loadgen.Open {
				c.add("impl", "%s: the harness floor is for open-loop scenarios only", targets.FloorImpl)
			}
		case !slices.Contains(pat.ImplNames(), ts.Impl):
			c.add("impl", "%q is not a %s implementation; have %s", ts.Impl, pat.Name, strings.Join(pat.ImplNames(), ", "))
		case len(s.Impls) > 0 && !slices.Contains(s.Impls, ts.Impl):
			c.add("impl", "%q is not one of the scenario's impls", ts.Impl)
		}
		for _, p := range pat.Params {
			field := "params." + p.Name
			v, ok := ts.Params[p.Name]
			switch {
			case !ok:
				c.add(field, "missing: a trial has a value for every parameter of its pattern")
			case p.Check(v) != nil:
				c.add(field, "%q: %v", v, p.Check(v))
			case !floor && pat.Unsupported != nil && pat.Unsupported(ts.Impl, p.Name, v) != "":
				c.add(field, "%s cannot run with %s=%s: %s", ts.Impl, p.Name, v, pat.Unsupported(ts.Impl, p.Name, v))
			}
		}
		for _, k := range sortedKeys(ts.Params) {
			if _, ok := pat.Param(k); !ok {
				c.add("params."+k, "%s has no parameter %q", pat.Name, k)
			}
		}
	}
	switch s.Load.Model {
	case loadgen.Open:
		c.rate("rate", ts.Rate, s.Load.Duration.Duration, "spec.load.duration")
		if ts.Sleeper != "" {
			checkSleeper(c, "sleeper", ts.Sleeper)
		}
	case loadgen.Closed:
		if ts.Rate != 0 {
			c.add("rate", "%v: a closed-loop trial has no rate", ts.Rate)
		}
		if ts.Sleeper != "" {
			c.add("sleeper", "%q: a closed-loop trial has no sleeper", ts.Sleeper)
		}
	}
	if b := c.bound("gomaxprocs"); ts.Procs != 0 && !b.contains(float64(ts.Procs)) {
		c.add("procs", "%d: want 0 (the machine's) or %s", ts.Procs, b)
	}
	inRangeOf(c, "rep", "repeat", ts.Rep)
	return c.errs
}

// unknownJSONFields returns the paths of the keys in v, a JSON value
// decoded as any, that type t has no field for. encoding/json matches keys
// to fields as here: by tag or name, else case-insensitively.
func unknownJSONFields(v any, t reflect.Type, at string) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		return nil
	}
	var out []string
	switch t.Kind() {
	case reflect.Struct:
		m, _ := v.(map[string]any)
		for _, k := range sortedKeys(m) {
			if f, ok := jsonField(t, k); ok {
				out = append(out, unknownJSONFields(m[k], f.Type, joinPath(at, k))...)
			} else {
				out = append(out, joinPath(at, k))
			}
		}
	case reflect.Map:
		m, _ := v.(map[string]any)
		for _, k := range sortedKeys(m) {
			out = append(out, unknownJSONFields(m[k], t.Elem(), joinPath(at, k))...)
		}
	case reflect.Slice:
		s, _ := v.([]any)
		for i, e := range s {
			out = append(out, unknownJSONFields(e, t.Elem(), fmt.Sprintf("%s[%d]", at, i))...)
		}
	}
	return out
}

func jsonField(t reflect.Type, key string) (reflect.StructField, bool) {
	var folded []reflect.StructField
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			// An embedded struct's fields are the outer object's.
			if inner, ok := jsonField(f.Type, key); ok {
				return inner, true
			}
			continue
		}
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if name == key {
			return f, true
		}
		if strings.EqualFold(name, key) {
			folded = append(folded, f)
		}
	}
	if len(folded) > 0 {
		return folded[0], true
	}
	return reflect.StructField{}, false
}

// jsonError turns an error of encoding/json into an InputError with the
// line of a syntax error, or the path of a field that did not decode.
func jsonError(file string, data []byte, err error) error {
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return &InputError{File: file, Line: lineAt(data, se.Offset), Msg: "not JSON: " + se.Error()}
	}
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		msg := fmt.Sprintf("cannot decode %s into %s", te.Value, te.Type)
		if te.Type == reflect.TypeFor[Duration]() {
			msg = fmt.Sprintf("%s is not a duration (like \"250ms\" or \"2s\")", te.Value)
			if text, err := strconv.Unquote(te.Value); err == nil {
				if m := overflowMsg(strings.TrimPrefix(te.Field, "spec."), text); m != "" {
					msg = m
				}
			}
		}
		return &InputError{File: file, Field: te.Field, Msg: msg}
	}
	switch {
	case errors.Is(err, io.EOF):
		return &InputError{File: file, Msg: "empty: want a trial spec as JSON"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &InputError{File: file, Line: lineAt(data, int64(len(data))), Msg: "the JSON ends early"}
	}
	return &InputError{File: file, Msg: err.Error()}
}

// lineAt returns the line of byte offset off of data.
func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return 1 + bytes.Count(data[:off], []byte("\n"))
}
