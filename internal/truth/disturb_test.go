//go:build truth

package truth

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/loadgen"
)

// TestDisturbanceExplore prints, for each real target, the service time
// under each sleeper, client count and rate, beside the target's service
// time alone (one client, a 10 ms think between calls). Exploration: it
// asserts nothing.
func TestDisturbanceExplore(t *testing.T) {
	if os.Getenv("TRUTH_EXPLORE") == "" {
		t.Skip("set TRUTH_EXPLORE=1 to explore")
	}
	only := os.Getenv("TRUTH_EXPLORE")
	for _, mk := range []func() realTarget{func() realTarget { return httpTarget(t) }, sleepTarget, chanTarget, mutexTarget, cpuTarget} {
		tg := mk()
		if only != "1" && !slices.ContainsFunc(strings.Split(only, ","), func(w string) bool { return strings.Contains(tg.name, w) }) {
			tg.close()
			continue
		}
		ref, err := loadgen.Run(context.Background(), loadgen.Config{Model: loadgen.Closed, Clients: 1, Think: 10 * time.Millisecond, Duration: time.Second, Warmup: 100 * time.Millisecond}, tg.call)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("%-16s reference: svc p50 %8v p99 %8v\n", tg.name, dur(ref.Service.ValueAtQuantile(50)), dur(ref.Service.ValueAtQuantile(99)))
		for _, clients := range []int{1, 8, 32} {
			for _, rate := range []float64{100, 1000} {
				for _, sl := range sleepers() {
					res, err := loadgen.Run(context.Background(), loadgen.Config{Model: loadgen.Open, Rate: rate, Clients: clients, Sleeper: sl, Duration: time.Second, Warmup: 100 * time.Millisecond}, tg.call)
					if err != nil {
						t.Fatal(err)
					}
					fmt.Printf("%-16s c=%-2d r=%-5g %-9s svc p50 %8v p99 %8v  lat p50 %8v p99 %8v  wake p50 %8v\n", tg.name, clients, rate, sl,
						dur(res.Service.ValueAtQuantile(50)), dur(res.Service.ValueAtQuantile(99)),
						dur(res.Latency.ValueAtQuantile(50)), dur(res.Latency.ValueAtQuantile(99)), dur(res.Wake.ValueAtQuantile(50)))
				}
			}
		}
		tg.close()
	}
}

func dur(ns int64) time.Duration { return time.Duration(ns).Round(time.Microsecond) }

func sleepers() []string {
	if s := os.Getenv("TRUTH_SLEEPERS"); s != "" {
		return strings.Split(s, ",")
	}
	return []string{loadgen.SleepGoTimer, loadgen.SleepPrecise, loadgen.SleepPoll}
}
