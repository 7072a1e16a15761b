//go:build !failsafe

package breaker

// failsafeImpls returns no entry: see failsafe.go for why the failsafe
// variant needs -tags failsafe for now.
func failsafeImpls() []Impl { return nil }
