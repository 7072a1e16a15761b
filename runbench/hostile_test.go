package runbench

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/dirlock"
)

// The hostile-input suite runs the real binary on inputs an adversarial
// user would try, each bounded in time (hostileTimeout) and address space
// (hostileMemKiB, through the shell's ulimit -v), so that a regression to
// unbounded work fails its case instead of hanging CI or eating the machine.
const (
	hostileTimeout = 60 * time.Second
	hostileMemKiB  = 4 << 20 // 4 GiB of address space
)

// runbenchBinary builds runbench once for the tests that run it as a
// process; TestMain removes the folder.
var runbenchBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "runbench-test-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "runbench")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/runbench").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func runbenchBin(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the process tests read /proc and rely on Linux's parent-death signal")
	}
	bin, err := runbenchBinary()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// moduleRoot is the folder the process tests run runbench in.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// hostileFile is one input of a case: written into the case's folder
// under its name, with %DIR% in the text replaced by that folder.
type hostileFile struct {
	name string
	text string
	kind string // "" a regular file, "fifo", "dir"
}

// TestHostileInputs runs the binary on each hostile input, bounded, and
// checks its exit status and what it prints.
//
// Long: a table of cases in three groups; the loop that runs them is short.
func TestHostileInputs(t *testing.T) {
	bin := runbenchBin(t)
	tests := []struct {
		name      string
		giveFiles []hostileFile
		giveArgs  []string // %DIR% is the case's folder
		giveStdin string
		setup     func(t *testing.T, dir string) // runs before the command
		wantCode  int
		wantText  []string // each must appear in stdout+stderr
	}{
		// Unbounded work from a small input.
		{
			name:      "NaN sample in report",
			giveFiles: []hostileFile{{name: "r.txt", text: strings.ReplaceAll(nanResults, "BenchmarkX", "BenchmarkX/impl=a") + strings.ReplaceAll(nanResults, "BenchmarkX", "BenchmarkX/impl=b")}},
			giveArgs:  []string{"report", "-o", "%DIR%/rep", "%DIR%/r.txt"},
			wantCode:  0,
			wantText:  []string{"report: "},
		},
		{
			name:      "NaN sample in compare",
			giveFiles: []hostileFile{{name: "a.txt", text: nanResults}, {name: "b.txt", text: nanResults}},
			giveArgs:  []string{"compare", "%DIR%/a.txt", "%DIR%/b.txt"},
			wantCode:  0,
			wantText:  []string{"a.txt:3: ns/op: value NaN is not a finite number", "b.txt:5"},
		},
		{
			name:      "sidecar histogram declaring a huge size",
			giveFiles: []hostileFile{{name: "r.txt", text: oneScenarioLine}, {name: "r.jsonl", text: hugeHistogramSidecar()}},
			giveArgs:  []string{"report", "-o", "%DIR%/rep", "%DIR%/r.txt"},
			wantCode:  0,
			wantText:  []string{"report: "},
		},
		{
			name:      "scenario is a FIFO",
			giveFiles: []hostileFile{{name: "s.yaml", kind: "fifo"}},
			giveArgs:  []string{"run", "-scenario", "%DIR%/s.yaml", "-out", "%DIR%/out"},
			wantCode:  2,
			wantText:  []string{"s.yaml"},
		},
		{
			name:     "scenario is /dev/zero",
			giveArgs: []string{"run", "-scenario", "/dev/zero", "-out", "%DIR%/out"},
			wantCode: 2,
			wantText: []string{"/dev/zero"},
		},
		{
			name:      "scenario larger than 1 MiB",
			giveFiles: []hostileFile{{name: "big.yaml", text: "name: big\npattern: harness\n" + strings.Repeat("# padding\n", 120000)}},
			giveArgs:  []string{"run", "-scenario", "%DIR%/big.yaml", "-out", "%DIR%/out"},
			wantCode:  2,
			wantText:  []string{"big.yaml", "MiB"},
		},
		{
			name:      "rate too small to start an operation",
			giveFiles: []hostileFile{{name: "s.yaml", text: "name: s\npattern: harness\nload: {model: open, rate: 1e-12, duration: 1s}\n"}},
			giveArgs:  []string{"run", "-scenario", "%DIR%/s.yaml", "-out", "%DIR%/out"},
			wantCode:  2,
			wantText:  []string{"s.yaml:3", "load.rate"},
		},
		{
			name:      "duration of millions of hours",
			giveFiles: []hostileFile{{name: "s.yaml", text: "name: s\npattern: harness\nload:\n  duration: 2000000h\n"}},
			giveArgs:  []string{"run", "-scenario", "%DIR%/s.yaml", "-out", "%DIR%/out"},
			wantCode:  2,
			wantText:  []string{"s.yaml:4", "load.duration"},
		},
		{
			name:      "warmup of millions of hours",
			giveFiles: []hostileFile{{name: "s.yaml", text: "name: s\npattern: harness\nload:\n  warmup: 2000000h\n"}},
			giveArgs:  []string{"run", "-scenario", "%DIR%/s.yaml", "-out", "%DIR%/out"},
			wantCode:  2,
			wantText:  []string{"s.yaml:4", "load.warmup"},
		},
		{
			name:      "repeat of a billion",
			giveFiles: []hostileFile{{name: "s.yaml", text: "name: s\npattern: harness\nrepeat: 1000000000\n"}},
			giveArgs:  []string{"run", "-scenario", "%DIR%/s.yaml", "-out", "%DIR%/out"},
			wantCode:  2,
			wantText:  []string{"s.yaml:3", "repeat"},
		},
		{
			name:     "-count of a billion",
			giveArgs: []string{"run", "-scenario", "harness-overhead", "-count", "1000000000", "-out", "%DIR%/out"},
			wantCode: 2,
			wantText: []string{"-count"},
		},
		{
			name:      "tens of thousands of clients",
			giveFiles: []hostileFile{{name: "s.yaml", text: "name: s\npattern: harness\nload:\n  clients: 50000\n"}},
			giveArgs:  []string{"run", "-scenario", "%DIR%/s.yaml", "-out", "%DIR%/out"},
			wantCode:  2,
			wantText:  []string{"s.yaml:4", "load.clients"},
		},
		{
			name:      "GOMAXPROCS in the tens of thousands",
			giveFiles: []hostileFile{{name: "s.yaml", text: "name: s\npattern: harness\ngomaxprocs: [50000]\n"}},
			giveArgs:  []string{"run", "-scenario", "%DIR%/s.yaml", "-out", "%DIR%/out"},
			wantCode:  2,
			wantText:  []string{"s.yaml:3", "gomaxprocs[0]"},
		},
		{
			name:      "pattern parameter of a billion workers",
			giveFiles: []hostileFile{{name: "s.yaml", text: "name: s\npattern: workerpool\nparams:\n  workers: [1000000000]\n"}},
			giveArgs:  []string{"run", "-scenario", "%DIR%/s.yaml", "-out", "%DIR%/out"},
			wantCode:  2,
			wantText:  []string{"s.yaml:4", "params.workers"},
		},
		{
			name:      "trial spec on stdin out of range",
			giveArgs:  []string{"trial"},
			giveStdin: `{"spec":{"name":"s","pattern":"harness","load":{"model":"closed","clients":1,"duration":-5,"warmup":0},"work":{"kind":"none","dist":"fixed","sigma":1},"repeat":1,"timeout":30000000000},"impl":"noop","params":{},"rep":1}`,
			wantCode:  2,
			wantText:  []string{"stdin", "duration"},
		},
		{
			name:      "trial spec on stdin with an unknown field",
			giveArgs:  []string{"trial"},
			giveStdin: `{"spec":{"name":"s","pattern":"harness"},"impl":"noop","rep":1,"bogus":1}`,
			wantCode:  2,
			wantText:  []string{"stdin", "bogus"},
		},
		{
			name:      "trial spec on stdin that never ends",
			giveArgs:  []string{"trial"},
			giveStdin: `{"spec":{"name":"` + strings.Repeat("x", 2<<20) + `"}}`,
			wantCode:  2,
			wantText:  []string{"stdin"},
		},

		// Results lost, mixed or pooled.
		{
			name: "output folder held by another run",
			setup: func(t *testing.T, dir string) {
				l, err := dirlock.Acquire(filepath.Join(dir, "out"), "a test")
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { l.Release() })
			},
			giveArgs: []string{"run", "-scenario", "harness-overhead", "-out", "%DIR%/out"},
			wantCode: 2,
			wantText: []string{"in use", "a test", "pid "},
		},
		{
			name: "two scenarios with one name",
			giveFiles: []hostileFile{
				{name: "a.yaml", text: "name: same\npattern: harness\n"},
				{name: "b.yaml", text: "name: same\npattern: harness\n"},
			},
			giveArgs: []string{"run", "-scenario", "%DIR%/a.yaml", "-scenario", "%DIR%/b.yaml", "-out", "%DIR%/out"},
			wantCode: 2,
			wantText: []string{"a.yaml", "b.yaml", "same"},
		},
		{
			name:      "an implementation listed twice",
			giveFiles: []hostileFile{{name: "s.yaml", text: "name: s\npattern: workerpool\nimpls: [channels, channels]\n"}},
			giveArgs:  []string{"run", "-scenario", "%DIR%/s.yaml", "-out", "%DIR%/out"},
			wantCode:  2,
			wantText:  []string{"s.yaml:3", "impls[1]"},
		},
		{
			name:     "-impl listing one twice",
			giveArgs: []string{"run", "-scenario", "harness-overhead", "-impl", "noop,noop", "-out", "%DIR%/out"},
			wantCode: 2,
			wantText: []string{"twice"},
		},

		// Wrong exit codes and silent defaults.
		{
			name:      "explicit zero duration",
			giveFiles: []hostileFile{{name: "s.yaml", text: "name: s\npattern: harness\nload:\n  duration: 0s\n"}},
			giveArgs:  []string{"run", "-scenario", "%DIR%/s.yaml", "-out", "%DIR%/out"},
			wantCode:  2,
			wantText:  []string{"s.yaml:4", "load.duration"},
		},
		{
			name:      "explicit zero repeat",
			giveFiles: []hostileFile{{name: "s.yaml", text: "name: s\npattern: harness\nrepeat: 0\n"}},
			giveArgs:  []string{"run", "-scenario", "%DIR%/s.yaml", "-out", "%DIR%/out"},
			wantCode:  2,
			wantText:  []string{"s.yaml:3", "repeat"},
		},
		{
			name:      "explicit zero clients",
			giveFiles: []hostileFile{{name: "s.yaml", text: "name: s\npattern: harness\nload:\n  clients: 0\n"}},
			giveArgs:  []string{"run", "-scenario", "%DIR%/s.yaml", "-out", "%DIR%/out"},
			wantCode:  2,
			wantText:  []string{"s.yaml:4", "load.clients"},
		},
		{
			name:      "a second YAML document",
			giveFiles: []hostileFile{{name: "s.yaml", text: "name: s\npattern: harness\n---\nname: t\npattern: harness\n"}},
			giveArgs:  []string{"run", "-scenario", "%DIR%/s.yaml", "-out", "%DIR%/out"},
			wantCode:  2,
			wantText:  []string{"s.yaml:", "document"},
		},
		{
			name:      "-out is a file",
			giveFiles: []hostileFile{{name: "f", text: "not a folder"}},
			giveArgs:  []string{"run", "-scenario", "harness-overhead", "-out", "%DIR%/f"},
			wantCode:  2,
			wantText:  []string{"f"},
		},
		{
			name:     "-out on a read-only filesystem",
			giveArgs: []string{"run", "-scenario", "harness-overhead", "-out", "/proc/runbench-out"},
			wantCode: 2,
			wantText: []string{"/proc/runbench-out"},
		},
		{
			name:     "bench -cpu not a number",
			giveArgs: []string{"bench", "-cpu", "two", "-o", "%DIR%/b.txt"},
			wantCode: 2,
			wantText: []string{"-cpu"},
		},
		{
			name:     "bench -bench not a regexp",
			giveArgs: []string{"bench", "-bench", "(", "-o", "%DIR%/b.txt"},
			wantCode: 2,
			wantText: []string{"-bench"},
		},
		{
			name:     "bench -benchtime not a duration",
			giveArgs: []string{"bench", "-benchtime", "fast", "-o", "%DIR%/b.txt"},
			wantCode: 2,
			wantText: []string{"-benchtime"},
		},
		{
			name:      "report on a folder",
			giveFiles: []hostileFile{{name: "d", kind: "dir"}},
			giveArgs:  []string{"report", "-o", "%DIR%/rep", "%DIR%/d"},
			wantCode:  2,
			wantText:  []string{"directory"},
		},
		{
			name:      "compare on a folder",
			giveFiles: []hostileFile{{name: "d", kind: "dir"}, {name: "a.txt", text: oneScenarioLine}},
			giveArgs:  []string{"compare", "%DIR%/d", "%DIR%/a.txt"},
			wantCode:  2,
			wantText:  []string{"directory"},
		},
		{
			name:      "report on a FIFO",
			giveFiles: []hostileFile{{name: "r.txt", kind: "fifo"}},
			giveArgs:  []string{"report", "-o", "%DIR%/rep", "%DIR%/r.txt"},
			wantCode:  2,
			wantText:  []string{"r.txt"},
		},
		{
			name:      "report with a zero and a negative time and a numeric parameter",
			giveFiles: []hostileFile{{name: "r.txt", text: "BenchmarkX/n=1 1 0 ns/op\nBenchmarkX/n=2 1 -5 ns/op\nBenchmarkX/n=4 1 7 ns/op\n"}},
			giveArgs:  []string{"report", "-o", "%DIR%/rep", "%DIR%/r.txt"},
			wantCode:  0,
			wantText:  []string{"report: "},
		},
		{
			name:      "a results line longer than the format's 64 KiB",
			giveFiles: []hostileFile{{name: "r.txt", text: "BenchmarkX 1 " + strings.Repeat("1", 70000) + " ns/op\n"}},
			giveArgs:  []string{"report", "-o", "%DIR%/rep", "%DIR%/r.txt"},
			wantCode:  2,
			wantText:  []string{"r.txt", "64 KiB"},
		},
		{
			name:      "several bad fields reported together",
			giveFiles: []hostileFile{{name: "s.yaml", text: "name: s\npattern: harness\nrepeat: many\nload:\n  duration: 0s\n  clients: -1\n"}},
			giveArgs:  []string{"run", "-scenario", "%DIR%/s.yaml", "-out", "%DIR%/out"},
			wantCode:  2,
			wantText:  []string{"s.yaml:3: repeat", "s.yaml:5: load.duration", "s.yaml:6: load.clients"},
		},
		{
			name:      "field path inside a flow mapping",
			giveFiles: []hostileFile{{name: "s.yaml", text: "name: s\npattern: harness\nload: {model: closed, duration: 1 sec}\n"}},
			giveArgs:  []string{"run", "-scenario", "%DIR%/s.yaml", "-out", "%DIR%/out"},
			wantCode:  2,
			wantText:  []string{"s.yaml:3: load.duration"},
		},
		{
			name:      "a tab",
			giveFiles: []hostileFile{{name: "s.yaml", text: "name: s\npattern: harness\nload:\n\tduration: 1s\n"}},
			giveArgs:  []string{"run", "-scenario", "%DIR%/s.yaml", "-out", "%DIR%/out"},
			wantCode:  2,
			wantText:  []string{"s.yaml:4", "tab"},
		},
		{
			name:      "not UTF-8",
			giveFiles: []hostileFile{{name: "s.yaml", text: "name: s\npattern: harness\ndescription: caf\xe9\n"}},
			giveArgs:  []string{"run", "-scenario", "%DIR%/s.yaml", "-out", "%DIR%/out"},
			wantCode:  2,
			wantText:  []string{"s.yaml:3", "UTF-8"},
		},
		{
			name:     "-shard with trailing junk",
			giveArgs: []string{"run", "-scenario", "harness-overhead", "-shard", "1/2x", "-out", "%DIR%/out"},
			wantCode: 2,
			wantText: []string{"-shard"},
		},
		{
			name:     "-shard with three parts",
			giveArgs: []string{"run", "-scenario", "harness-overhead", "-shard", "1/2/3", "-out", "%DIR%/out"},
			wantCode: 2,
			wantText: []string{"-shard"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.giveFiles {
				writeHostileFile(t, dir, f)
			}
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			args := make([]string, len(tt.giveArgs))
			for i, a := range tt.giveArgs {
				args[i] = strings.ReplaceAll(a, "%DIR%", dir)
			}
			out, code := runBounded(t, bin, moduleRoot(t), tt.giveStdin, args...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d; output:\n%s", code, tt.wantCode, out)
			}
			for _, w := range tt.wantText {
				if !strings.Contains(out, strings.ReplaceAll(w, "%DIR%", dir)) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, "panic:") || strings.Contains(out, "goroutine ") {
				t.Errorf("output shows a panic:\n%s", out)
			}
		})
	}
}

func writeHostileFile(t *testing.T, dir string, f hostileFile) {
	t.Helper()
	path := filepath.Join(dir, f.name)
	var err error
	switch f.kind {
	case "fifo":
		err = syscall.Mkfifo(path, 0o644)
	case "dir":
		err = os.Mkdir(path, 0o755)
	default:
		err = os.WriteFile(path, []byte(strings.ReplaceAll(f.text, "%DIR%", dir)), 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// runBounded runs bin with args in dir under the suite's time and memory
// bounds and returns its combined output and exit status (-1 if it was
// killed at the time limit).
func runBounded(t *testing.T, bin, dir, stdin string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hostileTimeout)
	defer cancel()
	sh := fmt.Sprintf("ulimit -v %d && exec \"$0\" \"$@\"", hostileMemKiB)
	cmd := exec.CommandContext(ctx, "sh", append([]string{"-c", sh, bin}, args...)...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "CI=true")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("still running after %v (killed): unbounded work; output:\n%s", hostileTimeout, out.String())
	}
	if err != nil && cmd.ProcessState == nil {
		t.Fatal(err)
	}
	return out.String(), cmd.ProcessState.ExitCode()
}

// nanResults has one good line, then lines with NaN and infinite values,
// which must be refused as warnings, then good lines again.
const nanResults = `goos: linux
BenchmarkX 1 100 ns/op
BenchmarkX 1 NaN ns/op
BenchmarkX 1 +Inf ns/op
BenchmarkX 1 -Inf ns/op
BenchmarkX 1 101 ns/op
BenchmarkX 1 102 ns/op
`

// oneScenarioLine is a results file with one scenario trial.
const oneScenarioLine = "BenchmarkScenario/scenario=s/pattern=harness/impl=noop 100 1000 ops/s 50 p99-ns\n"

// hugeHistogramSidecar returns a sidecar for oneScenarioLine of 400
// trials, each with a latency histogram that declares 1 to 2^62 ns at 5
// significant digits: 48 MB of counts each, 19 GB in all if a reader
// believed them, from a file of about 100 KB.
func hugeHistogramSidecar() string {
	var payload bytes.Buffer
	for _, v := range []any{
		int32(0x1c849303), int32(0), int32(0), int32(5), // V2 cookie, payload length, offset, digits
		int64(1), int64(1 << 62), float64(1), // lowest, highest, conversion ratio
	} {
		binary.Write(&payload, binary.BigEndian, v)
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(payload.Bytes())
	zw.Close()
	var enc bytes.Buffer
	binary.Write(&enc, binary.BigEndian, int32(0x1c849304)) // compressed V2 cookie
	binary.Write(&enc, binary.BigEndian, int32(z.Len()))
	enc.Write(z.Bytes())
	h := base64.StdEncoding.EncodeToString(enc.Bytes())
	var side strings.Builder
	for rep := 1; rep <= 400; rep++ {
		fmt.Fprintf(&side, `{"name":"Scenario/scenario=s/pattern=harness/impl=noop","scenario":"s","pattern":"harness","impl":"noop","rep":%d,"status":"ok","gomaxprocs":2,"model":"closed","ops":100,"latency":%q,"series":{}}`+"\n", rep, h)
	}
	return side.String()
}
