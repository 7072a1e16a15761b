package scenarios

import (
	"os"
	"strings"
	"testing"

	"github.com/concbench/concbench/targets"
)

// TestREADMEScenarioExampleParses keeps the README's annotated scenario
// file valid as the schema evolves.
func TestREADMEScenarioExampleParses(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "```yaml\n")
	if !ok {
		t.Fatal("README.md has no yaml example")
	}
	example, _, _ := strings.Cut(rest, "```")
	if _, err := Parse("README.md", []byte(example), targets.Builtin()); err != nil {
		t.Errorf("the README's scenario example does not parse:\n%v", err)
	}
}
