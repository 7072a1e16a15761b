// Package examples holds mybench, a user's module in miniature (its own
// go.mod), and the test that builds and runs it as a user would: see
// mybench/README.md.
package examples
