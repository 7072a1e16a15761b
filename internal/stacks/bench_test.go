package stacks

import (
	"runtime"
	"sync"
	"testing"
)

// dumpOf returns a dump of this process with n more goroutines parked in
// it, in a channel receive or a select, some 8 calls deep: about what the
// conformance suites poll.
func dumpOf(tb testing.TB, n int) []byte {
	if tb != nil {
		tb.Helper()
	}
	release := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			switch i % 3 {
			case 0:
				parkReceive(release)
			case 1:
				parkSelect(release, nil)
			default:
				parkDeep(8, release)
			}
		})
	}
	defer wg.Wait()
	defer close(release)
	for {
		parked := 0
		for _, g := range All() {
			if g.Blocked() && (g.Has(nameOf(parkReceive)) || g.Has(nameOf(parkSelect))) {
				parked++
			}
		}
		if parked == n {
			break
		}
		runtime.Gosched()
	}
	buf := make([]byte, 1<<20)
	return buf[:runtime.Stack(buf, true)]
}

// benchDump is BenchmarkParse's dump, made once so that every run of
// -count parses the same bytes.
var benchDump = sync.OnceValue(func() []byte { return dumpOf(nil, 47) })

// BenchmarkParse parses a dump of about 50 goroutines.
func BenchmarkParse(b *testing.B) {
	d := benchDump()
	b.SetBytes(int64(len(d)))
	b.ReportMetric(float64(len(Parse(d))), "goroutines")
	b.ReportAllocs()
	for b.Loop() {
		Parse(d)
	}
}

// BenchmarkAll dumps and parses a process of about 50 goroutines: what one
// poll of the conformance suites costs.
func BenchmarkAll(b *testing.B) {
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 47 {
		wg.Go(func() { parkReceive(release) })
	}
	defer wg.Wait()
	defer close(release)
	b.ReportAllocs()
	for b.Loop() {
		All()
	}
}

func BenchmarkCurrent(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Current()
	}
}
