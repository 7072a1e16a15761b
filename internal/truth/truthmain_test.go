//go:build truth

package truth

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain serves the HTTP target when the binary is its server process.
func TestMain(m *testing.M) {
	maybeServe()
	// ants (imported through the registry) starts its default pool's two
	// goroutines at package init.
	goleak.VerifyTestMain(m, goleak.IgnoreCurrent())
}
