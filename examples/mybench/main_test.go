package mybench_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the test binary if a goroutine is left running when
// every test and benchmark has run. (The conformance suites check leaks
// themselves, after every check, whatever TestMain does.)
//
// IgnoreCurrent: importing conformance (or benchsuite) imports every
// family's registry, ants among them, whose package init starts the two
// goroutines of its default pool; IgnoreCurrent, taken before any test
// runs, ignores exactly those, and nothing a test starts.
//
// The rest are goroutines that built-in breakers keep by design, which
// BenchmarkBreaker leaves behind when it runs them beside gobreakerv1 (go
// test -bench Breaker), each ignored by name, and only it: hystrix
// registers each breaker in the library's process-wide registry, which
// keeps two goroutines per breaker until the process exits
// (breaker.Deviations.RegistryGoroutines); resiliency's open breaker
// sleeps out its open timeout (an hour in the benchmark) on a timer
// goroutine that Close cannot stop (StartsTimerGoroutine).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreCurrent(),
		goleak.IgnoreTopFunction("github.com/afex/hystrix-go/hystrix.(*metricExchange).Monitor"),
		goleak.IgnoreTopFunction("github.com/afex/hystrix-go/hystrix.(*poolMetrics).Monitor"),
		goleak.IgnoreAnyFunction("github.com/eapache/go-resiliency/breaker.(*Breaker).timer"))
}
