package scenarios

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"time"

	"github.com/concbench/concbench/internal/benchname"
	"github.com/concbench/concbench/internal/sidecar"
	"github.com/concbench/concbench/internal/work"
	"github.com/concbench/concbench/loadgen"
)

// TrialSpec is everything a trial process needs: it travels as JSON on the
// child's standard input.
type TrialSpec struct {
	Spec   Spec              `json:"spec"`
	Impl   string            `json:"impl"`
	Params map[string]string `json:"params"`
	Rate   float64           `json:"rate,omitempty"` // open loop: this trial's offered load
	// Sleeper (open loop) is this trial's load.sleeper choice: auto (also
	// ""), precise or go-timer.
	Sleeper string `json:"sleeper,omitempty"`
	Procs   int    `json:"procs,omitempty"` // GOMAXPROCS of the trial process; 0 leaves it alone
	Rep     int    `json:"rep"`
}

// Name is the benchmark name of the trial's results.
func (ts TrialSpec) Name(reg *Registry) string {
	return trialName(ts, reg)
}

// leakGrace is how long goroutines may take to return to the baseline after
// Close before the trial counts them as leaked.
const leakGrace = time.Second

// RunTrial runs one trial in this process and returns its record. Errors are
// for trials that could not start (a bad spec); a trial that ran but failed
// its checks returns a record with a non-ok status.
func RunTrial(ctx context.Context, ts TrialSpec, reg *Registry) (sidecar.Trial, error) {
	pat, ok := reg.Lookup(ts.Spec.Pattern)
	if !ok {
		return sidecar.Trial{}, fmt.Errorf("no pattern %q", ts.Spec.Pattern)
	}
	s := ts.Spec
	l := s.Load
	if l.Model == Open && !(ts.Rate > 0) {
		return sidecar.Trial{}, fmt.Errorf("scenario %s: an open-loop trial needs its rate (TrialSpec.Rate, set by Plan)", s.Name)
	}
	cfg := loadgen.Config{
		Clients: l.Clients, Think: l.Think.Duration, MaxInflight: l.MaxInflight,
		Duration: l.Duration.Duration, Warmup: l.Warmup.Duration,
	}
	floor := ts.Impl == FloorImpl
	if floor && l.Model != Open {
		return sidecar.Trial{}, fmt.Errorf("scenario %s: the harness floor is for open-loop scenarios only", s.Name)
	}
	if l.Model == Open {
		cfg.Model, cfg.Rate, cfg.Sleeper = loadgen.Open, ts.Rate, ts.Sleeper
		if l.Arrival == Poisson {
			cfg.Arrival = loadgen.Poisson
		}
	}
	tr := sidecar.Trial{
		Name: ts.Name(reg), Scenario: s.Name, Pattern: s.Pattern, Impl: ts.Impl,
		Params: ts.Params, Rep: ts.Rep, Model: string(l.Model), Status: sidecar.StatusOK,
		GOMAXPROCS: runtime.GOMAXPROCS(0), TargetRate: cfg.Rate, Floor: floor,
	}

	work.RoundsPerMicrosecond() // calibrate the CPU work before any clock runs
	op, startOutage := newOp(s.Work, s.Faults)
	var target *Target
	if floor {
		// The same schedule against nothing: no work, no faults.
		op, target = nil, noopTarget()
	} else {
		cfg.OnStart = startOutage
	}
	runtime.GC() // start every trial from the same heap state
	tr.BaselineGoroutines = runtime.NumGoroutine()
	if !floor {
		var err error
		if target, err = pat.New(ts.Impl, ts.Params, op); err != nil {
			return sidecar.Trial{}, err
		}
	}
	res, err := loadgen.RunTarget(ctx, cfg, loadgen.Target{Call: target.Call, Submit: target.Submit, Task: op, State: target.State})
	if err != nil && ctx.Err() == nil {
		target.Close()
		return sidecar.Trial{}, err
	}

	closeErr := target.Close()
	if target.Counters != nil {
		tr.Counters = target.Counters()
	}
	closedAt := time.Now()
	// Goroutines back to baseline within the grace period?
	for runtime.NumGoroutine() > tr.BaselineGoroutines && time.Since(closedAt) < leakGrace {
		time.Sleep(time.Millisecond)
	}
	tr.QuiesceNs = int64(time.Since(closedAt))
	tr.LeakedGoroutines = max(runtime.NumGoroutine()-tr.BaselineGoroutines, 0)

	tr.Latency, tr.Service, tr.Lateness = &sidecar.Hist{Histogram: res.Latency}, &sidecar.Hist{Histogram: res.Service}, &sidecar.Hist{Histogram: res.Lateness}
	tr.Ops, tr.WindowOps, tr.Issued, tr.Errors = res.Ops, res.WindowOps, res.Issued, res.Errors
	tr.Dropped, tr.Unstarted = res.Dropped, res.Unstarted
	if res.Wake != nil {
		tr.Wake = &sidecar.Hist{Histogram: res.Wake}
	}
	tr.SpinNs, tr.Sleeper = res.SpinNs, res.Sleeper
	tr.WindowNs, tr.ElapsedNs = res.Window.Nanoseconds(), res.Elapsed.Nanoseconds()
	tr.Series, tr.PeakGoroutines, tr.PeakStackBytes = res.Series, res.PeakGoroutines, res.PeakStackBytes
	switch {
	case ctx.Err() != nil:
		tr.Status, tr.Error = sidecar.StatusPartial, "interrupted"
	case closeErr != nil:
		tr.Status, tr.Error = sidecar.StatusCrashed, "Close: "+closeErr.Error()
	case tr.LeakedGoroutines > 0:
		tr.Status = sidecar.StatusLeaked
		tr.Error = fmt.Sprintf("%d goroutines above the baseline of %d, %v after Close", tr.LeakedGoroutines, tr.BaselineGoroutines, leakGrace)
	}
	if res.Behind != "" && tr.Error == "" {
		tr.Error = res.Behind
	}
	return tr, nil
}

func trialName(ts TrialSpec, reg *Registry) string {
	s := ts.Spec
	parts := []benchname.Part{benchname.P("scenario", s.Name), benchname.P("pattern", s.Pattern), benchname.P("impl", ts.Impl)}
	for _, p := range reg.mustLookup(s.Pattern).Params {
		v := ts.Params[p.Name]
		if p.OmitDefault && (v == p.Default || v == "") {
			continue
		}
		parts = append(parts, benchname.P(p.Name, v))
	}
	if len(s.Load.Rate) > 1 {
		parts = append(parts, benchname.P("rate", strconv.FormatFloat(ts.Rate, 'g', -1, 64)))
	}
	if len(s.Load.Sleeper) > 1 {
		parts = append(parts, benchname.P("sleeper", ts.Sleeper))
	}
	if len(s.GOMAXPROCS) > 0 {
		parts = append(parts, benchname.P("procs", ts.Procs))
	}
	return "Scenario/" + benchname.Join(parts...)
}
