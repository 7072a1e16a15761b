package workerpool

import (
	"testing"
	"time"
)

func TestCloseGuard(t *testing.T) {
	var g closeGuard
	if !g.enter() {
		t.Fatal("enter on a new guard = false, want true")
	}
	closed := make(chan bool)
	go func() { closed <- g.close() }()
	// close must wait for the Submit inside. A wrong guard would be caught
	// here only if close returned within the wait; a right one always passes.
	select {
	case <-closed:
		t.Fatal("close returned while a Submit was between enter and exit")
	case <-time.After(10 * time.Millisecond):
	}
	g.exit()
	if !<-closed {
		t.Fatal("first close = false, want true")
	}
	if g.enter() {
		t.Fatal("enter after close = true, want false")
	}
	if g.close() {
		t.Fatal("second close = true, want false")
	}
}
