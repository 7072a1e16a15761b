package workerpool_test

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/concbench/concbench/impl/workerpool"
)

// Every implementation is used the same way: Submit blocks while the pool
// is saturated, Close waits for what was accepted.
func ExampleImpls() {
	for _, impl := range workerpool.Impls()[:2] {
		p := impl.New(4)
		var sum atomic.Int64
		for i := 1; i <= 100; i++ {
			if err := p.Submit(context.Background(), func() { sum.Add(int64(i)) }); err != nil {
				fmt.Println(err)
			}
		}
		err := p.Close()
		fmt.Println(impl.Name, sum.Load(), err)
	}
	// Output:
	// channels 5050 <nil>
	// mutexcond 5050 <nil>
}

// A panicking task does not kill the pool: Close reports it.
func ExamplePanicError() {
	p := workerpool.Impls()[0].New(1)
	_ = p.Submit(context.Background(), func() { panic("boom") })
	err := p.Close()
	fmt.Println(err)
	// Output:
	// workerpool: task panicked: boom
}
