//go:build truth && !linux

package truth

import "time"

// serve waits d through Go's timer (no finer sleep here); the caller
// measures what it took.
func serve(d time.Duration) { time.Sleep(d) }
