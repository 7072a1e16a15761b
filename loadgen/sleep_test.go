package loadgen

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestSleeperChoice: by default (SleepAuto) the poll sleeper runs where
// the OS has it (Linux), whatever the gap, and the result says so;
// SleepGoTimer, SleepPoll and SleepPrecise choose whatever the gap;
// closed loops wait for no schedule.
func TestSleeperChoice(t *testing.T) {
	noop := func(context.Context) error { return nil }
	auto := SleeperGoTimer
	if hasPoll {
		auto = SleeperPoll
	}
	if runtime.GOOS == "linux" && (!hasPrecise || !hasPoll) {
		t.Error("Linux without the precise or the poll sleeper")
	}
	tests := []struct {
		name string
		give Config
		want string
	}{
		{"open, 1 ms apart", Config{Model: Open, Rate: 1000, Clients: 1, Duration: 20 * time.Millisecond}, auto},
		{"open, 4 clients 200 µs apart each", Config{Model: Open, Rate: 20000, Clients: 4, Duration: 10 * time.Millisecond}, auto},
		{"open, 10 µs apart", Config{Model: Open, Rate: 100000, Clients: 1, Duration: 10 * time.Millisecond}, auto},
		{"open, 1 ms apart, go-timer", Config{Model: Open, Rate: 1000, Clients: 1, Duration: 20 * time.Millisecond, Sleeper: SleepGoTimer}, SleeperGoTimer},
		{"open, 10 µs apart, precise", Config{Model: Open, Rate: 100000, Clients: 1, Duration: 10 * time.Millisecond, Sleeper: SleepPrecise}, SleeperPrecise},
		{"open, 1 ms apart, auto", Config{Model: Open, Rate: 1000, Clients: 1, Duration: 20 * time.Millisecond, Sleeper: SleepAuto}, auto},
		{"open, 1 ms apart, poll", Config{Model: Open, Rate: 1000, Clients: 1, Duration: 20 * time.Millisecond, Sleeper: SleepPoll}, SleeperPoll},
		{"closed", Config{Model: Closed, Clients: 1, Duration: 10 * time.Millisecond}, SleeperNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.give.Sleeper == SleepPoll && !hasPoll {
				if _, err := Run(context.Background(), tt.give, noop); err == nil || !strings.Contains(err.Error(), "no timerfd") {
					t.Fatalf("Sleeper poll on %s: error %v, want one saying there is none", runtime.GOOS, err)
				}
				return
			}
			if tt.give.Sleeper == SleepPrecise && !hasPrecise {
				if _, err := Run(context.Background(), tt.give, noop); err == nil || !strings.Contains(err.Error(), "no precise sleeper") {
					t.Fatalf("Sleeper precise on %s: error %v, want one saying there is none", runtime.GOOS, err)
				}
				return
			}
			res, err := Run(context.Background(), tt.give, noop)
			if err != nil {
				t.Fatal(err)
			}
			if res.Sleeper != tt.want {
				t.Errorf("Sleeper %q, want %q", res.Sleeper, tt.want)
			}
			if open := tt.give.Model == Open; (res.Wake != nil) != open {
				t.Errorf("Wake %v for an %v loop: want a histogram exactly for an open one", res.Wake, tt.give.Model)
			}
		})
	}
}

// TestWakeIsTheHarnessShare: a Call target's operations that waited record
// their wake error, and the same value as their lateness; those the target
// delayed record no wake: a call that stalls 6 ms holds the one client past
// the next 11 intended starts at least (constant, 500 µs apart). Spin time
// is never negative, and no more than the client's window plus the longest
// margin before it. (Nothing here needs the machine to keep time: a client
// starved past its hard stop starts nothing and so records no wake.)
func TestWakeIsTheHarnessShare(t *testing.T) {
	for _, tt := range []struct {
		arrival Arrival
		late    int64 // measured operations the stall surely delays
	}{{Constant, 11}, {Poisson, 1}} {
		t.Run(tt.arrival.String(), func(t *testing.T) {
			n, stalled := 0, false
			cfg := Config{Model: Open, Rate: 2000, Arrival: tt.arrival, Clients: 1, Duration: 40 * time.Millisecond, Warmup: 5 * time.Millisecond}
			res, err := Run(context.Background(), cfg, func(context.Context) error {
				if n++; n == 30 { // intended at 14.5 ms: inside the window
					time.Sleep(6 * time.Millisecond)
					stalled = true
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			wake, late := res.Wake.TotalCount(), res.Lateness.TotalCount()
			if wake > late || late > res.Ops {
				t.Fatalf("wake count %d, lateness count %d, measured %d: want wake ≤ lateness ≤ measured", wake, late, res.Ops)
			}
			if stalled && wake > res.Ops-tt.late {
				t.Fatalf("wake count %d of %d measured: want at most %d, the stall delayed %d", wake, res.Ops, res.Ops-tt.late, tt.late)
			}
			// Every wake value is also a lateness value (a Call starts
			// when its wait ends): bucket by bucket, no more wakes than
			// latenesses.
			lateBars := map[int64]int64{}
			for _, b := range res.Lateness.Distribution() {
				lateBars[b.From] += b.Count
			}
			for _, b := range res.Wake.Distribution() {
				if b.Count > lateBars[b.From] {
					t.Fatalf("%d wakes in [%d, %d], but %d latenesses", b.Count, b.From, b.To, lateBars[b.From])
				}
			}
			// Each measured operation's spin starts at most a margin
			// before its intended start and ends before it is called:
			// one client's spins lie in the window, from a margin before
			// it to the last completion (they may last longer than the
			// margin in wall time if the thread is preempted mid-spin).
			if bound := res.Elapsed.Nanoseconds() + maxMargin; res.SpinNs < 0 || res.SpinNs > bound {
				t.Errorf("SpinNs %d, want 0 to %d (the window, %v, and a margin before it)", res.SpinNs, bound, res.Elapsed)
			}
		})
	}
}

// TestWakerRecordsMeasuredWaits drives one waker directly: every measured
// wait records one wake (when settled) and its spin, an unmeasured one
// neither, on either sleeper; the wait ends at or after its intended start.
func TestWakerRecordsMeasuredWaits(t *testing.T) {
	for _, choice := range []string{SleepGoTimer, SleepPrecise, SleepPoll} {
		if choice == SleepPrecise && !hasPrecise || choice == SleepPoll && !hasPoll {
			continue
		}
		w, err := newWaker(context.Background(), float64(time.Millisecond), choice)
		if err != nil {
			t.Fatal(err)
		}
		defer w.close()
		base, mono, _ := startClock()
		w.clock, w.monoBase = func() int64 { return int64(time.Since(base)) }, mono
		measured := 0
		for i := range 40 {
			now := w.clock()
			t0 := now + int64(i%4)*int64(350*time.Microsecond) + 1 // some waits shorter than any margin, some longer
			m := i%3 != 0
			if got := w.until(context.Background(), t0, now, m); got < t0 {
				t.Fatalf("%s: woke at %d for %d", w.name(), got, t0)
			}
			w.settle()
			if m {
				measured++
			}
		}
		if got := w.wake.TotalCount(); got != int64(measured) {
			t.Errorf("%s: %d wakes recorded, want %d (the measured waits)", w.name(), got, measured)
		}
		if w.spinNs < 0 {
			t.Errorf("%s: spin %d ns", w.name(), w.spinNs)
		}
		if choice != SleepGoTimer && w.nOver == 0 {
			t.Errorf("%s: no oversleep observed in 40 waits of up to 1.05 ms", w.name())
		}
	}
}

// TestMargin: the margin is the 13th largest of the last 64 oversleeps
// (about their 80th percentile), the same quantile while the ring fills,
// within [minMargin, maxMargin].
func TestMargin(t *testing.T) {
	us := int64(time.Microsecond)
	feed := func(vs ...int64) *waker {
		w, err := newWaker(context.Background(), float64(time.Millisecond), SleepGoTimer)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			w.observe(v)
		}
		return w
	}
	seq := func(from, n, step int64) []int64 {
		var vs []int64
		for i := range n {
			vs = append(vs, from+i*step)
		}
		return vs
	}
	tests := []struct {
		name string
		give []int64
		want int64
	}{
		{"none yet", nil, maxMargin},
		{"one", []int64{100 * us}, 100 * us},
		{"1..64 µs, shuffled", append(seq(33*us, 32, us), seq(us, 32, us)...), 52 * us},
		{"ten of 100..1000 µs", seq(100*us, 10, 100*us), maxMargin}, // the 3rd largest, 800 µs, clamped
		{"ten of 10..100 µs", seq(10*us, 10, 10*us), 80 * us},       // the 3rd largest
		{"all small", seq(1, 64, 0), minMargin},
		{"negative is 0", []int64{-5}, minMargin},
		{"old values leave the ring", append(seq(time.Millisecond.Nanoseconds(), 64, 0), seq(60*us, 64, 0)...), 60 * us},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := feed(tt.give...).margin(); got != tt.want {
				t.Errorf("margin %d ns, want %d", got, tt.want)
			}
		})
	}
}

// TestWaitDoesNotAllocate: the wait is on the hot path.
func TestWaitDoesNotAllocate(t *testing.T) {
	for _, choice := range []string{SleepGoTimer, SleepPrecise, SleepPoll} {
		if choice == SleepPrecise && !hasPrecise || choice == SleepPoll && !hasPoll {
			continue
		}
		w, err := newWaker(context.Background(), float64(time.Millisecond), choice)
		if err != nil {
			t.Fatal(err)
		}
		defer w.close()
		base, mono, _ := startClock()
		w.clock, w.monoBase = func() int64 { return int64(time.Since(base)) }, mono
		allocs := testing.AllocsPerRun(50, func() {
			now := w.clock()
			w.until(context.Background(), now+int64(300*time.Microsecond), now, true)
			w.settle()
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per wait, want 0", w.name(), allocs)
		}
	}
}

// TestSleeperConfigChecked: a sleeper that is not one of the choices, or
// one given to a closed loop, is refused with a message naming it.
func TestSleeperConfigChecked(t *testing.T) {
	noop := func(context.Context) error { return nil }
	tests := []struct {
		name string
		give Config
		want string
	}{
		{"unknown", Config{Model: Open, Rate: 1000, Clients: 1, Duration: 10 * time.Millisecond, Sleeper: "spin"}, `Sleeper "spin": want "auto", "poll", "precise" or "go-timer"`},
		{"closed", Config{Model: Closed, Clients: 1, Duration: 10 * time.Millisecond, Sleeper: SleepGoTimer}, "Sleeper apply to an open loop only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Run(context.Background(), tt.give, noop); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestWaitEndsWithCtx: a client waiting an hour for its next start, on
// any sleeper, returns once ctx ends, with a reading before the start
// and nothing recorded; the poll sleeper's wait is woken by ctx's end
// itself, not by a slice of its own.
func TestWaitEndsWithCtx(t *testing.T) {
	for _, choice := range []string{SleepGoTimer, SleepPrecise, SleepPoll} {
		if choice == SleepPrecise && !hasPrecise || choice == SleepPoll && !hasPoll {
			continue
		}
		t.Run(choice, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			w, err := newWaker(ctx, float64(time.Hour), choice)
			if err != nil {
				t.Fatal(err)
			}
			defer w.close()
			base, mono, _ := startClock()
			w.clock, w.monoBase = func() int64 { return int64(time.Since(base)) }, mono
			time.AfterFunc(10*time.Millisecond, cancel)
			target := w.clock() + int64(time.Hour)
			if got := w.until(ctx, target, w.clock(), true); got >= target {
				t.Errorf("until returned %d, at or after the intended start %d", got, target)
			}
			w.settle()
			if w.wake.TotalCount() != 0 || w.spinNs != 0 {
				t.Errorf("an interrupted wait recorded %d wakes, %d ns spun", w.wake.TotalCount(), w.spinNs)
			}
		})
	}
}
