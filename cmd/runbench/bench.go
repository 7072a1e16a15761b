package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"concbench/internal/atomicfile"
)

func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	count := fs.Int("count", 6, "runs of each benchmark (benchstat wants >= 6 for a confidence interval)")
	cpu := fs.String("cpu", "", "GOMAXPROCS `LIST` for go test -cpu, e.g. 1,2,4")
	pattern := fs.String("bench", ".", "go test -bench `REGEXP`, e.g. WorkerPool or 'Breaker/.*/path=closed'")
	benchtime := fs.String("benchtime", "", "go test -benchtime, e.g. 200ms or 1000x")
	out := fs.String("o", "", "results `FILE` (default: results/local/bench-<UTC time>.txt)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: runbench bench [flags]

Runs 'go test -run ^$ -bench' over ./bench/... from the module root (the Go
toolchain must be installed) and writes its output, which benchstat and
'runbench report' read, to a results file. Prints the file's path.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *count < 1 {
		return usageError{fmt.Errorf("bench: -count %d: want at least 1", *count)}
	}
	path := *out
	if path == "" {
		path = filepath.Join("results", "local", "bench-"+time.Now().UTC().Format("20060102-150405")+".txt")
	}
	goArgs := []string{"test", "-run", "^$", "-bench", *pattern, "-count", strconv.Itoa(*count)}
	if *cpu != "" {
		goArgs = append(goArgs, "-cpu", *cpu)
	}
	if *benchtime != "" {
		goArgs = append(goArgs, "-benchtime", *benchtime)
	}
	goArgs = append(goArgs, "./bench/...")
	var buf bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", goArgs...)
	cmd.Stdout = io.MultiWriter(&buf, stderr)
	cmd.Stderr = stderr
	fmt.Fprintf(stderr, "go %v\n", goArgs)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("bench: go test: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := atomicfile.Write(path, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "results: %s\n", path)
	return nil
}
