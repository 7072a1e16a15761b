package pipeline_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/concbench/concbench/impl/pipeline"
)

// An adapter of a library's pipeline checks Run's arguments as every
// built-in variant does, before any stage runs, and wraps a stage's error
// as they do.
func ExampleCheckArgs() {
	double := pipeline.Stage[int]{Name: "double", Workers: 2, Fn: func(_ context.Context, v int) (int, error) { return 2 * v, nil }}
	fmt.Println(pipeline.CheckArgs([]pipeline.Stage[int]{double}, pipeline.Options{}, false))
	fmt.Println(pipeline.CheckArgs([]pipeline.Stage[int]{double, {Name: "idle"}}, pipeline.Options{}, false))
	fmt.Println(pipeline.CheckArgs([]pipeline.Stage[int]{double}, pipeline.Options{Ordered: true}, true))
	bad := errors.New("bad item")
	err := pipeline.StageError(1, pipeline.Stage[int]{Name: "parse"}, bad)
	fmt.Println(err, errors.Is(err, bad))
	// Output:
	// <nil>
	// pipeline: invalid stages or options: stage 1 (idle): Workers 0, Fn nil true
	// pipeline: this implementation cannot preserve order
	// pipeline: stage 1 (parse): bad item true
}
