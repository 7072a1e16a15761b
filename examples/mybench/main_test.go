package mybench_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the test binary if a goroutine is left running when
// every test and benchmark has run.
//
// IgnoreCurrent: importing conformance (or benchsuite) imports every
// family's registry, ants among them, whose package init starts the two
// goroutines of its default pool; IgnoreCurrent, taken before any test
// runs, ignores exactly those, and nothing a test starts.
//
// The two hystrix functions: the built-in hystrix breaker registers each
// breaker in the library's process-wide registry, which keeps two
// goroutines per breaker until the process exits (it declares
// breaker.Deviations.RegistryGoroutines). BenchmarkBreaker runs it beside
// gobreakerv1 (go test -bench Breaker), so they are ignored by name, and
// only they.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreCurrent(),
		goleak.IgnoreTopFunction("github.com/afex/hystrix-go/hystrix.(*metricExchange).Monitor"),
		goleak.IgnoreTopFunction("github.com/afex/hystrix-go/hystrix.(*poolMetrics).Monitor"))
}
