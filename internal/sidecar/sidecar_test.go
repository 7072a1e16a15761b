package sidecar

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/HdrHistogram/hdrhistogram-go"
)

func TestRoundTripAndMerge(t *testing.T) {
	a := hdrhistogram.New(1, 60e9, 3)
	b := hdrhistogram.New(1, 60e9, 3)
	for v := int64(1); v <= 1000; v++ {
		a.RecordValue(v * 1000)
		b.RecordValue(v * 2000)
	}
	trials := []Trial{
		{Name: "Scenario/scenario=x/impl=a", Status: StatusOK, Latency: &Hist{a}},
		{Name: "Scenario/scenario=x/impl=a", Status: StatusOK, Latency: &Hist{b}},
	}
	var buf bytes.Buffer
	if err := Write(&buf, trials); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "r.jsonl")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got, warnings, err := Read(path, nil)
	if err != nil || len(warnings) > 0 || len(got) != 2 {
		t.Fatalf("Read = %d trials, warnings %q, %v; want 2, none, nil", len(got), warnings, err)
	}
	m := Merge(got[0].Latency, nil, got[1].Latency)
	want := hdrhistogram.New(1, 60e9, 3)
	want.Merge(a)
	want.Merge(b)
	if m.TotalCount() != 2000 || m.ValueAtQuantile(99) != want.ValueAtQuantile(99) || m.Max() != want.Max() {
		t.Errorf("merged: count %d p99 %d max %d; want 2000, %d, %d",
			m.TotalCount(), m.ValueAtQuantile(99), m.Max(), want.ValueAtQuantile(99), want.Max())
	}
}

func TestPath(t *testing.T) {
	if got := Path("out/results.txt"); got != "out/results.jsonl" {
		t.Errorf("Path = %q", got)
	}
}
