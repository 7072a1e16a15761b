package loadgen

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestClosedLoopCountsEveryOperation(t *testing.T) {
	var calls int64
	res, err := Run(context.Background(), Config{Model: Closed, Clients: 1, Duration: 20 * time.Millisecond},
		func(context.Context) error { calls++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	// One client: every call is on its goroutine, so calls needs no lock.
	if res.Issued != calls || res.Ops == 0 || res.Ops > res.Issued || res.Latency.TotalCount() != res.Ops {
		t.Fatalf("issued %d, calls %d, measured %d, latency count %d", res.Issued, calls, res.Ops, res.Latency.TotalCount())
	}
	if res.Window != 20*time.Millisecond || len(res.Series.T) == 0 {
		t.Errorf("window %v, %d samples", res.Window, len(res.Series.T))
	}
}

func TestErrorsAreCounted(t *testing.T) {
	res, err := Run(context.Background(), Config{Model: Closed, Clients: 2, Duration: 50 * time.Millisecond},
		func(context.Context) error { return errors.New("no") })
	if err != nil {
		t.Fatal(err)
	}
	if res.Ops == 0 || res.Errors != res.Ops {
		t.Fatalf("%d errors of %d measured operations, want all", res.Errors, res.Ops)
	}
}

// TestOpenLoopLatencyIncludesTheStall: one call of an open loop stalls for
// 20 ms; every operation intended during the stall is late, and the
// corrected latency shows it while the service time does not.
func TestOpenLoopLatencyIncludesTheStall(t *testing.T) {
	first := true
	res, err := Run(context.Background(), Config{Model: Open, Rate: 1000, Clients: 1, Duration: 50 * time.Millisecond, Warmup: 5 * time.Millisecond},
		func(context.Context) error {
			if first {
				first = false
				time.Sleep(20 * time.Millisecond)
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if lat, svc := res.Latency.Max(), res.Service.ValueAtQuantile(50); lat < int64(10*time.Millisecond) || svc > int64(5*time.Millisecond) {
		t.Fatalf("corrected max %v, service p50 %v: want the stall in the latency, not in the service time", time.Duration(lat), time.Duration(svc))
	}
}

func TestSubmitTarget(t *testing.T) {
	var tasks, ran int
	done := make(chan struct{})
	work := make(chan func())
	go func() { // a one-worker pool
		defer close(done)
		for task := range work {
			task()
		}
	}()
	res, err := RunTarget(context.Background(), Config{Model: Closed, Clients: 1, Duration: 50 * time.Millisecond}, Target{
		Submit: func(ctx context.Context, task func()) error { tasks++; work <- task; return nil },
		Task:   func(context.Context) error { ran++; return nil },
	})
	close(work)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	if res.Issued == 0 || int64(tasks) != res.Issued || ran != tasks {
		t.Fatalf("issued %d, submitted %d, ran %d", res.Issued, tasks, ran)
	}
}

func TestConfigErrors(t *testing.T) {
	noop := func(context.Context) error { return nil }
	tests := []struct {
		name     string
		give     Config
		wantText string
	}{
		{"no clients", Config{Model: Closed, Duration: time.Second}, "Clients 0"},
		{"no duration", Config{Model: Closed, Clients: 1}, "Duration 0s"},
		{"open without a rate", Config{Model: Open, Clients: 1, Duration: time.Second}, "Rate 0"},
		{"rate too low for the window", Config{Model: Open, Clients: 1, Rate: 0.5, Duration: time.Second}, "at least one operation"},
		{"think on an open loop", Config{Model: Open, Clients: 1, Rate: 10, Duration: time.Second, Think: time.Millisecond}, "Think"},
		{"rate on a closed loop", Config{Model: Closed, Clients: 1, Rate: 10, Duration: time.Second}, "Rate, MaxInflight and Sleeper"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Run(context.Background(), tt.give, noop)
			if err == nil || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %v, want one containing %q", err, tt.wantText)
			}
		})
	}
}

func TestInterruptedRunReturnsCtxError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	res, err := Run(ctx, Config{Model: Closed, Clients: 1, Duration: time.Hour}, func(context.Context) error {
		if n++; n == 100 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || res.Issued < 100 {
		t.Fatalf("err %v after %d operations, want context.Canceled after 100", err, res.Issued)
	}
}

// ExampleRun load-tests a function with an open loop: 200 operations per
// second for 100 ms, latency measured from each operation's intended start.
func ExampleRun() {
	res, err := Run(context.Background(), Config{
		Model: Open, Rate: 200, Arrival: Poisson, Clients: 1,
		Duration: 100 * time.Millisecond, Warmup: 10 * time.Millisecond,
	}, func(ctx context.Context) error {
		time.Sleep(100 * time.Microsecond) // the system under test
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	p99 := time.Duration(res.Latency.ValueAtQuantile(99))
	fmt.Println(res.Ops > 0, p99 >= 100*time.Microsecond, res.Errors)
	// Output: true true 0
}

// TestRunEndsWithItsContext: an open loop waiting for an operation 50 s
// away, and a closed loop in a 40 s think, both return once their ctx
// ends, in fake time (go-timer sleeper; the precise one sleeps in the
// kernel, outside a bubble's clock: see TestPreciseWaitEndsWithItsContext).
func TestRunEndsWithItsContext(t *testing.T) {
	tests := []struct {
		name string
		give Config
	}{
		{"long inter-arrival gap", Config{Model: Open, Rate: 0.02, Sleeper: SleepGoTimer, Clients: 1, Duration: 100 * time.Second}},
		{"long think", Config{Model: Closed, Clients: 1, Think: 40 * time.Second, Duration: 100 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				start := time.Now()
				_, err := Run(ctx, tt.give, func(context.Context) error { return nil })
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("Run: %v, want the context's error", err)
				}
				if took := time.Since(start); took > 2*time.Second {
					t.Errorf("Run returned %v after it started, its ctx ending at 1s", took)
				}
			})
		})
	}
}

// TestPreciseWaitEndsWithItsContext: the precise sleeper, waiting for an
// operation 50 s away, gives up within a slice of its ctx's end. The bound
// (10 s) only tells a wait that ended from one that did not.
func TestPreciseWaitEndsWithItsContext(t *testing.T) {
	if !PreciseAvailable() {
		t.Skip("no precise sleeper on this OS: nothing to check")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Run(ctx, Config{Model: Open, Rate: 0.02, Sleeper: SleepPrecise, Clients: 1, Duration: 100 * time.Second}, func(context.Context) error { return nil })
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 10*time.Second {
		t.Errorf("Run: %v after %v, want the ctx's error well before the next operation at 50s", err, time.Since(start))
	}
}

// TestGoexitIsReported: a target that calls runtime.Goexit (as t.FailNow
// does) ends its client; the result says so rather than passing for a run
// of one operation.
func TestGoexitIsReported(t *testing.T) {
	res, err := Run(context.Background(), Config{Model: Closed, Clients: 2, Duration: 20 * time.Millisecond},
		func(context.Context) error { runtime.Goexit(); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Aborted, "runtime.Goexit") {
		t.Errorf("Aborted %q, want it to name runtime.Goexit", res.Aborted)
	}
	ok, err := Run(context.Background(), Config{Model: Closed, Clients: 2, Duration: 5 * time.Millisecond}, func(context.Context) error { return nil })
	if err != nil || ok.Aborted != "" {
		t.Errorf("a plain run: %v, Aborted %q", err, ok.Aborted)
	}
}
