// Package bench holds the go test benchmarks of every implementation family,
// named key=value so that benchstat can pivot them:
//
//	go test -run '^$' -bench WorkerPool ./bench > new.txt
//	go tool benchstat -col /impl new.txt
//
// Each benchmark runs benchsuite over the family's registry; the
// suite benchmarks each family beside the floor its performance target is
// measured against (impl=rawchan: the same work through a plain buffered
// channel, no contract at all; impl=serial for fan-out; impl=none for
// breakers). A module's own implementations run the same sub-benchmarks by
// calling benchsuite from its own benchmarks.
//
// The worker pools run twice: BenchmarkWorkerPool has each pool at its own
// default capacity (tasks held at once, running and queued), and
// BenchmarkWorkerPoolCapacity compares them at equal capacity, workers and
// 2×workers, with the floor at the same capacity in every row:
//
//	go test -run '^$' -bench 'WorkerPoolCapacity/.*/.*/.*/work=none' ./bench > cap.txt
//	go tool benchstat -col /impl cap.txt
//
// Two more read beside them: BenchmarkClock (benchsuite.Clock), the cost of
// the clock reads that each breaker's doc comment counts on its paths, and
// BenchmarkAdapter, each third-party entry's library called bare against
// concbench's adapter of it (-col /way), to show what the contract costs on
// top:
//
//	go test -run '^$' -bench 'Breaker|Clock|Adapter' -cpu 1,2 -count 6 ./bench > new.txt
//	go tool benchstat -filter '.name:Adapter' -col /way new.txt
//
// `runbench bench` runs every benchmark here but BenchmarkAdapter, the same
// leaves (benchsuite's ...Benches lists) under the same names and pkg:
// line, without go test and from any folder, over its binary's registry: a
// module's own runbench (runbench.Main) adds its implementations. The
// adapter benchmarks are concbench's own business, about its adapters and
// their libraries, and run under go test only, in a checkout:
//
//	go test -run '^$' -bench Adapter ./bench/
package bench
