//go:build unix && !linux

package child

import (
	"os/exec"
	"syscall"
)

// setAttr gives the child its own process group. Outside Linux there is no
// parent-death signal: a child outlives a parent killed with SIGKILL.
func setAttr(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
}

func killGroup(pid int) { _ = syscall.Kill(-pid, syscall.SIGKILL) }
