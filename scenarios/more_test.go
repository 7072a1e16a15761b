package scenarios

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/concbench/concbench/targets"
)

// The scenario files kept outside the quick suite must stay valid as the
// schema evolves.
func TestMoreScenariosParse(t *testing.T) {
	files, err := filepath.Glob("more/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenario files in more/: %v", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(f, data, targets.Builtin()); err != nil {
			t.Errorf("%v", err)
		}
	}
}
