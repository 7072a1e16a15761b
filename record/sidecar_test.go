package record

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
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

func TestScenarioLinesTravel(t *testing.T) {
	sc := Scenario{Name: "s", File: "quick/s.yaml", Hash: "ab", Pattern: "workerpool", Description: "d",
		Headline: []string{"p99-ns"}, Claims: []Claim{{Guide: 1, Text: "t", Unit: "ops/s", Follows: "a", Ignores: "b"}},
		Demos: map[string]string{"b": "leaks"}}
	var buf bytes.Buffer
	if err := WriteScenario(&buf, sc); err != nil {
		t.Fatal(err)
	}
	if err := Write(&buf, []Trial{{Name: "x", Scenario: "s", Impl: "a"}}); err != nil {
		t.Fatal(err)
	}
	buf.WriteString(`{"kind":"future","spec":{}}` + "\n")
	f, warnings, err := read(&buf, "s.jsonl", MaxLine, NewBudget())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Scenarios) != 1 || !reflect.DeepEqual(f.Scenarios[0], sc) {
		t.Errorf("scenarios %+v, want [%+v]", f.Scenarios, sc)
	}
	if len(f.Trials) != 1 || f.Trials[0].Name != "x" {
		t.Errorf("trials %+v, want the one trial", f.Trials)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], `s.jsonl:3: a line of kind "future"`) {
		t.Errorf("warnings %q, want one for line 3's unknown kind", warnings)
	}
}
