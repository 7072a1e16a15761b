package child

import (
	"bufio"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestKillGroupKillsGrandchildren starts a shell that starts a sleep of its
// own, and checks that KillGroup ends both.
func TestKillGroupKillsGrandchildren(t *testing.T) {
	cmd := exec.Command("sh", "-c", "sleep 60 & echo $!; wait")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	exited, err := Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		KillGroup(cmd)
		<-exited
		t.Fatal(err)
	}
	grandchild, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatal(err)
	}
	KillGroup(cmd)
	<-exited
	// The grandchild's parent (the shell) is gone, so init or a subreaper
	// reaps it; until then it is a zombie, which counts as dead.
	for i := 0; i < 1000 && Alive(grandchild); i++ {
		time.Sleep(5 * time.Millisecond)
	}
	if Alive(grandchild) {
		t.Errorf("grandchild %d survived KillGroup", grandchild)
	}
}
