//go:build !unix

package child

import (
	"os"
	"os/exec"
)

func setAttr(*exec.Cmd) {}

func killGroup(pid int) {
	if p, err := os.FindProcess(pid); err == nil {
		_ = p.Kill()
	}
}
