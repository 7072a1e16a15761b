// Package modinfo says which module, at which version, a piece of code of
// this binary comes from, from the binary's build information: what a
// result needs to say of the implementation it measured. It imports
// nothing of the project.
package modinfo

import (
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
)

// Module is a module of the binary: its path and version ("(devel)" for
// a main module built from a checkout).
type Module struct {
	Path    string `json:"path"`
	Version string `json:"version,omitempty"`
}

// String is path@version, or path where the version is unknown.
func (m Module) String() string {
	if m.Version == "" {
		return m.Path
	}
	return m.Path + " " + m.Version
}

// Binary returns the binary's main module and its dependencies, in build
// order; none where the binary has no build information (a test binary
// has only its main module's).
func Binary() (main Module, deps []Module) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return Module{}, nil
	}
	main = Module{bi.Main.Path, bi.Main.Version}
	for _, d := range bi.Deps {
		if d.Replace != nil {
			deps = append(deps, Module{d.Path, d.Replace.Version})
			continue
		}
		deps = append(deps, Module{d.Path, d.Version})
	}
	return main, deps
}

// Of returns the module an implementation comes from: the module whose
// path begins doc (the library it adapts, as the built-in entries' docs
// begin: "github.com/panjf2000/ants/v2 …"), else the module of the
// package that defines fn (its constructor: the user's own module for
// code of their own), else the zero Module. Where several modules'
// paths begin doc or fn's name (github.com/sony/gobreaker and
// github.com/sony/gobreaker/v2 in one binary, a user's adapter of v1
// beside the built-in one of v2), the longest, the most specific, wins.
func Of(fn any, doc string) Module {
	main, deps := Binary()
	return of(append([]Module{main}, deps...), fn, doc)
}

// of is Of over the modules all.
func of(all []Module, fn any, doc string) Module {
	if first, _, _ := strings.Cut(strings.TrimSpace(doc), " "); first != "" {
		if m := longest(all, strings.TrimSuffix(first, ":")); m.Path != "" {
			return m
		}
	}
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func || v.IsNil() {
		return Module{}
	}
	f := runtime.FuncForPC(v.Pointer())
	if f == nil {
		return Module{}
	}
	return longest(all, f.Name()) // "example.com/mybench.Impl.func1"
}

// longest returns the module of all with the longest path that is name
// or begins it, followed by a '/' or a '.' (an import path below it, or a
// function of its package); the zero Module if none.
func longest(all []Module, name string) Module {
	best := Module{}
	for _, m := range all {
		if m.Path != "" && strings.HasPrefix(name, m.Path) && len(m.Path) > len(best.Path) &&
			(len(name) == len(m.Path) || strings.ContainsRune("./", rune(name[len(m.Path)]))) {
			best = m
		}
	}
	return best
}
