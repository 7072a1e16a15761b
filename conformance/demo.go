package conformance

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// demoChildEnv, set to a test's full name, makes a re-executed test binary
// run that test's demonstration instead of checking it from outside.
const demoChildEnv = "CONCBENCH_CONFORMANCE_DEMO"

// demoDone ends the output of a child that ran its demonstration to the
// end; demoExit is its exit status (os.Exit(0) inside a test is refused).
const (
	demoDone = "concbench-demo-done"
	demoExit = 3
)

// demoTimeout bounds a child process: a demonstration that hangs is caught
// by a synctest bubble at once, so only a broken child takes this long.
const demoTimeout = 2 * time.Minute

// demonstrate runs show in a child process and returns what it printed.
// The child is this test binary, re-executed with -test.run naming t's test
// only: a demonstration's failure (goroutines left blocked for ever, a
// deadlocked bubble, a data race) stays in the child, out of reach of this
// process's goroutine-leak check and race detector. In the child,
// demonstrate calls show, prints demoDone and exits at once, before any
// check of the child's own could run; so show must print the evidence the
// caller looks for. It works from go test binaries whose TestMain, if any,
// calls m.Run.
func demonstrate(t *testing.T, show func()) string {
	t.Helper()
	if os.Getenv(demoChildEnv) == t.Name() {
		show()
		fmt.Println(demoDone)
		os.Exit(demoExit)
	}
	parts := strings.Split(t.Name(), "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	ctx, cancel := context.WithTimeout(context.Background(), demoTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run="+strings.Join(parts, "/"), "-test.count=1")
	cmd.Env = append(os.Environ(), demoChildEnv+"="+t.Name())
	out, err := cmd.CombinedOutput()
	if !strings.Contains(string(out), demoDone) {
		t.Fatalf("the demonstration's child process did not finish (%v):\n%s", err, out)
	}
	return string(out)
}
