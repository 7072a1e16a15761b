package breaker_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concbench/concbench/impl/breaker"
)

func impl(t *testing.T, name string) breaker.Impl {
	t.Helper()
	for _, i := range breaker.Impls() {
		if i.Name == name {
			return i
		}
	}
	t.Fatalf("no breaker %q", name)
	return breaker.Impl{}
}

// TestCallTimeout pins what the two timeout variants share and where they
// differ (fake time). Both answer a call still running at CallTimeout with
// a failure matching context.DeadlineExceeded. timeoutctx tells fn, through
// its ctx, so a fn that listens returns then; one deaf to its ctx holds the
// caller until it returns. timeoutafter answers the caller at CallTimeout
// whatever fn does, and tells fn nothing: fn's goroutine runs on until fn
// returns of its own accord, listening or not.
func TestCallTimeout(t *testing.T) {
	const timeout, deaf = 10 * time.Millisecond, 50 * time.Millisecond
	cfg := breaker.Config{FailuresToOpen: 1, OpenTimeout: time.Hour, HalfOpenProbes: 1, CallTimeout: timeout}
	tests := []struct {
		impl         string
		wantTold     bool          // a fn that listens to its ctx learns of the timeout
		wantDeafCall time.Duration // how long a call to a deaf fn holds its caller
	}{
		{impl: "timeoutctx", wantTold: true, wantDeafCall: deaf},
		{impl: "timeoutafter", wantTold: false, wantDeafCall: timeout},
	}
	for _, tt := range tests {
		t.Run(tt.impl+"/listening", func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				b := impl(t, tt.impl).New(cfg)
				defer b.Close()
				release, told := make(chan struct{}), make(chan bool, 1)
				start := time.Now()
				err := b.Execute(context.Background(), func(ctx context.Context) error {
					select {
					case <-ctx.Done():
						told <- true
						return ctx.Err()
					case <-release:
						told <- false
						return nil
					}
				})
				if took := time.Since(start); took != timeout || !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("Execute = %v after %v, want DeadlineExceeded after %v", err, took, timeout)
				}
				if s := b.State(); s != breaker.Open {
					t.Errorf("after a timed-out call with FailuresToOpen 1: %v, want open", s)
				}
				synctest.Wait()
				close(release) // frees fn if the timeout did not
				if got := <-told; got != tt.wantTold {
					t.Errorf("fn learned of the timeout through its ctx: %v, want %v", got, tt.wantTold)
				}
			})
		})
		t.Run(tt.impl+"/deaf", func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				b := impl(t, tt.impl).New(cfg)
				defer b.Close()
				start := time.Now()
				returned := make(chan struct{})
				_ = b.Execute(context.Background(), func(context.Context) error {
					defer close(returned)
					time.Sleep(deaf)
					return nil
				})
				if took := time.Since(start); took != tt.wantDeafCall {
					t.Errorf("a fn deaf to its ctx for %v: Execute returned after %v, want %v", deaf, took, tt.wantDeafCall)
				}
				<-returned // timeoutafter: fn's goroutine is still running until now
			})
		})
	}
}
