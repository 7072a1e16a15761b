// Package breaker holds competing implementations of one circuit-breaker
// contract.
//
// The contract, which the conformance suite checks for every entry of [Impls]:
//
//   - Closed: calls pass. [Config.FailuresToOpen] consecutive failures open the
//     breaker.
//   - Open: Execute returns at once an error matching errors.Is(err,
//     [ErrRejected]) and does not call fn, until [Config.OpenTimeout] has
//     passed since the breaker opened; then it is half-open.
//   - Half-open: at most [Config.HalfOpenProbes] calls (probes) run fn at
//     once; the others are rejected with ErrRejected. A probe that succeeds
//     closes the breaker; one that fails reopens it.
//   - fn runs on the caller's goroutine with the caller's ctx, and Execute
//     returns fn's error unchanged. An error is a failure, including
//     [context.DeadlineExceeded]; [context.Canceled] while the caller's ctx is
//     canceled counts as neither success nor failure (the caller gave up; the
//     callee told us nothing).
//   - A panic in fn is a failure: the breaker counts it as one (a panicking
//     probe reopens a half-open breaker) and the panic goes on up the
//     caller's stack, on the caller's goroutine, with the same value. A
//     variant that runs fn on a goroutine of its own recovers the panic there
//     and panics again with the value on the caller's goroutine.
//   - The breaker starts no goroutine that outlives a call.
//   - A result counts only toward the state in which its call started: a
//     call that started before a state change (a generation) is ignored.
//   - State reports the state the next call would see: Open turns into
//     HalfOpen once the timeout has passed, without a call.
//
// An implementation that cannot keep a point declares it in its [Impl] entry;
// the suite then checks the declared behaviour instead.
package breaker

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// State is the state of a breaker.
type State int

// The states of a breaker. The order is the guide's.
const (
	Closed State = iota
	Open
	HalfOpen
)

func (s State) String() string {
	switch s {
	case Closed:
		return "closed"
	case Open:
		return "open"
	case HalfOpen:
		return "half-open"
	default:
		return fmt.Sprintf("State(%d)", int(s))
	}
}

// Config configures a breaker. Every field except CallTimeout must be at
// least 1; New panics otherwise (a programmer error).
type Config struct {
	FailuresToOpen int           // consecutive failures that open a closed breaker
	OpenTimeout    time.Duration // how long an open breaker rejects before it is half-open
	HalfOpenProbes int           // calls admitted at once while half-open
	// CallTimeout is used only by the variants that impose a timeout per
	// call: those that run fn on a goroutine of their own and stop waiting
	// for it (seed and timeoutafter: the guide's time.After; hystrix: its
	// command Timeout), and timeoutctx (context.WithTimeout on fn's ctx).
	// 1s when zero, the guide's and hystrix's default. The others leave
	// deadlines to the caller's ctx.
	CallTimeout time.Duration
}

func (c Config) validate() {
	if c.FailuresToOpen < 1 || c.OpenTimeout <= 0 || c.HalfOpenProbes < 1 {
		panic(fmt.Sprintf("breaker: invalid config %+v: FailuresToOpen, OpenTimeout and HalfOpenProbes must be positive", c))
	}
}

// Breaker guards calls to a dependency.
type Breaker interface {
	// Execute runs fn(ctx) unless the breaker rejects the call, and records
	// its result; see the package doc. It returns fn's error, or an error
	// matching ErrRejected without calling fn.
	Execute(ctx context.Context, fn func(context.Context) error) error
	// State reports the state the next call would see.
	State() State
	// Close stops the goroutine a breaker owns, if it has one (the channel
	// variant), and waits for it; for the others it does nothing. After
	// Close, Execute either rejects (channel) or works as before; it never
	// blocks forever or panics. Close may be called more than once.
	Close() error
}

// ErrRejected matches (errors.Is) every error a breaker returns instead of
// calling fn.
var ErrRejected = errors.New("breaker: call rejected")

// Impl is one entry of the registry.
type Impl struct {
	Name string // [a-z0-9]+; the impl= part of benchmark and scenario names
	Doc  string // one line: the design, for `runbench list`
	// Demo, if set, marks a demonstration: an implementation broken on
	// purpose to show what one of the guide's warnings costs, saying what
	// it demonstrates. Its Deviations declare the failure, which the
	// conformance suite checks; the report never ranks it.
	Demo string
	// New returns a closed breaker. It panics on an invalid Config.
	New func(Config) Breaker

	// Deviations declares where the implementation departs from the
	// contract; the conformance suite checks the declared behaviour instead.
	// The zero value declares none.
	Deviations Deviations
}

// Deviations are the points of the contract an implementation declares it
// cannot keep. Each field names the behaviour it has instead.
type Deviations struct {
	// SerialisesCalls: Execute holds a lock across fn, so one fn runs at a
	// time; other callers, and State, wait for it instead of running or
	// being rejected. (Because of this no call spans a state change, so the
	// generation rule holds without generations.)
	SerialisesCalls bool
	// LeaksGoroutineOnTimeout: fn runs on a goroutine of its own; when the
	// call times out (Config.CallTimeout or ctx) Execute returns and that
	// goroutine keeps running until fn returns.
	LeaksGoroutineOnTimeout bool
	// CanceledCountsAsFailure: a caller's context.Canceled is a failure.
	CanceledCountsAsFailure bool
	// CanceledCountsAsSuccess: a caller's context.Canceled is a success (the
	// library has no "neither"): a canceled probe closes the breaker.
	CanceledCountsAsSuccess bool
	// NoProbeLimit: half-open never rejects a caller for being over
	// HalfOpenProbes; every caller runs fn (at once, unless SerialisesCalls).
	NoProbeLimit bool
	// NoGenerations: a call's result counts toward whatever state the
	// breaker is in when it finishes, even if the call started before the
	// breaker last changed state.
	NoGenerations bool
	// FailuresNotConsecutive: a success does not reset the failure count
	// while closed; FailuresToOpen failures open the breaker unless
	// OpenTimeout passes between two of them.
	FailuresNotConsecutive bool
	// ClosesOnlyWhenAllProbesSucceed: half-open admits HalfOpenProbes calls
	// in all (not at once) and closes only after that many consecutive
	// successes; one success does not close it.
	ClosesOnlyWhenAllProbesSucceed bool
	// ReopensOnlyWhenAllProbesFail: half-open reopens only after
	// HalfOpenProbes probe failures; one failure does not reopen it.
	ReopensOnlyWhenAllProbesFail bool
	// StartsTimerGoroutine: opening starts a goroutine that sleeps for
	// OpenTimeout and then makes the breaker half-open; it outlives the
	// call that opened the breaker, and Close cannot stop it.
	StartsTimerGoroutine bool
	// OwnerGoroutine: the breaker owns one goroutine from New until Close.
	OwnerGoroutine bool
	// StateLagsTimeout: State keeps reporting Open after OpenTimeout has
	// passed, until a call moves the breaker to half-open (or, where the
	// library has no half-open state to report, until a probe closes it).
	StateLagsTimeout bool
	// PanicNotFailure: a panic in fn reaches the caller with its value, but
	// the breaker does not count it as a failure.
	PanicNotFailure bool
	// OpensOnErrorRate: the breaker opens on a failure rate, not on a run of
	// failures: once at least FailuresToOpen calls have finished since it
	// last closed (the probe that closed it being the first; within the
	// library's rolling window, which no check outlasts) and at least half
	// of them failed. A success does not reset the count of failures; it
	// lowers the rate.
	OpensOnErrorRate bool
	// RacyProbeAdmission: half-open admits callers through a flag that one
	// caller sets with a CAS and clears right after, so a caller arriving
	// at the same moment as another can find it set and be rejected, though
	// no probe limit applies (declared with NoProbeLimit). Callers that
	// arrive one at a time are all admitted.
	RacyProbeAdmission bool
	// SingleProbe: half-open admits one call per OpenTimeout, whatever
	// HalfOpenProbes says; the other callers are rejected.
	SingleProbe bool
	// AsyncCounts: results reach the breaker's counts through goroutines of
	// the library's after Execute has returned, so State and the next call
	// see a result a moment later; the state can change with no call in
	// flight.
	AsyncCounts bool
	// Bulkhead: even while closed, a call is rejected (ErrRejected) when
	// this many calls hold one of the library's slots. A library that gives
	// a call's slot back on a goroutine of its own after Execute has
	// returned (hystrix) can reject a caller that calls again at once with
	// far fewer calls running, once that goroutine falls behind.
	Bulkhead int
	// RegistryGoroutines: New registers the breaker in the library's
	// process-wide registry, which starts this many goroutines for it that
	// run until the process exits; Close cannot stop them.
	RegistryGoroutines int
	// FixedConfig: the library's own values, for the fields of Config
	// that it cannot be given (a breaker with a built-in threshold, open
	// timeout or probe limit, such as streadway/handy's or a fixed hystrix
	// setup). New ignores those fields of the Config it gets and works
	// with these values instead; a zero field here is one New honours.
	// The conformance suite and the benchmarks build the breaker with
	// these values in place of their own ([Impl.EffectiveConfig]) and
	// skip, saying why, what they cannot check or measure with them; New
	// need not panic on an invalid value of a fixed field, which it never
	// reads. nil: New honours every field.
	FixedConfig *Config
}

// EffectiveConfig returns the Config a breaker that New(cfg) builds works
// with: cfg, with the fields the entry declares fixed
// (Deviations.FixedConfig) in their place.
func (i Impl) EffectiveConfig(cfg Config) Config {
	f := i.Deviations.FixedConfig
	if f == nil {
		return cfg
	}
	if f.FailuresToOpen != 0 {
		cfg.FailuresToOpen = f.FailuresToOpen
	}
	if f.OpenTimeout != 0 {
		cfg.OpenTimeout = f.OpenTimeout
	}
	if f.HalfOpenProbes != 0 {
		cfg.HalfOpenProbes = f.HalfOpenProbes
	}
	if f.CallTimeout != 0 {
		cfg.CallTimeout = f.CallTimeout
	}
	return cfg
}

// Impls returns every implementation, home-grown first, then the libraries.
// It builds a new slice each call: callers may filter it freely.
func Impls() []Impl {
	impls := []Impl{
		{Name: "mutex", Doc: "state, counts and a generation under a sync.Mutex, taken before and after fn, never across it",
			New: newMutex},
		{Name: "atomic", Doc: "one CAS'd uint64 packing state, generation, failures and probes; closed path is two atomic loads",
			New: newAtomic},
		{Name: "channel", Doc: "one owner goroutine serialises every transition; callers ask it by channel before and after fn",
			New: newChannel, Deviations: Deviations{OwnerGoroutine: true}},
		{Name: "timeoutctx", Doc: "mutex with a per-call timeout: fn on the caller's goroutine under context.WithTimeout(CallTimeout)",
			New: newTimeoutCtx},
		{Name: "timeoutafter", Doc: "mutex with a per-call timeout: fn on a goroutine of its own, raced in a select against time.After(CallTimeout)",
			New: newTimeoutAfter, Deviations: Deviations{LeaksGoroutineOnTimeout: true}},
		{Name: "seed", Doc: "the guide's: RWMutex held across the call, fn on a new goroutine raced against time.After",
			New: newSeed, Deviations: Deviations{SerialisesCalls: true, LeaksGoroutineOnTimeout: true,
				CanceledCountsAsFailure: true, NoProbeLimit: true, StateLagsTimeout: true}},
		{Name: "gobreaker", Doc: "github.com/sony/gobreaker/v2: ConsecutiveFailures trip, MaxRequests probes, IsExcluded for Canceled",
			New: newGobreaker, Deviations: Deviations{ClosesOnlyWhenAllProbesSucceed: true}},
		{Name: "resiliency", Doc: "github.com/eapache/go-resiliency/breaker: error count, timer goroutine, no probe limit",
			New: newResiliency, Deviations: Deviations{CanceledCountsAsSuccess: true, NoProbeLimit: true,
				NoGenerations: true, FailuresNotConsecutive: true, StartsTimerGoroutine: true}},
		{Name: "failsafe", Doc: "github.com/failsafe-go/failsafe-go circuitbreaker standalone: TryAcquirePermit, fn, RecordSuccess/RecordFailure",
			New: newFailsafe, Deviations: Deviations{CanceledCountsAsSuccess: true, NoGenerations: true,
				ReopensOnlyWhenAllProbesFail: true}},
		{Name: "hystrix", Doc: "github.com/afex/hystrix-go hystrix.Do: fn on a goroutine per call, error-rate trip, one probe per sleep window",
			New: newHystrix, Deviations: Deviations{LeaksGoroutineOnTimeout: true, CanceledCountsAsSuccess: true,
				NoGenerations: true, StateLagsTimeout: true, OpensOnErrorRate: true, SingleProbe: true,
				AsyncCounts: true, Bulkhead: hystrixMaxConcurrent, RegistryGoroutines: 2}},
		{Name: "rubyist", Doc: "github.com/rubyist/circuitbreaker v2.2.1 by hand: Ready, fn, Success/Fail; consecutive trip, constant backoff",
			New: newRubyist, Deviations: Deviations{NoProbeLimit: true, RacyProbeAdmission: true, NoGenerations: true,
				StateLagsTimeout: true}},
		{Name: "mercari", Doc: "github.com/mercari/go-circuitbreaker v0.0.2: Ready, fn, Done; consecutive trip, no counter reset interval",
			New: newMercari, Deviations: Deviations{NoProbeLimit: true, NoGenerations: true}},
	}
	return impls
}

// Outcome is how a finished call of fn counts toward the breaker's state.
type Outcome uint8

const (
	Success Outcome = iota // fn returned nil
	Failure                // fn failed: counts toward opening
	Neither                // the caller gave up (context.Canceled): counts neither way
)

func (o Outcome) String() string {
	switch o {
	case Success:
		return "success"
	case Failure:
		return "failure"
	case Neither:
		return "neither"
	}
	return fmt.Sprintf("Outcome(%d)", uint8(o))
}

// Classify says how fn's err counts, as the contract has it: nil is a
// success; context.Canceled while the caller's ctx is canceled is
// neither; any other error (including context.DeadlineExceeded) is a
// failure. An adapter of a library that takes a success predicate (sony
// gobreaker's IsSuccessful, say) or that counts every error gives it this
// rule (see the package example); one that cannot declares its deviation
// (CanceledCountsAsFailure).
func Classify(ctx context.Context, err error) Outcome {
	switch {
	case err == nil:
		return Success
	case errors.Is(err, context.Canceled) && errors.Is(ctx.Err(), context.Canceled):
		return Neither
	default:
		return Failure
	}
}

// rejections are the errors a breaker returns instead of calling fn, made
// once in New so that rejecting allocates nothing.
type rejections struct {
	open, busy, closed error
}

func newRejections(name string) rejections {
	return rejections{
		open:   fmt.Errorf("breaker %s: open: %w", name, ErrRejected),
		busy:   fmt.Errorf("breaker %s: half-open, probe limit reached: %w", name, ErrRejected),
		closed: fmt.Errorf("breaker %s: closed by Close: %w", name, ErrRejected),
	}
}

// machine is the state machine of the mutex and channel variants, which
// differ only in how they keep it to one goroutine at a time (a lock, an
// owner goroutine). Open turns half-open lazily, in the first admit or
// expire after the timeout; nothing runs in the background. Every state
// change starts a new generation, and a result from an older one is dropped.
type machine struct {
	cfg      Config
	rej      rejections
	state    State
	gen      uint64
	failures int       // consecutive failures while closed
	probes   int       // probes running while half-open
	openedAt time.Time // when the breaker last opened
}

// admit admits a call, returning its generation, or rejects it.
func (m *machine) admit() (uint64, error) {
	m.expire()
	switch m.state {
	case Closed:
		return m.gen, nil
	case Open:
		return 0, m.rej.open
	default: // HalfOpen
		if m.probes >= m.cfg.HalfOpenProbes {
			return 0, m.rej.busy
		}
		m.probes++
		return m.gen, nil
	}
}

// record counts the outcome of a call admitted in generation gen.
func (m *machine) record(gen uint64, o Outcome) {
	if gen != m.gen {
		return // the call started in an earlier generation
	}
	switch {
	case m.state == Closed && o == Success:
		m.failures = 0
	case m.state == Closed && o == Failure:
		m.failures++
		if m.failures >= m.cfg.FailuresToOpen {
			m.setState(Open)
		}
	case m.state == HalfOpen && o == Success:
		m.setState(Closed)
	case m.state == HalfOpen && o == Failure:
		m.setState(Open)
	case m.state == HalfOpen && o == Neither:
		m.probes--
	}
}

// expire moves an open breaker whose timeout has passed to half-open.
func (m *machine) expire() {
	if m.state == Open && time.Since(m.openedAt) >= m.cfg.OpenTimeout {
		m.setState(HalfOpen)
	}
}

// setState starts a new generation in state s.
func (m *machine) setState(s State) {
	m.state = s
	m.gen++
	m.failures, m.probes = 0, 0
	if s == Open {
		m.openedAt = time.Now()
	}
}
