// Package gobench holds go test's benchmark conventions for a runner that
// is not go test but must write what go test writes: the name a result
// gets at a GOMAXPROCS (the -N suffix), the benchmarks a -bench pattern
// selects, the header lines before the first result, and a result line as
// go test -benchmem prints it. A file such a runner writes reads, under
// benchstat, as the go test output of the same benchmarks would. It
// imports nothing of the project.
package gobench

import (
	"fmt"
	"strings"
	"testing"
)

// Name returns the name go test gives the results of benchmark name run
// at GOMAXPROCS procs: name-procs, or name alone at 1.
func Name(name string, procs int) string {
	if procs != 1 {
		return fmt.Sprintf("%s-%d", name, procs)
	}
	return name
}

// Width returns the width the names of a run are padded to: the longest
// of names, with the suffix of the largest of procs, and a space, as go
// test pads them (go test widens the column as longer names come; this is
// the width it ends at, so that every line of a run lines up).
func Width(names []string, procs []int) int {
	maxProcs := 1
	for _, p := range procs {
		maxProcs = max(maxProcs, p)
	}
	ext := len(Name("", maxProcs))
	w := 0
	for _, n := range names {
		w = max(w, len(n)+ext+1)
	}
	return w
}

// Line returns the line go test -benchmem prints for r, the result of the
// benchmark named name (with its -N suffix), padded to width, without the
// newline: the iterations, ns/op, MB/s if set, the metrics the benchmark
// reported sorted by unit, then B/op and allocs/op.
func Line(name string, width int, r testing.BenchmarkResult) string {
	return fmt.Sprintf("%-*s\t%s\t%s", width, name, r.String(), r.MemString())
}

// Header returns the lines go test prints before a package's first
// result, each ending in a newline: goos, goarch, pkg (pkg is the
// package's import path) and cpu, the last left out where the CPU's name
// is unknown, as go test leaves it out.
func Header(goos, goarch, pkg string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "goos: %s\ngoarch: %s\npkg: %s\n", goos, goarch, pkg)
	if cpu := CPUName(); cpu != "" {
		fmt.Fprintf(&b, "cpu: %s\n", cpu)
	}
	return b.String()
}
