//go:build race

package conformance

// raceEnabled: this binary was built with -race.
const raceEnabled = true
