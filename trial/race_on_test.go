//go:build race

package trial

// raceEnabled: the race detector instruments every memory access of the
// harness (not of the spinning target), which swamps a measurement of
// CPU per operation.
const raceEnabled = true
