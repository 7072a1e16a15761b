package targets

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/concbench/concbench/units"
)

// Ranges of pattern parameters. Their Check refuses a value out of range
// before a target is built; `runbench list` shows each range.
const (
	// maxWorkers bounds the goroutines of a pool or a fan-out: 16 per P at
	// MaxGOMAXPROCS; beyond it a trial measures goroutine scheduling, not
	// the design, and setting up takes longer than the window.
	maxWorkers = 4096
	// maxQueue bounds a pool's queue (the workerpool parameter queue): as
	// many waiting tasks as maxWorkers running ones; each holds a slot of
	// the pool's queue, allocated when the pool is built.
	maxQueue = 4096
	// maxStages and maxStageWorkers bound a pipeline, which starts stages ×
	// workers goroutines: at most 64 Ki, about 128 MiB of stacks.
	maxStages       = 64
	maxStageWorkers = 1024
	// maxItems bounds the items of one Run or Map: each call allocates
	// them (8 bytes each) and runs the work on every one.
	maxItems = 1_000_000
	// maxBreakerCount bounds a breaker's failures and probes: the atomic
	// breaker packs each count in 20 bits (at most 1,048,575).
	maxBreakerCount = 1_000_000
	// maxParamDuration bounds duration parameters (open, calltimeout,
	// deadline): longer than an hour outlasts any sensible window.
	maxParamDuration = time.Hour
)

// valueRange is what a parameter accepts: its Check, the same in words
// for its Doc, and the canonical form of an accepted value.
type valueRange struct {
	text  string
	check func(string) error
	canon func(string) string // of a value check accepts; nil: as written
}

// newParam declares a parameter whose Doc ends with its range, so that
// `runbench list` shows it.
func newParam(name, def, doc string, r valueRange) Param {
	canon := r.canon
	if canon == nil {
		canon = func(v string) string { return v }
	}
	return Param{Name: name, Default: def, Doc: doc + "; " + r.text, Check: r.check, Canon: canon}
}

// intRange accepts a whole number from lo to hi; canonically in decimal,
// without leading zeros or sign (01 is 1).
func intRange(lo, hi int) valueRange {
	text := fmt.Sprintf("%d to %d", lo, hi)
	return valueRange{text, func(v string) error {
		if n, err := strconv.Atoi(v); err != nil || n < lo || n > hi {
			return fmt.Errorf("want a whole number from %s", text)
		}
		return nil
	}, func(v string) string {
		n, _ := strconv.Atoi(v)
		return strconv.Itoa(n)
	}}
}

// durationRange accepts a Go duration from lo to hi; canonically as
// units.FormatDuration writes it (1000us is 1ms).
func durationRange(lo, hi time.Duration) valueRange {
	text := units.FormatDuration(lo) + " to " + units.FormatDuration(hi)
	return valueRange{text, func(v string) error {
		if d, err := time.ParseDuration(v); err != nil || d < lo || d > hi {
			return fmt.Errorf("want a duration from %s, such as 50ms", text)
		}
		return nil
	}, func(v string) string {
		d, _ := time.ParseDuration(v)
		return units.FormatDuration(d)
	}}
}

// orWord also accepts word, canonically as itself.
func orWord(word string, r valueRange) valueRange {
	return valueRange{word + ", or " + r.text, func(v string) error {
		if v == word {
			return nil
		}
		return r.check(v)
	}, func(v string) string {
		if v == word || r.canon == nil {
			return v
		}
		return r.canon(v)
	}}
}

// orNone also accepts "none".
func orNone(r valueRange) valueRange { return orWord("none", r) }

// orDefault also accepts "default".
func orDefault(r valueRange) valueRange { return orWord("default", r) }

// boolValue accepts true or false.
func boolValue() valueRange {
	return valueRange{"true or false", func(v string) error {
		if v != "true" && v != "false" {
			return errors.New("want true or false")
		}
		return nil
	}, nil}
}

func duration(params map[string]string, key string) time.Duration {
	d, err := time.ParseDuration(params[key])
	if err != nil { // validated by Parse
		panic(fmt.Sprintf("targets: parameter %s=%q: %v", key, params[key], err))
	}
	return d
}

func atoi(params map[string]string, key string) int {
	n, err := strconv.Atoi(params[key])
	if err != nil { // validated by Parse; reaching here is a driver bug
		panic(fmt.Sprintf("targets: parameter %s=%q: %v", key, params[key], err))
	}
	return n
}
