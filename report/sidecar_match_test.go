package report

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/concbench/concbench/record"
)

// A sidecar is checked against its results file: one of another run (by
// its run line, or by the benchmarks it measured) is not used, and a
// trial recorded twice is read once.
func TestSidecarMatchesItsResults(t *testing.T) {
	tests := []struct {
		name       string
		edit       func(side []byte) []byte
		wantTrials int
		wantWarn   string
	}{
		{"its own", func(b []byte) []byte { return b }, 7, ""},
		{"every trial twice", func(b []byte) []byte { return append(b, b...) }, 7, "7 trials appear twice"},
		{"another run's, by its date", func(b []byte) []byte {
			var run bytes.Buffer
			if err := record.WriteRun(&run, record.Run{Date: "2025-01-01T00:00:00Z"}); err != nil {
				t.Fatal(err)
			}
			return append(run.Bytes(), b...)
		}, 0, "another run's sidecar, not used"},
		{"another run's, by its benchmarks", func(b []byte) []byte {
			return bytes.ReplaceAll(b, []byte("scenario=workerpool-open"), []byte("scenario=other"))
		}, 0, "does not belong to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := writeRun(t, t.TempDir())
			side, err := os.ReadFile(record.Path(in))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(record.Path(in), tt.edit(side), 0o644); err != nil {
				t.Fatal(err)
			}
			ds, err := readFiles([]string{in})
			if err != nil {
				t.Fatal(err)
			}
			warns := strings.Join(ds.TrialErr, "\n")
			if len(ds.Trials) != tt.wantTrials || tt.wantWarn == "" && warns != "" || !strings.Contains(warns, tt.wantWarn) {
				t.Errorf("%d trials, warnings %q; want %d trials and a warning %q", len(ds.Trials), warns, tt.wantTrials, tt.wantWarn)
			}
		})
	}
}

// A report of some shards of a study says it covers part of it; of all of
// them, nothing.
func TestMissingShardsAreNamed(t *testing.T) {
	shard := func(i string) string {
		in := writeRun(t, t.TempDir())
		b, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(in, bytes.Replace(b, []byte("commit: abc123\n"), []byte("commit: abc123\nshard: "+i+"/3\n"), 1), 0o644); err != nil {
			t.Fatal(err)
		}
		return in
	}
	a, b, c := shard("0"), shard("1"), shard("2")
	tests := []struct {
		give []string
		want string
	}{
		{[]string{a}, "lack shards 1, 2 of 3"},
		{[]string{a, c}, "lack shard 1 of 3"},
		{[]string{a, b, c}, ""},
	}
	for _, tt := range tests {
		ds, err := readFiles(tt.give)
		if err != nil {
			t.Fatal(err)
		}
		var page strings.Builder
		if err := renderPage(&page, buildModel(ds), &figures{}); err != nil {
			t.Fatal(err)
		}
		got := strings.Contains(page.String(), "PART of a sharded study")
		if got != (tt.want != "") || !strings.Contains(page.String(), tt.want) {
			t.Errorf("%d of 3 shards: banner %v, want %q", len(tt.give), got, tt.want)
		}
	}
}

// The page says what each implementation is and which module, at which
// version, its code came from; and which modules the run was built with.
func TestPageNamesImplementationsAndModules(t *testing.T) {
	in := writeRun(t, t.TempDir())
	side, err := os.ReadFile(record.Path(in))
	if err != nil {
		t.Fatal(err)
	}
	var pre bytes.Buffer
	run := record.Run{Date: "2026-01-02T03:04:05Z", Module: &record.Module{Path: "example.com/mybench", Version: "(devel)"},
		Deps: []record.Module{{Path: "github.com/alitto/pond", Version: "v1.9.2"}}}
	if err := record.WriteRun(&pre, run); err != nil {
		t.Fatal(err)
	}
	if err := record.WriteScenario(&pre, record.Scenario{Name: "workerpool-open", Pattern: "workerpool", Impls: map[string]record.Impl{
		"spawn": {Doc: "a goroutine per task", Module: &record.Module{Path: "example.com/mybench", Version: "(devel)"}},
		"ponds": {Doc: "github.com/alitto/pond v1 pool", Module: &record.Module{Path: "github.com/alitto/pond", Version: "v1.9.2"}},
	}}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(record.Path(in), append(pre.Bytes(), side...), 0o644); err != nil {
		t.Fatal(err)
	}
	ds, err := readFiles([]string{in})
	if err != nil {
		t.Fatal(err)
	}
	var page strings.Builder
	if err := renderPage(&page, buildModel(ds), &figures{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<td class="l">ponds</td><td class="l">github.com/alitto/pond v1 pool</td><td class="l">github.com/alitto/pond v1.9.2</td>`,
		`<b>module</b>: example.com/mybench (devel)`, "github.com/alitto/pond v1.9.2<br>",
	} {
		if !strings.Contains(page.String(), want) {
			t.Errorf("page lacks %q", want)
		}
	}
}
