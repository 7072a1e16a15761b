// Package bench holds the go test benchmarks of every implementation family,
// named key=value so that benchstat can pivot them:
//
//	go test -run '^$' -bench WorkerPool ./bench > new.txt
//	go tool benchstat -col /impl new.txt
//
// Each family is benchmarked beside the floor its performance target is
// measured against (impl=rawchan: the same work through a plain buffered
// channel, no contract at all).
package bench
