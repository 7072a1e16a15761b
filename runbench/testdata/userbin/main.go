// Command userbin is runbench with functions that behave like programs,
// not libraries: they print, exit, end their goroutine, start a process
// that holds the trial's output. The tests of program_test.go run it.
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"github.com/concbench/concbench/runbench"
)

func main() {
	mib := strings.Repeat("x", 1<<20-1) + "\n"
	var sleeper *exec.Cmd
	runbench.Main(runbench.Config{Funcs: []runbench.Func{
		{Name: "prints", Doc: "prints in Setup and in every call",
			Setup: func() error { fmt.Println("hello from Setup"); return nil },
			Call:  func(context.Context) error { fmt.Println("a call"); return nil }},
		{Name: "floods", Doc: "writes 1 MiB to stdout per call",
			Call: func(context.Context) error { _, err := os.Stdout.WriteString(mib); return err }},
		{Name: "exits", Doc: "calls os.Exit(0)",
			Call: func(context.Context) error { os.Exit(0); return nil }},
		{Name: "goexit", Doc: "calls runtime.Goexit",
			Call: func(context.Context) error { runtime.Goexit(); return nil }},
		{Name: "grandchild", Doc: "starts a process that keeps the trial's output open",
			Setup: func() error {
				sleeper = exec.Command("sleep", "30")
				sleeper.Stdout, sleeper.Stderr = os.Stdout, os.Stderr
				return sleeper.Start()
			},
			Call: func(context.Context) error { return nil }},
	}})
}
