// Package record holds the record of one trial ([Trial]) and its
// JSON-lines sidecar, the file that travels next to a benchfmt results
// file and holds what one scalar cannot: per trial, its status, its
// latency histograms as HDR snapshots (which merge exactly across trials,
// processes and shards) and its runtime time series on one clock.
//
// The scenario driver writes it; the report reads it. A results file
// "x.txt" has its sidecar at "x.jsonl" ([Path]). Reading trusts nothing
// in it: a histogram's header is checked before anything is allocated for
// its counts ([CheckEncoded], [Budget]).
//
// In the layers it sits just above internal/*, beside impl/*: it imports
// only the standard library, third-party modules and internal/*, and must
// not import impl/* or any concbench package above it (units, loadgen,
// targets, scenarios, trial, harness, compare, report, runbench), all of
// which may read and write records.
package record
