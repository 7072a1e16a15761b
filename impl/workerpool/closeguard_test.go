package workerpool

import (
	"testing"
	"time"
)

func TestCloseGuard(t *testing.T) {
	var g CloseGuard
	if !g.Enter() {
		t.Fatal("enter on a new guard = false, want true")
	}
	closed := make(chan bool)
	go func() { closed <- g.Close() }()
	// close must wait for the Submit inside. A wrong guard would be caught
	// here only if close returned within the wait; a right one always passes.
	select {
	case <-closed:
		t.Fatal("close returned while a Submit was between enter and exit")
	case <-time.After(10 * time.Millisecond):
	}
	g.Exit()
	if !<-closed {
		t.Fatal("first close = false, want true")
	}
	if g.Enter() {
		t.Fatal("enter after close = true, want false")
	}
	if g.Close() {
		t.Fatal("second close = true, want false")
	}
}
