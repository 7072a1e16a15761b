package targets

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/concbench/concbench/impl/breaker"
	"github.com/concbench/concbench/loadgen"
)

// breakerPattern: one operation is one Execute of the scenario's work, which
// stands for a downstream call; faults make the downstream fail.
func breakerPattern(impls []breaker.Impl) Pattern {
	infos, find := registry("breaker", impls, func(i breaker.Impl) ImplInfo {
		return ImplInfo{Name: i.Name, Doc: i.Doc, Origin: i.New, Demo: i.Demo, Keeps: i.Deviations.RegistryGoroutines}
	})
	return Pattern{
		Name:   "breaker",
		Doc:    "Execute(ctx, fn): closed, open after N consecutive failures, half-open probes",
		Impls:  infos,
		Faults: true,
		Params: []Param{
			newParam("failures", "5", "consecutive failures that open the breaker", intRange(1, maxBreakerCount)),
			newParam("open", "20ms", "open timeout before half-open", durationRange(time.Nanosecond, maxParamDuration)),
			newParam("probes", "1", "concurrent calls allowed half-open", intRange(1, maxBreakerCount)),
			newParam("calltimeout", "5ms", "the per-call timeout of the variants that impose one (seed, timeoutafter: time.After; timeoutctx: context.WithTimeout)", durationRange(time.Nanosecond, maxParamDuration)),
		},
		New: func(name string, params map[string]string, op Op) (*Target, error) {
			impl, err := find(name)
			if err != nil {
				return nil, err
			}
			b := impl.New(breaker.Config{
				FailuresToOpen: atoi(params, "failures"),
				OpenTimeout:    duration(params, "open"),
				HalfOpenProbes: atoi(params, "probes"),
				CallTimeout:    duration(params, "calltimeout"),
			})
			var calls, failures, rejected atomic.Int64
			fn := func(ctx context.Context) error {
				calls.Add(1)
				err := op(ctx)
				if err != nil {
					failures.Add(1)
				}
				return err
			}
			return &Target{
				Target: loadgen.Target{
					Call: func(ctx context.Context) error {
						err := b.Execute(ctx, fn)
						if errors.Is(err, breaker.ErrRejected) {
							rejected.Add(1)
						}
						return err
					},
					State: func() string { return b.State().String() },
				},
				Close: b.Close,
				// A breaker registered in its library (hystrix) leaves its
				// goroutines there for the life of the process, by design.
				Keeps: impl.Deviations.RegistryGoroutines,
				Counters: func() map[string]int64 {
					return map[string]int64{"rejected": rejected.Load(), "downstream-calls": calls.Load(), "downstream-failures": failures.Load()}
				},
			}, nil
		},
	}
}
