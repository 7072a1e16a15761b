package runbench

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/concbench/concbench/harness"
	"github.com/concbench/concbench/record"
	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"
)

// runbench trial trusts nothing on its stdin: a bad trial spec is bad
// input, exit status 2, before anything runs.
func TestTrialRefusesBadSpec(t *testing.T) {
	tests := []struct {
		name     string
		give     string
		wantText string
	}{
		{"not json", "nope", "runbench: stdin:1: not JSON: invalid character"},
		{"two values", "{} {}", "runbench: stdin:1: data after the trial spec"},
		{"zero duration", `{"spec": {"name": "t", "pattern": "harness", "load": {"duration": "0s"}}}`, "stdin: spec.load.duration: 0s: want 1ms to 24h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := exitCode(cmdTrial(context.Background(), targets.Builtin(), nil, strings.NewReader(tt.give), &stdout), &stderr)
			if code != 2 || stdout.Len() != 0 || !strings.Contains(stderr.String(), tt.wantText) {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2, nothing, %q", code, stdout.String(), stderr.String(), tt.wantText)
			}
		})
	}
}

// What the parent writes, the child reads and runs.
func TestTrialRunsPlannedSpec(t *testing.T) {
	patterns := targets.Builtin()
	s, err := scenarios.Parse("t.yaml", []byte("name: t\npattern: harness\nload: {model: closed, clients: 1, duration: 10ms}\n"), patterns)
	if err != nil {
		t.Fatal(err)
	}
	in, err := json.Marshal(harness.Plan([]scenarios.Spec{s}, patterns, nil, 1)[0])
	if err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	if err := cmdTrial(context.Background(), targets.Builtin(), nil, bytes.NewReader(in), &stdout); err != nil {
		t.Fatal(err)
	}
	var tr record.Trial
	if err := json.Unmarshal(stdout.Bytes(), &tr); err != nil || tr.Status != record.StatusOK || tr.Impl != "noop" {
		t.Fatalf("record %+v, %v", tr, err)
	}
}
