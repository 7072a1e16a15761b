//go:build truth

package truth

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/work"
)

// Real targets: code that needs the runtime as real code does (the
// netpoller, Go's timers, another goroutine, a contended lock, the CPU),
// unlike the queue targets, whose service is a clock_nanosleep on their
// own thread. A generator that disturbs what it measures shows on these.

// realTarget is one of them: a function under load, and what releases it.
type realTarget struct {
	name  string
	call  func(ctx context.Context) error
	close func()
}

// serverEnv, set, makes the test binary serve HTTP instead of testing:
// the HTTP target's server is another process, as a user's would be.
const serverEnv = "CONCBENCH_TRUTH_HTTP_SERVER"

// maybeServe serves a no-op HTTP handler on loopback when the test binary
// runs as the HTTP target's server: it prints its address, and serves
// until its stdin closes (its parent ended).
func maybeServe() {
	if os.Getenv(serverEnv) == "" {
		return
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })}
	go srv.Serve(l) // ends with the process
	fmt.Println(l.Addr().String())
	io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

// httpServer starts the HTTP server process and returns its address and
// what stops it.
func httpServer(t *testing.T) (string, func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), serverEnv+"=1", "GOMAXPROCS=1")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.HasPrefix(addr, "error") {
		t.Fatalf("HTTP server: %q, %v", addr, err)
	}
	return strings.TrimSpace(addr), func() { in.Close(); cmd.Wait() }
}

// httpTarget GETs the no-op handler of another process on loopback, with
// keep-alive: a user's function doing I/O through the netpoller.
func httpTarget(t *testing.T) realTarget {
	addr, stop := httpServer(t)
	client := &http.Client{Transport: transport()}
	url := "http://" + addr + "/"
	return realTarget{"http", get(client, url), func() { client.CloseIdleConnections(); stop() }}
}

// sleepTarget sleeps 100 µs on Go's timer.
func sleepTarget() realTarget {
	return realTarget{"go-sleep-100us", func(context.Context) error { time.Sleep(100 * time.Microsecond); return nil }, func() {}}
}

// chanTarget hands a value to another goroutine and waits for its answer.
func chanTarget() realTarget {
	req, resp := make(chan int), make(chan int)
	var wg sync.WaitGroup
	wg.Go(func() {
		for v := range req {
			resp <- v + 1
		}
	})
	var mu sync.Mutex // one round trip at a time: the answer is the caller's
	return realTarget{"chan-roundtrip", func(context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		req <- 1
		<-resp
		return nil
	}, func() { close(req); wg.Wait() }}
}

// mutexTarget holds a sync.Mutex for 5 µs of CPU: contended when the
// clients' calls overlap.
func mutexTarget() realTarget {
	var mu sync.Mutex
	n := 5 * work.RoundsPerMicrosecond()
	return realTarget{"mutex-5us", func(context.Context) error {
		mu.Lock()
		work.Spin(n)
		mu.Unlock()
		return nil
	}, func() {}}
}

// cpuTarget burns 50 µs of CPU.
func cpuTarget() realTarget {
	n := 50 * work.RoundsPerMicrosecond()
	return realTarget{"cpu-50us", func(context.Context) error { work.Spin(n); return nil }, func() {}}
}
