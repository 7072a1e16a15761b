package loadgen

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestSolo: Solo runs a Call or a Submit target n times at most, stops at
// its budget after the first operation, and says so when an operation
// calls runtime.Goexit.
func TestSolo(t *testing.T) {
	calls := 0
	call := Target{Call: func(context.Context) error { calls++; return nil }}
	if h, ab := Solo(context.Background(), call, SoloConfig{Ops: 7, Budget: time.Hour}); h.TotalCount() != 7 || calls != 7 || ab != "" {
		t.Errorf("Call: %d recorded, %d calls, aborted %q; want 7, 7, none", h.TotalCount(), calls, ab)
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	tasks := 0
	submit := Target{
		Submit: func(_ context.Context, task func()) error { wg.Go(task); return nil },
		Task:   func(context.Context) error { tasks++; time.Sleep(time.Millisecond); return nil },
	}
	h, _ := Solo(context.Background(), submit, SoloConfig{Ops: 5, Budget: time.Hour})
	if h.TotalCount() != 5 || tasks != 5 || h.Min() < int64(time.Millisecond) {
		t.Errorf("Submit: %d recorded, %d tasks, min %d ns; want 5, 5, ≥ 1ms", h.TotalCount(), tasks, h.Min())
	}
	slow := Target{Call: func(context.Context) error { time.Sleep(2 * time.Millisecond); return nil }}
	if h, _ := Solo(context.Background(), slow, SoloConfig{Ops: 100, Budget: time.Nanosecond}); h.TotalCount() != 1 {
		t.Errorf("budget: %d recorded, want the first only", h.TotalCount())
	}
	refused := Target{Submit: func(context.Context, func()) error { return errors.New("full") }}
	if h, _ := Solo(context.Background(), refused, SoloConfig{Ops: 3, Budget: time.Hour}); h.TotalCount() != 0 {
		t.Errorf("refused: %d recorded, want none", h.TotalCount())
	}
	start := time.Now()
	if h, _ := Solo(context.Background(), call, SoloConfig{Ops: 4, Budget: time.Hour, Gap: 5 * time.Millisecond}); h.TotalCount() != 4 || time.Since(start) < 15*time.Millisecond {
		t.Errorf("gap: %d recorded in %v, want 4 in at least 3 gaps of 5ms", h.TotalCount(), time.Since(start))
	}
	goexit := Target{Call: func(context.Context) error { runtime.Goexit(); return nil }}
	if _, ab := Solo(context.Background(), goexit, SoloConfig{Ops: 3, Budget: time.Hour}); ab == "" {
		t.Error("Goexit: not reported")
	}
}
