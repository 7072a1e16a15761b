package compare

import (
	"os/exec"
	"strings"
	"testing"
)

// TestReadsFilesOnly holds the package to its doc: of this project it
// depends on nothing but the internal leaves (footnote, resultline,
// texttab), never on impl, loadgen, scenarios, targets, trial, harness or
// report, so that it compares any project's result files.
func TestReadsFilesOnly(t *testing.T) {
	const module = "github.com/concbench/concbench/"
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	allowed := map[string]bool{"compare": true, "internal/footnote": true, "internal/resultline": true, "internal/texttab": true}
	for dep := range strings.FieldsSeq(string(out)) {
		if rel, ok := strings.CutPrefix(dep, module); !ok || allowed[rel] {
			continue
		}
		t.Errorf("compare depends on %s: it may use only the internal leaves", dep)
	}
}
