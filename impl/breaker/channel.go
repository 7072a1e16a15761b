package breaker

import (
	"context"
	"sync"
)

// channelBreaker gives the state to one owner goroutine: nothing is shared,
// every transition happens on the owner, and callers talk to it over one
// unbuffered channel. Execute sends an acquire message and waits for the
// reply (admitted with a generation, or rejected), runs fn on the caller's
// goroutine, then sends a report message. State sends a query. Because a
// caller's report and its next query travel on the same channel, a caller
// always sees its own result in State.
//
// Replies come back on a channel of capacity 1 taken from a sync.Pool, so a
// call allocates nothing in the steady state. The owner replies to every
// message it has received before it looks at the channel again, so a reply
// channel is never abandoned with a reply still to come.
//
// Lifetime: New starts the owner; Close closes done and waits for the owner
// to return (declared: OwnerGoroutine). After Close every call is rejected
// and State reports the last state.
//
// Clock reads: as mutex's (the same machine, on the owner): none on the
// closed path, one time.Since per call while open.
//
// Cost: a round trip to the owner before fn and a handoff after it, i.e.
// goroutine switches: 2500x the floor impl=none (fn called directly) per call
// closed and 1900x open (one round trip) at -cpu 2, 1200x and 1100x at -cpu
// 1; 0 allocs (ratios of medians: -cpu 2 from
// results/reference/bench/results.txt, -cpu 1 from breaker-cpu.txt beside
// it; ns/op of RunParallel is wall time per call, so the floor halves at
// -cpu 2, as does any design without contention).
// It is the slowest home-grown design, kept as the
// share-memory-by-communicating baseline.
type channelBreaker struct {
	rej     rejections
	msgs    chan chanMsg
	done    chan struct{} // closed by Close
	exited  chan struct{} // closed by the owner as it returns
	replies sync.Pool     // of chan chanReply, capacity 1
	once    sync.Once
	final   State // the owner's last state; read only after exited is closed
}

type chanMsgKind uint8

const (
	msgAcquire chanMsgKind = iota
	msgReport
	msgQuery
)

type chanMsg struct {
	kind    chanMsgKind
	gen     uint64         // msgReport
	outcome Outcome        // msgReport
	reply   chan chanReply // msgAcquire, msgQuery
}

type chanReply struct {
	gen   uint64
	err   error // a rejection
	state State
}

func newChannel(cfg Config) Breaker {
	cfg.validate()
	b := &channelBreaker{
		rej:    newRejections("channel"),
		msgs:   make(chan chanMsg),
		done:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	b.replies.New = func() any { return make(chan chanReply, 1) }
	o := &machine{cfg: cfg, rej: b.rej}
	go b.own(o)
	return b
}

func (b *channelBreaker) own(o *machine) {
	defer close(b.exited)
	for {
		select {
		case m := <-b.msgs:
			switch m.kind {
			case msgAcquire:
				gen, err := o.admit()
				m.reply <- chanReply{gen: gen, err: err}
			case msgReport:
				o.record(m.gen, m.outcome)
			case msgQuery:
				o.expire()
				m.reply <- chanReply{state: o.state}
			}
		case <-b.done:
			b.final = o.state
			return
		}
	}
}

// ask sends m with a pooled reply channel and waits for the answer.
func (b *channelBreaker) ask(m chanMsg) (chanReply, bool) {
	reply := b.replies.Get().(chan chanReply)
	m.reply = reply
	select {
	case b.msgs <- m:
	case <-b.done:
		b.replies.Put(reply)
		return chanReply{}, false
	}
	r := <-reply // the owner answers every message it received
	b.replies.Put(reply)
	return r, true
}

func (b *channelBreaker) Execute(ctx context.Context, fn func(context.Context) error) error {
	r, ok := b.ask(chanMsg{kind: msgAcquire})
	if !ok {
		return b.rej.closed
	}
	if r.err != nil {
		return r.err
	}
	done := false
	defer func() {
		if !done { // fn panicked
			b.report(r.gen, Failure)
		}
	}()
	err := fn(ctx)
	done = true
	b.report(r.gen, Classify(ctx, err))
	return err
}

func (b *channelBreaker) report(gen uint64, o Outcome) {
	select {
	case b.msgs <- chanMsg{kind: msgReport, gen: gen, outcome: o}:
	case <-b.done:
	}
}

func (b *channelBreaker) State() State {
	r, ok := b.ask(chanMsg{kind: msgQuery})
	if !ok {
		<-b.exited
		return b.final
	}
	return r.state
}

func (b *channelBreaker) Close() error {
	b.once.Do(func() { close(b.done) })
	<-b.exited
	return nil
}
