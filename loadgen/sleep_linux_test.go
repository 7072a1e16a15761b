//go:build linux

package loadgen

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestMonoTimespec: an absolute time in ns becomes exactly its Timespec.
func TestMonoTimespec(t *testing.T) {
	tests := []struct {
		give          int64
		wantS, wantNs int64
	}{
		{0, 0, 0},
		{1, 0, 1},
		{999_999_999, 0, 999_999_999},
		{1_000_000_000, 1, 0},
		{12_345_678_901_234, 12_345, 678_901_234},
		// an intended start 2.5 s into a run whose clock started at
		// CLOCK_MONOTONIC 5_999.9999999 s, less a 150 µs margin
		{5_999_999_999_900 + 2_500_000_000 - 150_000, 6_002, 499_849_900},
	}
	for _, tt := range tests {
		got := monoTimespec(tt.give)
		if want := (unix.Timespec{Sec: tt.wantS, Nsec: tt.wantNs}); got != want {
			t.Errorf("monoTimespec(%d) = %+v, want %+v", tt.give, got, want)
		}
		if got.Nano() != tt.give {
			t.Errorf("monoTimespec(%d) is %d ns back", tt.give, got.Nano())
		}
	}
}

// TestRunClockIsClockMonotonic: Go's monotonic clock (time.Since) and
// CLOCK_MONOTONIC read from startClock's offset agree within its stated
// uncertainty. The check is of order, not of speed: a clock_gettime read
// between two time.Since reads must fall between them, however slowly the
// machine runs.
func TestRunClockIsClockMonotonic(t *testing.T) {
	base, mono, unc := startClock()
	if unc < 0 {
		t.Fatalf("uncertainty %d", unc)
	}
	for range 1000 {
		a := int64(time.Since(base))
		m := monoNow() - mono
		b := int64(time.Since(base))
		if m < a-unc || m > b+unc {
			t.Fatalf("CLOCK_MONOTONIC says %d ns since the run clock's zero, Go's clock %d to %d (± %d)", m, a, b, unc)
		}
	}
}

// TestSleepEndsAfterItsDeadline: clock_nanosleep on an absolute time
// never returns before it (on the run's clock too).
func TestSleepEndsAfterItsDeadline(t *testing.T) {
	base, mono, unc := startClock()
	var s monoSleeper
	for i := range 20 {
		deadline := int64(time.Since(base)) + int64(i)*int64(50*time.Microsecond)
		s.until(mono + deadline)
		if now := int64(time.Since(base)); now < deadline-unc {
			t.Fatalf("woke at %d, before the deadline %d (± %d)", now, deadline, unc)
		}
	}
}
