//go:build !amd64

package gobench

// brandString is "" off amd64, where go test reads /proc/cpuinfo too (on
// 386 it would use CPUID; this runner does not).
func brandString() string { return "" }
