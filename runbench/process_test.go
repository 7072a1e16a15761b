package runbench

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/child"
	"github.com/concbench/concbench/record"
)

// longScenario keeps one trial process busy for a while: long enough to
// find it and kill its parent, short enough that a surviving child would
// not run for ever.
const longScenario = `name: long
pattern: workerpool
impls: [channels]
repeat: 2
load: {model: closed, clients: 2, duration: 20s}
work: {kind: cpu, mean: 10us}
timeout: 60s
`

// childrenOf returns the live pids whose parent is pid and whose command
// line holds arg (Linux /proc): runbench also starts git and go as
// children, which must not be taken for a trial or a benchmark.
func childrenOf(pid int, arg string) []int {
	entries, _ := os.ReadDir("/proc")
	var kids []int
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(data)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:]) // state, ppid, …
		cmdline, _ := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if len(f) > 1 && f[1] == strconv.Itoa(pid) && child.Alive(p) && strings.Contains(string(cmdline), arg) {
			kids = append(kids, p)
		}
	}
	return kids
}

// waitFor polls cond every 10 ms for up to d.
func waitFor(d time.Duration, cond func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// proc is runbench started as a process by a test.
type proc struct {
	cmd    *exec.Cmd
	output func() string // stdout and stderr so far
	exited chan struct{} // closed once it has exited and been reaped
}

// startRunbench starts the binary in the module root; the test kills it at
// the end if it is still running.
func startRunbench(t *testing.T, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(runbenchBin(t), args...)
	cmd.Dir = moduleRoot(t)
	cmd.Env = append(os.Environ(), "CI=true")
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, output: out.String, exited: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.exited
	})
	return p
}

// exit waits up to d for the process to exit and returns its status, or
// fails the test.
func (p *proc) exit(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(d):
		t.Fatalf("runbench %v still running after %v; output:\n%s", p.cmd.Args[1:], d, p.output())
		return 0
	}
}

// lockedBuffer is an output buffer the test may read while the process
// writes it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestKill9OfRunLeavesNoTrialProcess(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "long.yaml")
	if err := os.WriteFile(spec, []byte(longScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startRunbench(t, "run", "-no-report", "-scenario", spec, "-out", filepath.Join(dir, "out"))
	var kids []int
	if !waitFor(30*time.Second, func() bool { kids = childrenOf(p.cmd.Process.Pid, "trial"); return len(kids) > 0 }) {
		t.Fatalf("no trial process appeared; output:\n%s", p.output())
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p.exit(t, 10*time.Second)
	for _, k := range kids {
		if !waitFor(5*time.Second, func() bool { return !child.Alive(k) }) {
			syscall.Kill(k, syscall.SIGKILL)
			t.Errorf("trial process %d outlived runbench run killed with SIGKILL", k)
		}
	}
}

func TestSIGHUPOfRunRecordsTheTrialAsPartial(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "long.yaml")
	if err := os.WriteFile(spec, []byte(longScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	outDir := filepath.Join(dir, "out")
	p := startRunbench(t, "run", "-no-report", "-scenario", spec, "-out", outDir)
	var kids []int
	if !waitFor(30*time.Second, func() bool { kids = childrenOf(p.cmd.Process.Pid, "trial"); return len(kids) > 0 }) {
		t.Fatalf("no trial process appeared; output:\n%s", p.output())
	}
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	if code := p.exit(t, 20*time.Second); code != 1 {
		t.Errorf("exit %d after SIGHUP, want 1; output:\n%s", code, p.output())
	}
	trials, _, err := record.Read(filepath.Join(outDir, "results.jsonl"), nil)
	if err != nil || len(trials) != 1 || trials[0].Status != record.StatusPartial {
		t.Errorf("sidecar after SIGHUP: %d trials, %v; want the interrupted one, partial", len(trials), err)
	}
	for _, k := range kids {
		if child.Alive(k) {
			t.Errorf("trial process %d outlived the interrupt", k)
		}
	}
}

func TestSIGINTOfBenchStopsItsChildAndKeepsThePartialOutput(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "bench.txt")
	p := startRunbench(t, "bench", "-bench", "WorkerPool", "-benchtime", "50ms", "-count", "1000", "-o", file)
	// Wait for a few result lines.
	if !waitFor(time.Minute, func() bool { return strings.Count(p.output(), "\nBenchmarkWorkerPool/") >= 2 }) {
		t.Fatalf("no benchmark result appeared; output:\n%s", p.output())
	}
	kids := childrenOf(p.cmd.Process.Pid, benchChildCommand)
	if len(kids) == 0 {
		t.Fatalf("no benchmark process found under runbench bench")
	}
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if code := p.exit(t, 10*time.Second); code != 1 {
		t.Errorf("exit %d after SIGINT, want 1; output:\n%s", code, p.output())
	}
	for _, k := range kids {
		if child.Alive(k) {
			t.Errorf("benchmark process %d outlived the interrupt", k)
		}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	txt := string(data)
	if !strings.Contains(txt, "\nBenchmarkWorkerPool/") || !strings.HasSuffix(txt, "\nrun-status: partial\n") {
		t.Errorf("bench output after SIGINT lacks its results or the partial mark:\n%s", txt)
	}
}

// TestSIGINTStopsReport: report stops at an interrupt (it drew every
// chart of every input before), exits 1 and writes no page.
func TestSIGINTStopsReport(t *testing.T) {
	out := filepath.Join(t.TempDir(), "rep")
	p := startRunbench(t, "report", "-o", out, "results/reference/quick/results.txt")
	// Wait until it draws: the first chart is on disk.
	if !waitFor(30*time.Second, func() bool { m, _ := filepath.Glob(filepath.Join(out, "*.png")); return len(m) > 0 }) {
		t.Fatalf("no chart after 30s; output:\n%s", p.output())
	}
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := p.exit(t, 20*time.Second); code != 1 || !strings.Contains(p.output(), "report interrupted") {
		t.Errorf("exit %d, want 1 saying it was interrupted; output:\n%s", code, p.output())
	}
	if _, err := os.Stat(filepath.Join(out, "report.html")); err == nil {
		t.Error("an interrupted report wrote its page")
	}
}
