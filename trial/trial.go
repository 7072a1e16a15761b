package trial

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"time"

	"github.com/concbench/concbench/internal/benchname"
	"github.com/concbench/concbench/internal/noise"
	"github.com/concbench/concbench/internal/work"
	"github.com/concbench/concbench/loadgen"
	"github.com/concbench/concbench/record"
	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"
)

// Spec is everything a trial process needs: the scenario and the trial's
// point in it. It travels as JSON to the child (see [Read]).
type Spec struct {
	Scenario scenarios.Spec `json:"spec"`
	scenarios.Point
}

// Parts returns the key=value parts that name the trial beyond its
// scenario, pattern and implementation, in name order: the pattern's
// parameters (those that always name a trial, and the others where they
// differ from their default), then the rate, sleeper and GOMAXPROCS where
// the scenario lists several.
func (ts Spec) Parts(reg *targets.Registry) []record.Part {
	s := ts.Scenario
	var parts []record.Part
	for _, p := range reg.MustLookup(s.Pattern).Params {
		v := ts.Params[p.Name]
		if p.OmitDefault && (v == p.Default || v == "") {
			continue
		}
		parts = append(parts, record.Part{Key: p.Name, Value: v})
	}
	if len(s.Load.Rate) > 1 {
		parts = append(parts, record.Part{Key: "rate", Value: strconv.FormatFloat(ts.Rate, 'g', -1, 64)})
	}
	if len(s.Load.Sleeper) > 1 {
		parts = append(parts, record.Part{Key: "sleeper", Value: ts.Sleeper})
	}
	if len(s.GOMAXPROCS) > 0 {
		parts = append(parts, record.Part{Key: "procs", Value: strconv.Itoa(ts.Procs)})
	}
	return parts
}

// Name is the benchmark name of the trial's results.
func (ts Spec) Name(reg *targets.Registry) string {
	return name(ts.Scenario.Name, ts.Scenario.Pattern, ts.Impl, ts.Parts(reg))
}

// name builds a scenario trial's benchmark name from its fields, in the
// one place names are built (package benchname): it panics on a part that
// a name cannot hold, which every caller has validated.
func name(scenario, pattern, impl string, parts []record.Part) string {
	bp := []benchname.Part{benchname.P("scenario", scenario), benchname.P("pattern", pattern), benchname.P("impl", impl)}
	for _, p := range parts {
		bp = append(bp, benchname.Part(p))
	}
	return record.ScenarioPrefix + benchname.Join(bp...)
}

// Record returns the record of ts that its run fills in: its identity,
// and no status yet. A trial that produced no record of its own (it hung,
// crashed or was cut short) is reported as this with a status.
func (ts Spec) Record(reg *targets.Registry) record.Trial {
	parts := ts.Parts(reg)
	return record.Trial{
		Name: name(ts.Scenario.Name, ts.Scenario.Pattern, ts.Impl, parts), Parts: parts,
		Scenario: ts.Scenario.Name, Pattern: ts.Scenario.Pattern, Impl: ts.Impl,
		Params: ts.Params, Rep: ts.Rep, Model: ts.Scenario.Load.Model.String(),
	}
}

// Run runs one trial in this process and returns its record. Errors are
// for trials that could not start (a bad spec); a trial that ran but
// failed its checks returns a record with a status other than ok.
//
// After the load, Close must return and the goroutines go back to the
// pre-trial baseline within scenarios.LeakGrace, or the trial is leaked.
func Run(ctx context.Context, ts Spec, reg *targets.Registry) (record.Trial, error) {
	pat, ok := reg.Lookup(ts.Scenario.Pattern)
	if !ok {
		return record.Trial{}, fmt.Errorf("no pattern %q", ts.Scenario.Pattern)
	}
	cfg, err := loadConfig(ts)
	if err != nil {
		return record.Trial{}, err
	}
	tr := ts.Record(reg)
	tr.Status, tr.GOMAXPROCS, tr.TargetRate = record.StatusOK, runtime.GOMAXPROCS(0), cfg.Rate
	tr.Floor = ts.Impl == targets.FloorImpl

	if ts.Scenario.Work.Kind == scenarios.CPUWork {
		work.RoundsPerMicrosecond() // calibrate the CPU work (about 10 ms) before any clock runs
	}
	op, startOutage := newOp(ts.Scenario.Work, ts.Scenario.Faults)
	if !tr.Floor {
		cfg.OnStart = startOutage
	}
	runtime.GC() // start every trial from the same heap state
	tr.BaselineGoroutines = runtime.NumGoroutine()
	leaks := declares(reg, ts, record.StatusLeaked)
	var before map[string]bool // the goroutines that are not the trial's
	if leaks {
		before = goroutineIDs(allStacks())
	}
	target, lt, err := newTarget(pat, ts, op, tr.Floor)
	if err != nil {
		return record.Trial{}, err
	}
	machineBefore := noise.Take()
	res, err := loadgen.RunTarget(ctx, cfg, lt)
	machine := noise.Between(machineBefore, noise.Take())
	tr.Noise = &machine
	if err != nil && ctx.Err() == nil {
		target.Close()
		return record.Trial{}, err
	}
	fill(&tr, res)
	// The solo reference of an open loop, where the disturbance rule
	// applies; a closed loop's clients are its load.
	var soloAdded map[string]int64
	if cfg.Model == loadgen.Open {
		var aborted string
		soloAdded, aborted = soloReference(ctx, &tr, target, lt, soloGap(cfg))
		if res.Aborted == "" {
			res.Aborted = aborted
		}
	}
	closeErr := target.Close()
	if target.Counters != nil {
		tr.Counters = subtractCounts(target.Counters(), soloAdded)
	}
	tr.KeptGoroutines = target.Keeps
	quiesce(&tr, leaks, before)
	tr.Disturbed = joinReasons(disturbance(tr), machine.Disturbed(tr.GOMAXPROCS))
	tr.Status, tr.Error = status(ctx, closeErr, tr, res, ts.Scenario.ErrorBudget)
	return tr, nil
}

// newTarget builds the trial's target, with op as its work: the
// implementation's, or for the floor the same schedule against the
// floor's echo (no work, no faults).
func newTarget(pat *targets.Pattern, ts Spec, op targets.Op, floor bool) (*targets.Target, loadgen.Target, error) {
	if floor {
		target := targets.Floor()
		return target, target.Target, nil
	}
	target, err := pat.New(ts.Impl, ts.Params, op)
	if err != nil {
		return nil, loadgen.Target{}, err
	}
	lt := target.Target
	lt.Task = op
	return target, lt, nil
}

// soloGap is the pause between the solo reference's calls: the target's
// mean gap under the load.
func soloGap(cfg loadgen.Config) time.Duration {
	if cfg.Model == loadgen.Open {
		return time.Duration(1e9 / cfg.Rate)
	}
	return cfg.Think
}

// loadConfig is the generator's configuration of ts.
func loadConfig(ts Spec) (loadgen.Config, error) {
	s := ts.Scenario
	l := s.Load
	cfg := loadgen.Config{
		Model: l.Model, Clients: l.Clients, Think: l.Think.Duration, MaxInflight: l.MaxInflight,
		Duration: l.Duration.Duration, Warmup: l.Warmup.Duration,
	}
	if l.Model != loadgen.Open {
		if ts.Impl == targets.FloorImpl {
			return cfg, fmt.Errorf("scenario %s: the harness floor is for open-loop scenarios only", s.Name)
		}
		return cfg, nil
	}
	if !(ts.Rate > 0) {
		return cfg, fmt.Errorf("scenario %s: an open-loop trial needs its rate (Point.Rate, set by the plan)", s.Name)
	}
	cfg.Rate, cfg.Arrival, cfg.Sleeper = ts.Rate, l.Arrival, ts.Sleeper
	return cfg, nil
}

// quiesce waits, up to scenarios.LeakGrace after the target's Close, for
// the goroutines to return to the trial's baseline (plus those the target
// keeps by design), and records how long it took and how many stayed.
//
// For a demonstration that declares it leaks (leaks), it stops waiting as
// soon as the goroutines left running the implementation's code have been
// blocked where only another goroutine could wake them, unchanged, for
// stuckSamples looks stuckEvery/5 apart (see stuckSignature): nothing is
// left to end them.
func quiesce(tr *record.Trial, leaks bool, before map[string]bool) {
	closedAt := time.Now()
	base := tr.BaselineGoroutines + tr.KeptGoroutines
	prev, same, next := "", 0, closedAt
	for runtime.NumGoroutine() > base && time.Since(closedAt) < scenarios.LeakGrace {
		time.Sleep(time.Millisecond)
		if !leaks || time.Now().Before(next) {
			continue
		}
		next = time.Now().Add(stuckEvery / 5)
		sig, ok := stuckSignature(allStacks(), false, before)
		switch {
		case !ok:
			prev, same = "", 0
		case sig == prev:
			same++
		default:
			prev, same = sig, 1
		}
		if same >= stuckSamples {
			break
		}
	}
	tr.QuiesceNs = int64(time.Since(closedAt))
	tr.LeakedGoroutines = max(runtime.NumGoroutine()-base, 0)
}

// fill copies what the generator measured into the record.
func fill(tr *record.Trial, res loadgen.Result) {
	tr.Latency, tr.Service, tr.Lateness = &record.Hist{Histogram: res.Latency}, &record.Hist{Histogram: res.Service}, &record.Hist{Histogram: res.Lateness}
	if res.Wake != nil {
		tr.Wake = &record.Hist{Histogram: res.Wake}
	}
	tr.Ops, tr.WindowOps, tr.Issued, tr.Errors = res.Ops, res.WindowOps, res.Issued, res.Errors
	tr.Dropped, tr.Unstarted = res.Dropped, res.Unstarted
	tr.SpinNs, tr.Sleeper = res.SpinNs, res.Sleeper
	tr.WindowNs, tr.ElapsedNs = res.Window.Nanoseconds(), res.Elapsed.Nanoseconds()
	tr.Series, tr.PeakGoroutines, tr.PeakStackBytes = res.Series, res.PeakGoroutines, res.PeakStackBytes
	tr.Cost = res.Cost
}

// status is the trial's status and why it is not ok.
func status(ctx context.Context, closeErr error, tr record.Trial, res loadgen.Result, budget *float64) (string, string) {
	st, why := record.StatusOK, ""
	switch {
	case ctx.Err() != nil:
		st, why = record.StatusPartial, "interrupted"
	case res.Aborted != "":
		st, why = record.StatusCrashed, res.Aborted
	case closeErr != nil:
		st, why = record.StatusCrashed, "Close: "+closeErr.Error()
	case tr.LeakedGoroutines > 0:
		st = record.StatusLeaked
		why = fmt.Sprintf("%d goroutines above the baseline of %d, %v after Close", tr.LeakedGoroutines, tr.BaselineGoroutines, time.Duration(tr.QuiesceNs).Round(time.Millisecond))
		if time.Duration(tr.QuiesceNs) < scenarios.LeakGrace {
			why += ", blocked on channels or locks where nothing is left to wake them (detected, not waited out to the leak grace)"
		}
		if tr.KeptGoroutines > 0 {
			why += fmt.Sprintf(" (beyond the %d its library keeps by design)", tr.KeptGoroutines)
		}
	case budget != nil && tr.Ops > 0 && float64(tr.Errors) > *budget*float64(tr.Ops):
		st = record.StatusErrors
		why = fmt.Sprintf("%d of %d operations failed (%.3g%%), over the scenario's error budget of %.3g%%", tr.Errors, tr.Ops, 100*float64(tr.Errors)/float64(tr.Ops), 100**budget)
	}
	if why == "" {
		why = res.Behind
	}
	return st, why
}
