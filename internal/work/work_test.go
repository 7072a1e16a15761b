package work

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

func TestCalibrateScales(t *testing.T) {
	one, ten := Calibrate(time.Microsecond), Calibrate(10*time.Microsecond)
	if one < 1 || ten < 5*one {
		t.Fatalf("Calibrate(1µs)=%d, Calibrate(10µs)=%d: want >=1 and about 10x", one, ten)
	}
}

func BenchmarkSpin1us(b *testing.B) {
	n := RoundsPerMicrosecond()
	for b.Loop() {
		Spin(n)
	}
}

// TestDeepGrowsTheStack runs goroutines that each park at the bottom of
// Deep(64 KiB) and wants the stack memory to grow by at least 64 KiB for
// each of them.
func TestDeepGrowsTheStack(t *testing.T) {
	const goroutines, bytes = 32, 64 << 10
	before := stackInuse()
	release := make(chan struct{})
	var parked, done sync.WaitGroup
	parked.Add(goroutines)
	for range goroutines {
		done.Go(func() {
			Deep(bytes, func() {
				parked.Done()
				<-release
			})
		})
	}
	parked.Wait()
	grown := stackInuse() - before
	close(release)
	done.Wait()
	if grown < goroutines*bytes {
		t.Fatalf("%d goroutines parked in Deep(%d) grew stacks by %d bytes, want at least %d", goroutines, bytes, grown, goroutines*bytes)
	}
}

func TestDeepCallsFOnce(t *testing.T) {
	for _, bytes := range []int{-1, 0, 1, StackFrame, 10 * StackFrame} {
		n := 0
		Deep(bytes, func() { n++ })
		if n != 1 {
			t.Errorf("Deep(%d) called f %d times, want 1", bytes, n)
		}
	}
}

func stackInuse() int {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int(m.StackInuse)
}
