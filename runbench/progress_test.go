package runbench

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/record"
)

// TestProgressInALog: without a terminal, a line at most every 10 s and
// the last one, each with done/total, elapsed, ETA and the statuses.
func TestProgressInALog(t *testing.T) {
	now := time.Unix(0, 0)
	clock := func() time.Time { return now }
	var out bytes.Buffer
	p := newProgress(&out, false, clock)
	for i := 1; i <= 10; i++ {
		now = now.Add(3 * time.Second) // 30 s in all: lines at 12 s, 24 s and the last
		st := record.StatusOK
		if i == 5 {
			st = record.StatusHung
		}
		p.trial(i, 10, record.Trial{Status: st})
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{
		"[4/10] 12s elapsed, ETA 18s; 4 ok",
		"[8/10] 24s elapsed, ETA 6s; 7 ok, 1 hung",
		"[10/10] 30s elapsed, ETA 0s; 9 ok, 1 hung",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("progress lines:\n%s\nwant:\n%s", out.String(), strings.Join(want, "\n"))
	}
	if got := p.summary(); got != "trials: 9 ok, 1 hung; elapsed 30s" {
		t.Errorf("summary %q", got)
	}
}

// TestProgressOnATerminal: one line, rewritten after every trial, ended
// with a newline after the last.
func TestProgressOnATerminal(t *testing.T) {
	now := time.Unix(0, 0)
	var out bytes.Buffer
	p := newProgress(&out, true, func() time.Time { return now })
	for i := 1; i <= 3; i++ {
		now = now.Add(time.Second)
		p.trial(i, 3, record.Trial{Status: record.StatusOK})
	}
	if got := out.String(); strings.Count(got, "\r\033[K") != 3 || strings.Count(got, "\n") != 1 || !strings.HasSuffix(got, "[3/3] 3s elapsed, ETA 0s; 3 ok\n") {
		t.Errorf("terminal output %q", got)
	}
}

func TestProgressFlag(t *testing.T) {
	if _, stderr, code := runCLI(t, "run", "-progress", "loud", "-scenario", "harness-overhead"); code != 2 || !strings.Contains(stderr, "-progress") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// TestProgressNeverStillCounts: -progress=never prints no progress line,
// but the closing summary still counts every trial, demonstrations apart.
func TestProgressNeverStillCounts(t *testing.T) {
	now := time.Unix(0, 0)
	var out bytes.Buffer
	p := newProgress(&out, false, func() time.Time { return now })
	p.quiet = true
	p.trial(1, 3, record.Trial{Status: record.StatusOK})
	p.trial(2, 3, record.Trial{Status: record.StatusHung, Demo: "deadlocks on purpose", Demonstrated: true})
	now = now.Add(time.Second)
	p.trial(3, 3, record.Trial{Status: record.StatusLeaked})
	if out.Len() != 0 {
		t.Errorf("progress printed %q", out.String())
	}
	if got := p.summary(); got != "trials: 1 ok, 1 leaked, 1 demonstrated a failure; elapsed 1s" {
		t.Errorf("summary %q", got)
	}
}
