// Package child starts child processes that cannot outlive concbench.
//
// A trial process or a benchmark binary left running after its parent died
// keeps burning a core under PID 1 and skews every later measurement on the
// machine. Each child started here is the leader of its own process group,
// which the parent kills on every exit path it controls, and on Linux it
// also gets SIGKILL from the kernel when the parent dies in a way it does
// not control (kill -9, an OOM kill).
package child

import (
	"os/exec"
	"runtime"
)

// Start starts cmd as the leader of a new process group (on Linux, with
// SIGKILL as its parent-death signal) and returns a channel that receives
// the result of cmd.Wait once the child has exited. The caller owns the
// goroutine that waits: it must receive from the channel on every path
// (after KillGroup, if it wants the child gone sooner).
//
// Linux sends the parent-death signal when the *thread* that started the
// child exits, not the process; the Go runtime may retire threads. So the
// goroutine that starts and waits for the child stays locked to its thread
// until the child has exited.
func Start(cmd *exec.Cmd) (<-chan error, error) {
	setAttr(cmd)
	started := make(chan error, 1)
	exited := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		exited <- cmd.Wait()
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return exited, nil
}

// KillGroup sends SIGKILL to the process group of a child started by
// Start: the child and anything it started. It is safe to call after the
// child has exited.
func KillGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		killGroup(cmd.Process.Pid)
	}
}
