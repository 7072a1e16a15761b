package conformance

import (
	"context"
	"errors"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concbench/concbench/impl/breaker"
	"github.com/concbench/concbench/internal/stacks"
)

// breakerProbeLimit sends many concurrent callers at a half-open breaker whose
// fns block until released, and checks how many run fn at once.
func breakerProbeLimit(t *testing.T, impl breaker.Impl) {
	breakerBubble(t, impl, breakerConfig(impl, 3), func(t *testing.T, b *subject) {
		probes := b.cfg.HalfOpenProbes
		callers := max(32, probes+29)
		halfOpen(t, b)

		var wg sync.WaitGroup
		release(t, wg.Wait) // cleanups run last first: after the gate opens, before Close
		fnGate, open := gate(t)
		var running, maxRunning, calls, rejected, returned atomic.Int64
		fn := func(context.Context) error {
			calls.Add(1)
			storeMax(&maxRunning, running.Add(1))
			<-fnGate
			running.Add(-1)
			return nil
		}
		for range callers {
			wg.Go(func() {
				err := probeCaller(b, fn)
				switch {
				case errors.Is(err, breaker.ErrRejected):
					rejected.Add(1)
				case err != nil:
					t.Errorf("Execute = %v, want nil or ErrRejected", err)
				}
				returned.Add(1)
			})
			if impl.Deviations.RacyProbeAdmission {
				synctest.Wait() // one at a time: in fn or rejected before the next one comes
			}
		}
		settleCallers(t, impl, int64(callers), &returned, &running)
		b.settle() // the rejections are counted before a probe can close it

		wantRunning, wantRejected := int64(probes), int64(callers-probes)
		switch {
		case impl.Deviations.SerialisesCalls:
			wantRunning, wantRejected = 1, 0 // the others wait their turn
		case impl.Deviations.NoProbeLimit:
			wantRunning, wantRejected = int64(callers), 0
		case impl.Deviations.SingleProbe:
			wantRunning, wantRejected = 1, int64(callers-1)
		}
		if got, gotRejected := running.Load(), rejected.Load(); got != wantRunning || gotRejected != wantRejected {
			t.Errorf("%d callers in half-open with %d probes: %d ran fn at once and %d were rejected, want %d and %d%s",
				callers, probes, got, gotRejected, wantRunning, wantRejected, probeWays(b, got, gotRejected, int64(callers)))
		}
		open()
		wg.Wait()
		if got := maxRunning.Load(); got > wantRunning {
			t.Errorf("at most %d fns ran at once, want at most %d", got, wantRunning)
		}
		if impl.Deviations.NoProbeLimit && calls.Load() != int64(callers) {
			t.Errorf("declared NoProbeLimit: %d of %d callers ran fn%s", calls.Load(), callers,
				ways(way("half-open admits callers through a flag that rejects one arriving with another", "Deviations.RacyProbeAdmission")))
		}
		wantState(t, b, breaker.Closed, "after the probes succeeded", closesLate(b)...)
	})
}

// probeWays names the declarations that describe what ProbeLimit saw:
// running callers in fn and rejected of callers rejected.
func probeWays(b *subject, running, rejected, callers int64) string {
	var ws []string
	switch {
	case running == callers && rejected == 0:
		ws = append(ws, way("half-open never rejects a caller for being over HalfOpenProbes", "Deviations.NoProbeLimit"))
	case running == 1 && rejected == 0:
		ws = append(ws, way("Execute holds a lock across fn, so the other callers wait", "Deviations.SerialisesCalls"))
	case running == 1 && rejected == callers-1:
		ws = append(ws, singleProbe)
	case running+rejected == callers && running != int64(b.cfg.HalfOpenProbes):
		ws = append(ws, fixedProbes(b))
	case running+rejected == callers && running < callers:
		ws = append(ws, way("half-open admits callers through a flag that rejects one arriving with another", "Deviations.RacyProbeAdmission"))
	}
	return ways(ws...)
}

// probeCaller calls Execute; settleCallers finds the callers still inside it
// by this function's name in their stacks.
//
//go:noinline
func probeCaller(b breaker.Breaker, fn func(context.Context) error) error {
	return b.Execute(context.Background(), fn)
}

// settleCallers waits until each of n probeCallers has returned or is
// blocked, and at least one fn is running. synctest.Wait cannot do it when
// calls are serialised: a goroutine waiting for a sync.Mutex is not durably
// blocked, so Wait would never return. Then settleCallers polls the goroutine
// stacks instead, yielding between polls; it never sleeps.
func settleCallers(t *testing.T, impl breaker.Impl, n int64, returned, running *atomic.Int64) {
	t.Helper()
	if !impl.Deviations.SerialisesCalls {
		synctest.Wait()
		return
	}
	for range 100_000 {
		if running.Load() > 0 && returned.Load()+int64(blockedIn(probeCaller)) == n {
			return
		}
		runtime.Gosched()
	}
	t.Fatalf("callers did not settle: %d returned, %d blocked in Execute, %d fns running", returned.Load(), blockedIn(probeCaller), running.Load())
}

// storeMax raises m to v if v is larger.
func storeMax(m *atomic.Int64, v int64) {
	for {
		old := m.Load()
		if v <= old || m.CompareAndSwap(old, v) {
			return
		}
	}
}

// breakerGenerations checks that a slow call which started while closed, and
// fails after the breaker has opened and closed again, does not count.
func breakerGenerations(t *testing.T, impl breaker.Impl) {
	breakerBubble(t, impl, breakerConfig(impl, 1), func(t *testing.T, b *subject) {
		if impl.Deviations.SerialisesCalls {
			slowCallBlocksOthers(t, impl, b)
			return
		}
		slow, open := gate(t)
		slowDone := make(chan error, 1)
		go func() {
			slowDone <- b.Execute(context.Background(), func(context.Context) error {
				<-slow
				return errBoom
			})
		}()
		synctest.Wait() // the slow call is inside fn

		halfOpen(t, b)
		probesSucceed(t, b, "probe success")
		wantState(t, b, breaker.Closed, "after the probe", closesLate(b)...)

		open()
		if err := <-slowDone; err != errBoom {
			t.Fatalf("slow call: Execute = %v, want %v", err, errBoom)
		}
		n := b.cfg.FailuresToOpen
		noGenerations := way("a call's result counts toward the state the breaker is in when it ends", "Deviations.NoGenerations")
		if impl.Deviations.OpensOnErrorRate {
			// The probe's success opened the new count; one more failure.
			mustPass(t, b, errBoom, "failure")
			calls, fails := 2, 1
			if impl.Deviations.NoGenerations {
				calls, fails = 3, 2 // and the slow call's failure
			}
			wantState(t, b, rateState(b, calls, fails), "declared OpensOnErrorRate: "+strconv.Itoa(fails)+" failures of "+strconv.Itoa(calls)+" calls",
				hint{breaker.Open, noGenerations})
			return
		}
		for range n - 1 {
			mustPass(t, b, errBoom, "failure")
		}
		if impl.Deviations.NoGenerations {
			wantState(t, b, breaker.Open, "declared NoGenerations: the slow failure counted")
			return
		}
		wantState(t, b, breaker.Closed, "the slow call's failure is from an older generation", hint{breaker.Open, noGenerations})
		mustPass(t, b, errBoom, "failure")
		wantState(t, b, breaker.Open, "after "+strconv.Itoa(n)+" current failures", lateOpen(b)...)
	})
}

// slowCallBlocksOthers checks the declared SerialisesCalls: while one call
// runs, another waits, so no call can span a state change.
func slowCallBlocksOthers(t *testing.T, impl breaker.Impl, b *subject) {
	var wg sync.WaitGroup
	release(t, wg.Wait) // after the gate opens
	slow, open := gate(t)
	var seq, slowEnd, otherStart, running, returned atomic.Int64
	drop := "the entry declares SerialisesCalls, but a second fn ran while the first was running: drop it"
	wg.Go(func() {
		probeCaller(b, func(context.Context) error {
			running.Add(1)
			<-slow
			slowEnd.Store(seq.Add(1))
			return errBoom
		})
		returned.Add(1)
	})
	wg.Go(func() {
		for running.Load() == 0 { // start second
			runtime.Gosched()
		}
		probeCaller(b, func(context.Context) error {
			otherStart.Store(seq.Add(1))
			return nil
		})
		returned.Add(1)
	})
	settleCallers(t, impl, 2, &returned, &running)
	if otherStart.Load() != 0 {
		t.Fatal(drop)
	}
	open()
	wg.Wait()
	if otherStart.Load() < slowEnd.Load() {
		t.Fatalf("%s (the second fn started, %d, before the first ended, %d)", drop, otherStart.Load(), slowEnd.Load())
	}
}

// breakerFnRunsOnCallersGoroutine checks where fn runs and that Execute does
// not return before fn does (or, declared LeaksGoroutineOnTimeout, that it
// returns on CallTimeout and fn's goroutine lives on until fn returns).
func breakerFnRunsOnCallersGoroutine(t *testing.T, impl breaker.Impl) {
	cfg := breakerConfig(impl, 1)
	if impl.Deviations.FixedConfig == nil || impl.Deviations.FixedConfig.CallTimeout == 0 {
		cfg.CallTimeout = time.Second
	}
	breakerBubble(t, impl, cfg, func(t *testing.T, b *subject) {
		fnGate, open := gate(t)
		var fnReturned atomic.Bool
		var callerID, fnID atomic.Uint64
		done := make(chan error, 1)
		go func() {
			callerID.Store(stacks.Current())
			done <- b.Execute(context.Background(), func(context.Context) error {
				fnID.Store(stacks.Current())
				<-fnGate
				fnReturned.Store(true)
				return nil
			})
		}()
		time.Sleep(10 * b.cfg.CallTimeout)
		synctest.Wait()
		if impl.Deviations.LeaksGoroutineOnTimeout {
			leaksOnTimeout(t, done, open, &fnReturned, callerID.Load(), fnID.Load())
			return
		}
		leaks := way("fn runs on a goroutine of its own that Execute stops waiting for on a timeout", "Deviations.LeaksGoroutineOnTimeout")
		select {
		case err := <-done:
			t.Fatalf("Execute returned %v while fn was still running%s", err, ways(leaks))
		default:
		}
		open()
		if err := <-done; err != nil {
			t.Fatalf("Execute = %v, want nil", err)
		}
		if callerID.Load() != fnID.Load() {
			t.Fatalf("fn ran on goroutine %d, the caller is %d%s", fnID.Load(), callerID.Load(), ways(leaks))
		}
	})
}

// leaksOnTimeout is FnRunsOnCallersGoroutine for a breaker that declares
// LeaksGoroutineOnTimeout: Execute returned a non-nil error on the
// timeout, while fn, on a goroutine of its own, waits for open.
func leaksOnTimeout(t *testing.T, done chan error, open func(), fnReturned *atomic.Bool, callerID, fnID uint64) {
	t.Helper()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("declared LeaksGoroutineOnTimeout: Execute returned nil before fn returned")
		}
	default:
		t.Fatal("declared LeaksGoroutineOnTimeout, but Execute did not return on CallTimeout")
	}
	if fnReturned.Load() {
		t.Fatal("fn returned though it was blocked")
	}
	if callerID == fnID {
		t.Fatal("declared LeaksGoroutineOnTimeout, but fn ran on the caller's goroutine")
	}
	open() // the leaked goroutine still runs fn: free it
	synctest.Wait()
	if !fnReturned.Load() {
		t.Fatal("fn's goroutine did not finish once released")
	}
}

// breakerBulkhead checks a declared Bulkhead: with that many calls blocked in
// fn while closed, one more is rejected, and once they have returned calls
// pass again. Without the declaration there is nothing to check here (the
// other checks run closed calls side by side).
func breakerBulkhead(t *testing.T, impl breaker.Impl) {
	n := impl.Deviations.Bulkhead
	if n == 0 {
		return
	}
	breakerBubble(t, impl, breakerConfig(impl, 1), func(t *testing.T, b *subject) {
		var wg sync.WaitGroup
		release(t, wg.Wait) // after the gate opens
		fnGate, open := gate(t)
		for range n {
			wg.Go(func() {
				if err := b.Execute(context.Background(), func(context.Context) error { <-fnGate; return nil }); err != nil {
					t.Errorf("one of %d calls of the bulkhead: Execute = %v, want nil", n, err)
				}
			})
		}
		synctest.Wait()
		err, ran := breakerCall(b, nil)
		if ran || !errors.Is(err, breaker.ErrRejected) {
			t.Errorf("declared Bulkhead %d: with %d calls in fn, one more ran %v and returned %v; want it rejected", n, n, ran, err)
		}
		wantState(t, b, breaker.Closed, "after a rejection by the bulkhead")
		open()
		wg.Wait()
		mustPass(t, b, nil, "after the bulkhead's calls returned")
	})
}
