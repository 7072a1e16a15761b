package targets

import (
	"fmt"
	"strconv"

	"github.com/concbench/concbench/loadgen"
	"github.com/concbench/concbench/record"

	"github.com/concbench/concbench/impl/workerpool"
)

func workerpoolPattern(impls []workerpool.Impl) Pattern {
	infos, find := registry("workerpool", impls, func(i workerpool.Impl) ImplInfo {
		info := ImplInfo{Name: i.Name, Doc: i.Doc, Origin: i.New, Demo: i.Demo}
		if i.Deviations.CloseDoesNotWait { // its workers outlive Close
			info.DemoEnds = append(info.DemoEnds, record.StatusLeaked)
		}
		return info
	})
	queue := newParam("queue", "default",
		"tasks a pool holds beyond the running ones, so capacity is workers + queue "+
			"(default: the implementation's own; a number needs its WithQueue, or a queue fixed at that size)",
		orDefault(intRange(0, maxQueue)))
	// Scenario names from before the parameter existed stay the same.
	queue.OmitDefault = true
	return Pattern{
		Name:  "workerpool",
		Doc:   "Submit(ctx, task) with back-pressure; Close drains and waits",
		Impls: infos,
		Params: []Param{
			newParam("workers", "4", "goroutines that run tasks", intRange(1, maxWorkers)),
			queue,
		},
		Unbounded: func(name string) bool {
			impl, err := find(name)
			return err == nil && impl.Deviations.Unbounded
		},
		Unsupported: func(name, param, value string) string {
			impl, err := find(name)
			if err != nil || param != "queue" || value == "default" {
				return ""
			}
			n, err := strconv.Atoi(value)
			if err != nil { // out of range: the parameter's Check says so
				return ""
			}
			return fixedQueue(impl, n)
		},
		New: func(name string, params map[string]string, op Op) (*Target, error) {
			impl, err := find(name)
			if err != nil {
				return nil, err
			}
			workers := atoi(params, "workers")
			var p workerpool.Pool
			if q := params["queue"]; q == "" || q == "default" {
				p = impl.New(workers)
			} else {
				n := atoi(params, "queue")
				var ok bool
				if p, ok = impl.NewQueue(workers, n); !ok {
					return nil, fmt.Errorf("workerpool %s cannot run with queue=%d: %s", name, n, queueText(impl, workers))
				}
			}
			return &Target{
				Target: loadgen.Target{Submit: p.Submit},
				Close:  p.Close,
			}, nil
		},
	}
}

// fixedQueue says why impl cannot run with a queue of n at any worker
// count that a scenario may list, or returns "" if it can. Without
// WithQueue only a queue that is the same at every worker count can be
// planned, which is Queue nil: 0.
func fixedQueue(impl workerpool.Impl, n int) string {
	dev := impl.Deviations
	switch {
	case dev.Unbounded || dev.UnboundedQueue:
		return "its queue has no bound, so it has no capacity to set; use queue: default"
	case impl.WithQueue != nil:
		return ""
	case impl.Queue == nil && n == 0:
		return ""
	case impl.Queue == nil:
		return "its queue is fixed at Queue(workers) = 0 (it has no WithQueue)"
	}
	return "its queue is fixed at Queue(workers) (it has no WithQueue); use queue: default"
}

// queueText says what queue impl's New builds at workers.
func queueText(impl workerpool.Impl, workers int) string {
	c, bounded := impl.Capacity(workers)
	if !bounded {
		return "its queue has no bound"
	}
	return fmt.Sprintf("its queue is fixed at Queue(%d) = %d (it has no WithQueue)", workers, c-workers)
}
