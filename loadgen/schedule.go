package loadgen

import "math/rand/v2"

// A schedule gives one client the intended start of each of its
// operations, in ns on the run's clock, in the manner of vegeta's Pacer.
type schedule interface {
	// next returns the intended start of the next operation, given the
	// clock's reading now, and false once the schedule has ended (no
	// operation is intended at or after the window's end).
	next(now int64) (intended int64, ok bool)
}

var (
	_ schedule = (*constantSchedule)(nil)
	_ schedule = (*poissonSchedule)(nil)
	_ schedule = (*closedSchedule)(nil)
)

// constantSchedule starts operations gap ns apart, from at.
type constantSchedule struct {
	at, gap, end float64
}

func (s *constantSchedule) next(int64) (int64, bool) {
	t := s.at
	s.at += s.gap
	return int64(t), t < s.end
}

// poissonSchedule starts operations at exponentially distributed gaps of
// mean gap ns, from at: independent arrivals.
type poissonSchedule struct {
	at, gap, end float64
	rng          *rand.Rand
}

func (s *poissonSchedule) next(int64) (int64, bool) {
	t := s.at
	s.at += s.rng.ExpFloat64() * s.gap
	return int64(t), t < s.end
}

// closedSchedule intends each operation for when the client is ready for
// it: a closed loop has no lateness of its own.
type closedSchedule struct{ end int64 }

func (s closedSchedule) next(now int64) (int64, bool) { return now, now < s.end }

// newSchedule returns client c's schedule. An open loop's clients share the
// rate equally, each staggered by its share of one gap.
func newSchedule(cfg Config, c int, end int64) schedule {
	if cfg.Model != Open {
		return closedSchedule{end: end}
	}
	gap := 1e9 * float64(cfg.Clients) / cfg.Rate
	at := gap * float64(c) / float64(cfg.Clients)
	if cfg.Arrival == Poisson {
		return &poissonSchedule{at: at, gap: gap, end: float64(end), rng: rand.New(rand.NewPCG(uint64(c)+1, 0x9e3779b97f4a7c15))}
	}
	return &constantSchedule{at: at, gap: gap, end: float64(end)}
}
