package gobench

import (
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// probe is a small tree of benchmarks, run by this package's own test
// binary as go test runs it, to hold this package's rules against go
// test's.
var probe = []struct {
	fn     string
	leaves []string
}{
	{"BenchmarkProbe", []string{"impl=a/workers=1/work=none", "impl=a/workers=16/work=cpu1us", "impl=bb/workers=2/work=none", "call=time.Now"}},
	{"BenchmarkProbeCapacity", []string{"impl=a/workers=1/capacity=2/work=none", "impl=c/workers=2/capacity=2/work=sleep10us"}},
}

func probeLeaf(b *testing.B) {
	b.ReportAllocs()
	var keep []byte
	for b.Loop() {
		keep = make([]byte, 64)
	}
	b.ReportMetric(float64(len(keep)), "bytes/op")
}

func runProbe(b *testing.B, fn string) {
	for _, p := range probe {
		if p.fn == fn {
			for _, leaf := range p.leaves {
				b.Run(leaf, probeLeaf)
			}
		}
	}
}

func BenchmarkProbe(b *testing.B)         { runProbe(b, "BenchmarkProbe") }
func BenchmarkProbeCapacity(b *testing.B) { runProbe(b, "BenchmarkProbeCapacity") }

// goTest runs this test binary's probe benchmarks as go test runs them and
// returns its output.
func goTest(t *testing.T, args ...string) string {
	t.Helper()
	args = append([]string{"-test.run=^$", "-test.benchtime=1x"}, args...)
	out, err := exec.Command(testBinary(t), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	return string(out)
}

func testBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs this test binary as go test would: skipped with -short")
	}
	return os.Args[0]
}

// TestPatternSelectsAsGoTestDoes: for each pattern, the leaves Match
// selects are the ones go test reports, in the same order.
func TestPatternSelectsAsGoTestDoes(t *testing.T) {
	for _, pat := range []string{
		".", "Probe", "^BenchmarkProbe$", "ProbeCapacity/impl=a", "Probe/impl=(a|bb)/workers=1",
		"Probe/impl=a|Capacity/.*/.*/.*/work=sleep", "Probe/call", "Probe/./workers=16$", "Probe/impl=a/workers=1/work=none/deeper",
		"Probe/impl=a/[wx]orkers=(1|2)", "NoSuch", "Probe/impl=a/workers=1 /", "Probe/impl=\\w/",
	} {
		t.Run(pat, func(t *testing.T) {
			var got []string
			for line := range strings.SplitSeq(goTest(t, "-test.cpu=1", "-test.bench="+pat), "\n") {
				if f := strings.Fields(line); len(f) > 1 && strings.HasPrefix(f[0], "Benchmark") {
					got = append(got, f[0])
				}
			}
			p, err := ParsePattern(pat)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, fn := range probe {
				for _, leaf := range fn.leaves {
					if name := fn.fn + "/" + leaf; p.Match(name) {
						want = append(want, name)
					}
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("-bench %q: go test reports %q, Match selects %q", pat, got, want)
			}
		})
	}
}

// TestOutputAsGoTestPrintsIt: the header, the -N suffix and the shape of a
// result line are go test's.
func TestOutputAsGoTestPrintsIt(t *testing.T) {
	const pkg = "github.com/concbench/concbench/internal/gobench"
	out := goTest(t, "-test.cpu=1,2", "-test.bench=^BenchmarkProbe$/^impl=a$/workers=1$")
	if want := Header(runtime.GOOS, runtime.GOARCH, pkg); !strings.HasPrefix(out, want) {
		t.Errorf("go test's header:\n%s\nHeader:\n%s", out, want)
	}
	var lines []string
	for line := range strings.SplitSeq(out, "\n") {
		if strings.HasPrefix(line, "Benchmark") {
			lines = append(lines, line)
		}
	}
	leaf := "BenchmarkProbe/impl=a/workers=1/work=none"
	if len(lines) != 2 || !strings.HasPrefix(lines[0], Name(leaf, 1)+" ") || !strings.HasPrefix(lines[1], Name(leaf, 2)+" ") {
		t.Fatalf("go test's lines %q, want %s at -cpu 1 then 2", lines, leaf)
	}
	r := testing.BenchmarkResult{N: 1000, T: 51234 * time.Nanosecond, MemAllocs: 1000, MemBytes: 64000, Extra: map[string]float64{"bytes/op": 64}}
	ours := Line(Name(leaf, 2), Width([]string{leaf}, []int{1, 2}), r)
	if shape(ours) != shape(lines[1]) {
		t.Errorf("line shapes differ:\ngo test %q\nLine    %q", shape(lines[1]), shape(ours))
	}
}

var number = regexp.MustCompile(` *[0-9][0-9.]*`)

// shape is a result line with its numbers and padding taken out.
func shape(line string) string {
	name, rest, _ := strings.Cut(line, "\t")
	return strings.TrimRight(name, " ") + "\t" + number.ReplaceAllString(rest, "N")
}

func TestWidthAndName(t *testing.T) {
	if got := Name("BenchmarkX/a=1", 1); got != "BenchmarkX/a=1" {
		t.Errorf("Name at 1 = %q", got)
	}
	if got := Name("BenchmarkX/a=1", 16); got != "BenchmarkX/a=1-16" {
		t.Errorf("Name at 16 = %q", got)
	}
	if got := Width([]string{"BenchmarkX", "BenchmarkXY"}, []int{1, 16}); got != len("BenchmarkXY")+len("-16")+1 {
		t.Errorf("Width = %d", got)
	}
}

func TestCPUInfoName(t *testing.T) {
	tests := []struct{ give, want string }{
		{"processor\t: 0\nmodel name\t: AMD EPYC\ncpu MHz\t\t: 2000.000\n", "AMD EPYC @ 2000.000MHz"},
		{"model name\t: Intel(R) Core(TM) i7-10700 CPU @ 2.90GHz\ncpu MHz\t\t: 2900.000\n", "Intel(R) Core(TM) i7-10700 CPU @ 2.90GHz"},
		{"Model Name\t: Raspberry Pi\n", "Raspberry Pi"},
		{"processor\t: 0\n", ""},
	}
	for _, tt := range tests {
		if got := cpuInfoName([]byte(tt.give)); got != tt.want {
			t.Errorf("cpuInfoName(%q) = %q, want %q", tt.give, got, tt.want)
		}
	}
	regs := [12]uint32{0x20202020, 0x41202020, 0x4520444d, 0x00435950} // "    " "   A" "MD E" "PYC\0"
	if got := brandFromRegisters(regs); got != "AMD EPYC" {
		t.Errorf("brandFromRegisters = %q", got)
	}
}
