package scenarios

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concbench/concbench/targets"
)

var update = flag.Bool("update", false, "rewrite testdata/errors/*.golden with the messages of today's Parse")

// TestErrorMessages pins the exact text of Parse's errors: each
// testdata/errors/<case>.yaml must be refused with <case>.golden, its
// errors joined as runbench prints them. After a deliberate change of
// wording, run `go test ./scenarios -run TestErrorMessages -update` and
// review the diff.
func TestErrorMessages(t *testing.T) {
	files, err := filepath.Glob("testdata/errors/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases in testdata/errors: %v", err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parse(name, data, targets.Builtin())
			if err == nil {
				t.Fatal("accepted")
			}
			got := err.Error() + "\n"
			golden := strings.TrimSuffix(f, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to write it)", err)
			}
			if got != string(want) {
				t.Errorf("errors:\n%s\nwant (%s):\n%s", got, golden, want)
			}
		})
	}
}
