// Package cputime reads the process's CPU time: user and system, all its
// threads, from getrusage where the OS has it, else the Go runtime's own
// estimate.
package cputime
