// Package nilness tells whether a value an implementation returned is nil,
// for the conformance and benchmark suites, which must refuse a nil pool or
// breaker however it is typed.
package nilness

import "reflect"

// Is reports whether v is nil: a nil interface, or an interface holding a
// nil pointer, map, chan, func, slice or interface.
func Is(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Chan, reflect.Func, reflect.Slice, reflect.Interface:
		return rv.IsNil()
	}
	return false
}
