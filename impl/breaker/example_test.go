package breaker_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/concbench/concbench/impl/breaker"
)

// An adapter of a library breaker counts fn's error as the contract does:
// Classify says how. A library that takes a success predicate or an
// exclusion rule (sony/gobreaker's IsSuccessful or IsExcluded) gets one
// built on it; a library that counts every error as a failure cannot keep
// the rule, and its entry declares CanceledCountsAsFailure.
func ExampleClassify() {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	fmt.Println(breaker.Classify(context.Background(), nil))
	fmt.Println(breaker.Classify(context.Background(), errors.New("downstream down")))
	fmt.Println(breaker.Classify(context.Background(), context.DeadlineExceeded))
	fmt.Println(breaker.Classify(canceled, fmt.Errorf("fetch: %w", context.Canceled)))
	// Output:
	// success
	// failure
	// failure
	// neither
}
