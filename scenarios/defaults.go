package scenarios

import (
	"time"

	"github.com/concbench/concbench/loadgen"
)

// setDefaults fills in the fields that the file leaves out. A field it
// gives keeps its value, zero or empty included, for validation to judge.
func setDefaults(s *Spec, has func(string) bool) {
	def := func(field string, set func()) {
		if !has(field) {
			set()
		}
	}
	l := &s.Load
	def("load.model", func() { l.Model = loadgen.Closed })
	def("load.arrival", func() { l.Arrival = loadgen.Constant })
	def("load.clients", func() {
		l.Clients = 1
		if l.Model == loadgen.Closed {
			l.Clients = 8
		}
	})
	def("load.duration", func() { l.Duration.Duration = time.Second })
	def("work.kind", func() { s.Work.Kind = NoWork })
	def("work.dist", func() { s.Work.Dist = Fixed })
	def("work.sigma", func() { s.Work.Sigma = 1 })
	def("repeat", func() { s.Repeat = 3 })
	def("timeout", func() { s.Timeout.Duration = min(max(30*time.Second, trialNeed(*l)), MaxTimeout) })
}

// trialNeed is the least timeout of a trial: its warm-up, its window (twice
// it for an open loop, which may fall behind and stops issuing only then;
// for a closed one, with a think time after it, which a client may have
// begun as the window ends), the leak check's grace and a margin for
// process start and teardown. It saturates rather than overflow.
func trialNeed(l Load) time.Duration {
	windows, think := 1.0, float64(l.Think.Duration)
	if l.Model == loadgen.Open {
		windows, think = 2, 0
	}
	need := float64(l.Warmup.Duration) + windows*float64(l.Duration.Duration) + think + float64(LeakGrace+2*time.Second)
	if need >= float64(maxDuration) {
		return maxDuration
	}
	return time.Duration(need)
}

const maxDuration = time.Duration(1<<63 - 1)
