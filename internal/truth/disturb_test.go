//go:build truth

package truth

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/loadgen"
)

// The disturbance rule of the trials (package trial): at low load, a
// service median within disturbRatio times the solo reference's, plus
// disturbSlack, either way.
const (
	lowLoad      = 0.25
	disturbRatio = 1.5
	disturbSlack = 10e3 // ns
)

// realTargets are the targets that need the runtime as real code does.
func realTargets(t *testing.T) []realTarget {
	return []realTarget{httpTarget(t), sleepTarget(), chanTarget(), mutexTarget(), cpuTarget()}
}

// solo is the reference of the trials: one goroutine, one call at a
// time, paced with time.Sleep to the rate's mean gap, for up to a second.
func solo(tg realTarget, rate float64) (p50, mean float64) {
	h, _ := loadgen.Solo(context.Background(), loadgen.Target{Call: tg.call},
		loadgen.SoloConfig{Ops: 300, Budget: time.Second, Gap: time.Duration(1e9 / rate)})
	return float64(h.ValueAtQuantile(50)), h.Mean()
}

// openRun runs tg in an open loop for a second and returns its service
// median and the whole result.
func openRun(t *testing.T, tg realTarget, rate float64, clients int, sleeper string) (float64, loadgen.Result) {
	res, err := loadgen.Run(context.Background(), loadgen.Config{Model: loadgen.Open, Rate: rate, Clients: clients, Sleeper: sleeper,
		Duration: time.Second, Warmup: 100 * time.Millisecond}, tg.call)
	if err != nil {
		t.Fatal(err)
	}
	return float64(res.Service.ValueAtQuantile(50)), res
}

func within(svc, ref float64) bool {
	return svc <= disturbRatio*ref+disturbSlack && svc >= ref/disturbRatio-disturbSlack
}

// notDisturbing: each real target at 100, 1000 and 10000 calls a second,
// from 1, 8 and 32 clients with the default sleeper, must keep its solo
// service time (measured just before, in the same run) within the trials'
// disturbance rule wherever the load is low; at a higher load the
// target's own queueing moves it, and the row informs. A user's function
// doing I/O (the HTTP target) must be measured the same with 1 and 32
// clients at low load: service medians within 20%.
func notDisturbing(t *testing.T, add func(row)) {
	tgs := realTargets(t)
	defer func() {
		for _, tg := range tgs {
			tg.close()
		}
	}()
	for _, tg := range tgs {
		for _, rate := range []float64{100, 1000, 10000} {
			ref, mean := solo(tg, rate)
			load := rate * mean / 1e9
			var svcs []string
			pass := true
			for _, c := range []int{1, 8, 32} {
				svc, res := openRun(t, tg, rate, c, loadgen.SleepAuto)
				pass = pass && within(svc, ref)
				svcs = append(svcs, fmt.Sprintf("%s (%s)", us(svc), res.Sleeper))
			}
			add(row{
				name:     fmt.Sprintf("not disturbing: %s at %.0f/s, 1/8/32 clients, 1 s each", tg.name, rate),
				theory:   fmt.Sprintf("service p50 as alone: %s (solo, paced to the rate; %.2g in flight)", us(ref), load),
				measured: "service p50 " + strings.Join(svcs, " / "), tolerance: fmt.Sprintf("%.1f× ± %s", disturbRatio, us(disturbSlack)),
				pass: pass, info: load > lowLoad,
				why: fmt.Sprintf("The trials' disturbance rule (package trial): at up to %.2g operations in flight (rate × solo mean), an M/M/1 server's median response is at most 1.33× its service's, under %.1f×; "+
					"the %s covers a sub-10 µs operation's wake-up from idle. Above that load the target queues for itself and the row only informs.", lowLoad, disturbRatio, us(disturbSlack)),
			})
			if tg.name == "http" && rate <= 1000 {
				clientsAlike(t, tg, rate, load, add)
			}
		}
	}
	precise(t, tgs[0], add)
}

// clientsAlike: a user's function doing I/O (the HTTP target), at low
// load, must be measured the same with 1 and 32 clients: service medians
// within 20%, the medians of five interleaved rounds of 1 s each (one
// second's median of a loopback round trip moves by a quarter from run to
// run on the shared VM; the rounds' median does not).
func clientsAlike(t *testing.T, tg realTarget, rate, load float64, add func(row)) {
	const rounds = 5
	var one, many []float64
	for range rounds {
		svc, _ := openRun(t, tg, rate, 1, loadgen.SleepAuto)
		one = append(one, svc)
		svc, _ = openRun(t, tg, rate, 32, loadgen.SleepAuto)
		many = append(many, svc)
	}
	o, m := median(one), median(many)
	d := m/o - 1
	add(row{
		name:   fmt.Sprintf("same with 1 or 32 clients: http at %.0f/s, %d interleaved rounds of 1 s", rate, rounds),
		theory: fmt.Sprintf("service p50 with 32 clients = with 1: %s (rounds: %s)", us(o), list(one)), measured: fmt.Sprintf("%s (%+.0f%%; rounds: %s)", us(m), 100*d, list(many)),
		tolerance: "±20%", pass: math.Abs(d) <= 0.2, info: load > lowLoad,
		why: "The issue's bar: a user's function doing I/O, at low load, measured the same whatever the number of clients that share the rate. The medians of interleaved rounds, so that the machine's drift hits both alike.",
	})
}

// precise is the rule's negative control: the precise sleeper, whose
// clients hold their processors in clock_nanosleep, at 8 clients and
// 1000/s slows the HTTP target beyond the rule, and the check must see it.
func precise(t *testing.T, tg realTarget, add func(row)) {
	if !loadgen.PreciseAvailable() {
		return
	}
	ref, _ := solo(tg, 1000)
	svc, _ := openRun(t, tg, 1000, 8, loadgen.SleepPrecise)
	add(row{
		name:   "disturbance control: http at 1000/s, 8 clients, the precise sleeper",
		theory: fmt.Sprintf("service p50 as alone: %s", us(ref)), measured: fmt.Sprintf("service p50 %s (%.1f×)", us(svc), svc/ref),
		tolerance: fmt.Sprintf("%.1f× ± %s", disturbRatio, us(disturbSlack)), pass: within(svc, ref), mustFail: true,
		why: "The sleeper that auto chose before: each client parks its locked thread in clock_nanosleep while holding a processor, so the HTTP client's goroutines, woken by the netpoller, wait for sysmon to retake one. The check must reject it, or it could not see a disturbing generator.",
	})
}

// median is the median of xs.
func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
