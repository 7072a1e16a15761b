package trial

import (
	"context"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/concbench/concbench/loadgen"
	"github.com/concbench/concbench/record"
	"github.com/concbench/concbench/targets"
)

// The solo reference: after the load, the trial runs its target's
// operation from one goroutine, one at a time, paced with time.Sleep to
// the scenario's rate (an open loop: 1/rate between calls, the target's
// mean gap under the load) or think time (a closed loop), at most soloOps
// times within a quarter of the window (between soloMinBudget and
// soloMaxBudget; the first always runs). Paced, not back to back: a
// target called 100 times a second goes idle between calls under any
// caller, and its wake-up (a loopback HTTP server's, say) is its own cost.
const (
	soloOps       = 32
	soloMinBudget = 20 * time.Millisecond
	soloMaxBudget = time.Second
)

// The disturbance bound. An open-loop trial at low load, where the
// target's expected operations in flight (rate × solo mean service time,
// Little's law) are at most lowLoad, has its service time's median
// compared with the solo reference's: beyond disturbRatio times it, plus
// disturbSlack (or below it by as much), the harness changed what it
// measured and the trial is flagged disturbed. An M/M/1 server at a load
// of 0.25 has a median response time 1/(1-0.25) = 1.33 times its
// service's, under the ratio: the target's own queueing at that load does
// not trip the flag. The slack covers what any caller's wake-up from idle
// costs a sub-10 µs operation (cold caches).
const (
	lowLoad      = 0.25
	disturbRatio = 1.5
	disturbSlack = 10 * time.Microsecond
	// minCompared is the fewest operations, under the load and alone, for
	// a median worth comparing.
	minCompared = 8
)

// soloReference runs the solo reference on the target and records it in
// tr. A target's counters (a breaker's downstream calls) must not count
// the reference's operations: it returns what they added, for
// [subtractCounts] once the counters are read after Close.
//
// It also returns, if not "", why the reference could not go on (see
// [loadgen.Solo]).
func soloReference(ctx context.Context, tr *record.Trial, target *targets.Target, lt loadgen.Target, gap time.Duration) (map[string]int64, string) {
	cfg := loadgen.SoloConfig{Ops: soloOps, Budget: min(max(time.Duration(tr.WindowNs)/4, soloMinBudget), soloMaxBudget), Gap: gap}
	var before map[string]int64
	if target.Counters != nil {
		before = target.Counters()
	}
	runtime.GC() // the load's garbage is not the reference's
	h, aborted := loadgen.Solo(ctx, lt, cfg)
	tr.SoloOps, tr.SoloP50Ns, tr.SoloMeanNs = int(h.TotalCount()), h.ValueAtQuantile(50), int64(h.Mean())
	if target.Counters == nil {
		return nil, aborted
	}
	added := target.Counters()
	for k, v := range before {
		added[k] -= v
	}
	return added, aborted
}

// subtractCounts removes from counts what the solo reference added.
func subtractCounts(counts, added map[string]int64) map[string]int64 {
	out := maps.Clone(counts)
	for k, v := range added {
		if _, ok := out[k]; ok {
			out[k] -= v
		}
	}
	return out
}

// disturbance says how the harness disturbed the trial's target, "" if
// it did not or the trial cannot tell (a closed loop, whose clients are
// the load; a load too high for the target to run as if alone; too few
// operations).
func disturbance(tr record.Trial) string {
	if tr.Model != "open" || tr.SoloOps < minCompared || tr.Service == nil || tr.Service.TotalCount() < minCompared {
		return ""
	}
	load := tr.TargetRate * float64(tr.SoloMeanNs) / 1e9
	if load > lowLoad {
		return ""
	}
	svc, solo := float64(tr.Service.ValueAtQuantile(50)), float64(tr.SoloP50Ns)
	slack := float64(disturbSlack)
	var how string
	switch {
	case svc > disturbRatio*solo+slack:
		how = "slowed"
	case svc < solo/disturbRatio-slack:
		how = "sped up"
	default:
		return ""
	}
	ratio := fmt.Sprintf("%.2g×", svc/solo)
	if svc/solo >= 10 {
		ratio = fmt.Sprintf("%.0f×", svc/solo)
	}
	return fmt.Sprintf("the harness %s its target: service p50 %s under the load, %s alone (%s), at %.2g operations in flight (bound %.2g× ± %s at up to %.2g in flight)",
		how, short(svc), short(solo), ratio, load, disturbRatio, short(slack), lowLoad)
}

// short writes ns nanoseconds with three significant digits: "2.9ms",
// "85.2µs", "640ns".
func short(ns float64) string {
	switch {
	case ns >= 1e6:
		return fmt.Sprintf("%.3gms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.3gµs", ns/1e3)
	}
	return fmt.Sprintf("%.3gns", ns)
}

// joinReasons joins the reasons a trial is disturbed, those that are set.
func joinReasons(reasons ...string) string {
	return strings.Join(slices.DeleteFunc(reasons, func(r string) bool { return r == "" }), "; ")
}
