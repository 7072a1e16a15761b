package child

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// Alive reports whether process pid exists and is not a zombie (Linux
// /proc; elsewhere, whether it can be signalled). Tests use it to check
// that no child survives.
func Alive(pid int) bool {
	if data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
		// The state follows the command name, which is in parentheses and
		// may itself hold spaces or parentheses.
		s := string(data)
		if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
			return s[i+2] != 'Z' && s[i+2] != 'X'
		}
		return true
	}
	if _, err := os.Stat("/proc/self"); err == nil {
		return false // /proc exists and has no such process
	}
	p, err := os.FindProcess(pid)
	return err == nil && p.Signal(syscall.Signal(0)) == nil
}
