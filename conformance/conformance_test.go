package conformance_test

import (
	"go/build"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/concbench/concbench/conformance"
	"github.com/concbench/concbench/impl/fanout"
	"github.com/concbench/concbench/impl/workerpool"
)

// conformance imports every family's registry, so ants is initialised here
// and starts the two goroutines of its default pool; IgnoreCurrent, taken
// before any test runs, ignores exactly those and nothing a test starts.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m, goleak.IgnoreCurrent()) }

// TestConformance runs the suites on the examples' adapters, as a user's
// module would: an example that teaches an adapter must show a passing one.
// The built-in implementations run the suites in impl/*'s own tests.
func TestConformance(t *testing.T) {
	t.Run("sem", func(t *testing.T) {
		conformance.WorkerPool(t, workerpool.Impl{Name: "sem", Doc: "a goroutine per task, at most N at once by a channel of N tokens",
			New: newSemPool})
	})
	t.Run("claim", func(t *testing.T) {
		conformance.FanOut(t, fanout.Impl[int, int]{Name: "claim", Doc: "workers claim inputs by an atomic counter",
			Map: mapClaim[int, int]})
	})
}

// TestImports keeps to the package doc: of concbench, conformance imports
// impl/* and leaf packages of internal/ only.
func TestImports(t *testing.T) {
	const module = "github.com/concbench/concbench/"
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range pkg.Imports {
		rel, ok := strings.CutPrefix(path, module)
		switch {
		case !ok, strings.HasPrefix(rel, "impl/"):
		case strings.HasPrefix(rel, "internal/"):
			leaf, err := build.ImportDir(filepath.Join("..", rel), 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range leaf.Imports {
				if strings.HasPrefix(p, module) {
					t.Errorf("conformance imports %s, which imports %s: only leaf packages of internal/", path, p)
				}
			}
		default:
			t.Errorf("conformance imports %s: of concbench, only impl/* and leaf packages of internal/", path)
		}
	}
}
