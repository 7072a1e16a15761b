package runbench

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/concbench/concbench/record"
)

// progressMode is run's -progress.
type progressMode string

const (
	progressAuto   progressMode = "auto"   // a terminal gets one updating line; anything else a line every 10 s
	progressAlways progressMode = "always" // a line every 10 s, terminal or not
	progressNever  progressMode = "never"
)

func parseProgress(v string) (progressMode, error) {
	switch m := progressMode(v); m {
	case progressAuto, progressAlways, progressNever:
		return m, nil
	}
	return "", fmt.Errorf("-progress %q: want auto, always or never", v)
}

// progressEvery is how often a log (not a terminal) gets a progress line.
const progressEvery = 10 * time.Second

// progress reports a run as it goes: done/total, elapsed, ETA and the
// trials' statuses so far. On a terminal it rewrites one line; elsewhere
// (CI logs) it writes a line at most every progressEvery, and the last.
type progress struct {
	w        io.Writer
	terminal bool
	quiet    bool // count, print no progress line (-progress=never)
	now      func() time.Time
	start    time.Time
	last     time.Time // of the last line written to a log
	counts   map[string]int
}

func newProgress(w io.Writer, terminal bool, now func() time.Time) *progress {
	t := now()
	return &progress{w: w, terminal: terminal, now: now, start: t, last: t, counts: map[string]int{}}
}

// trial is runner.Options.Progress.
func (p *progress) trial(done, total int, tr record.Trial) {
	if tr.Demonstrated {
		p.counts[demonstrated]++
	} else {
		p.counts[tr.Status]++
	}
	now := p.now()
	if p.quiet || !p.terminal && now.Sub(p.last) < progressEvery && done < total {
		return
	}
	p.last = now
	elapsed := now.Sub(p.start)
	eta := time.Duration(float64(elapsed) / float64(done) * float64(total-done))
	line := fmt.Sprintf("[%d/%d] %s elapsed, ETA %s; %s", done, total,
		elapsed.Round(time.Second), eta.Round(time.Second), p.statuses())
	if p.terminal {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
		if done == total {
			fmt.Fprintln(p.w)
		}
		return
	}
	fmt.Fprintln(p.w, line)
}

// demonstrated counts the trials of demonstrations that hung, leaked or
// crashed, as they exist to.
const demonstrated = "demonstrated a failure"

// statuses is "393 ok, 1 hung", in a fixed order.
func (p *progress) statuses() string {
	var parts []string
	for _, st := range []string{record.StatusOK, record.StatusCrashed, record.StatusHung, record.StatusLeaked, record.StatusPartial, demonstrated} {
		if n := p.counts[st]; n > 0 || st == record.StatusOK {
			parts = append(parts, fmt.Sprintf("%d %s", n, st))
		}
	}
	return strings.Join(parts, ", ")
}

// summary is the closing line of a run.
func (p *progress) summary() string {
	return fmt.Sprintf("trials: %s; elapsed %s", p.statuses(), p.now().Sub(p.start).Round(time.Millisecond))
}
