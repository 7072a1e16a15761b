package examples

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/perf/benchfmt"
)

// TestOutsideModule builds examples/mybench, a module of its own that
// requires concbench through a replace, and checks the four entry points a
// user relies on, for each family: its tokens pool, its adapters of
// libraries concbench does not include (gobreakerv1 over
// github.com/sony/gobreaker v1, pondgroup and pondstages over
// github.com/alitto/pond v1) and its checksum function.
//
//   - go test in the module: each passes its conformance suite under -race
//     (with goleak's TestMain), and benchsuite measures each beside a
//     built-in one and its family's floor.
//   - its own runbench (runbench.Main): list shows them; run runs them in
//     embedded scenarios of their families, added with -impl +name, with
//     -param, and in a pattern: func scenario file, each trial in a child
//     process of that binary; results.txt has their lines and the report
//     their rows, with the version of each adapted library (and the /v2
//     module, not v1, for the built-in pond beside the user's pond v1).
//   - its bench, from a folder outside the module, benchmarks each beside
//     a built-in one in lines that benchfmt reads.
func TestOutsideModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a module: skipped with -short")
	}
	mod, err := filepath.Abs("mybench")
	if err != nil {
		t.Fatal(err)
	}
	m := &outside{t: t, mod: mod, dir: t.TempDir()}
	m.checkGoTest()
	m.bin = filepath.Join(m.dir, "mybench")
	m.goCmd("build", "-o", m.bin, "./cmd/mybench")
	m.checkList()
	m.checkRunReplace()
	m.checkRunAdd()

	// bench, from a folder that is not the module's: each user entry
	// beside a built-in one, in lines benchfmt reads.
	benchFile := filepath.Join(m.dir, "bench.txt")
	m.runIn(t.TempDir(), "bench", "-bench", "WorkerPool$/impl=(tokens|channels)/workers=2/work=none"+
		"|Breaker/impl=(gobreakerv1|gobreaker)/path=closed"+
		"|Fanout/impl=(pondgroup|errgroup)/workers=2/work=none"+
		"|Pipeline/impl=(pondstages|buffered)/stages=3/workers=1/work=none/ordered=false",
		"-benchtime", "1x", "-count", "1", "-o", benchFile)
	checkBenchFile(t, benchFile, "impl=tokens", "impl=channels", "impl=gobreakerv1", "impl=gobreaker",
		"impl=pondgroup", "impl=errgroup", "impl=pondstages", "impl=buffered")
}

// outside is the module under test and its built binary.
type outside struct {
	t        *testing.T
	mod, dir string // the module; a temporary folder for the binary and results
	bin      string
}

// goCmd runs the go command in the module, its go.mod read-only.
func (m *outside) goCmd(args ...string) string {
	m.t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = m.mod
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly")
	out, err := cmd.CombinedOutput()
	if err != nil {
		m.t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// runIn runs the module's binary in dir.
func (m *outside) runIn(dir string, args ...string) string {
	m.t.Helper()
	cmd := exec.Command(m.bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CI=true")
	out, err := cmd.CombinedOutput()
	if err != nil {
		m.t.Fatalf("mybench %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (m *outside) run(args ...string) string { m.t.Helper(); return m.runIn(m.mod, args...) }

// checkGoTest runs the module's conformance tests, every family's, under
// -race, and its benchmarks once, each entry beside the built-in ones and
// its family's floor.
func (m *outside) checkGoTest() {
	// Every benchmark, once: the built-in breakers among them leave the
	// goroutines they keep by design, which TestMain must ignore.
	out := m.goCmd("test", "-race", "-count=1", "-v", "-run", "TestConformance", "-bench", ".", "-benchtime", "1x", ".")
	for _, want := range []string{
		"--- PASS: TestConformance ", "--- PASS: TestConformanceBreaker ", "--- PASS: TestConformanceFanOut ",
		"--- PASS: TestConformancePipeline ",
		"BenchmarkWorkerPool/impl=tokens/workers=1/work=none", "BenchmarkWorkerPool/impl=channels/workers=1/work=none",
		"BenchmarkWorkerPool/impl=rawchan/",
		"BenchmarkBreaker/impl=gobreakerv1/path=closed", "BenchmarkBreaker/impl=gobreakerv1/path=open",
		"BenchmarkBreaker/impl=gobreaker/path=closed", "BenchmarkBreaker/impl=none/path=closed",
		"BenchmarkFanout/impl=pondgroup/workers=2/work=none", "BenchmarkFanout/impl=serial/workers=2/work=cpu1us",
		"BenchmarkPipeline/impl=pondstages/stages=3/workers=1/work=none/ordered=true",
		"BenchmarkPipeline/impl=rawchan/stages=3/workers=1/work=none/ordered=false",
		"\nok ",
	} {
		if !strings.Contains(out, want) {
			m.t.Errorf("go test in the module: output lacks %q:\n%s", want, out)
		}
	}
}

// checkList wants every user entry listed under its family, beside the
// built-in ones.
func (m *outside) checkList() {
	list := m.run("list")
	for _, want := range []string{"workerpool  tokens", "func        checksum", "workerpool  channels",
		"breaker     gobreakerv1", "fanout      pondgroup", "pipeline    pondstages", "breaker     gobreaker "} {
		if !strings.Contains(list, want) {
			m.t.Errorf("mybench list lacks %q:\n%s", want, list)
		}
	}
}

// checkRunReplace runs the pool and the function with -impl in place of
// the scenarios' lists: an embedded scenario and a scenario file.
func (m *outside) checkRunReplace() {
	res := filepath.Join(m.dir, "r")
	m.run("run", "-scenario", "workerpool-open", "-scenario", "scenarios/checksum.yaml", "-impl", "channels,pond,tokens,checksum", "-count", "1", "-out", res)
	m.wantResults(res, []string{
		"scenario=workerpool-open/pattern=workerpool/impl=tokens/workers=4 ",
		"scenario=workerpool-open/pattern=workerpool/impl=channels/workers=4 ",
		"scenario=checksum-open/pattern=func/impl=checksum ",
	}, []string{">tokens<", ">checksum<"})
	// The built-in pond is pond/v2, though the binary holds the user's
	// pond v1 too: the longer module path its Doc begins with.
	m.wantModule(res, "pond", "github.com/alitto/pond/v2")
}

// checkRunAdd runs the breaker, fan-out and pipeline adapters, each added
// with -impl +name to an embedded scenario of its family beside the
// built-in implementations it lists (and the built-in gobreaker, beside
// the user's v1), with -param workers=3 in place of the fan-out's and the
// pipeline's own.
func (m *outside) checkRunAdd() {
	res := filepath.Join(m.dir, "r2")
	m.run("run", "-scenario", "breaker-closed", "-scenario", "fanout-heavytail", "-scenario", "pipeline-unbalanced",
		"-impl", "+gobreakerv1,+gobreaker,+pondgroup,+pondstages", "-param", "workers=3", "-count", "1", "-out", res)
	m.wantResults(res, []string{
		"scenario=breaker-closed/pattern=breaker/impl=gobreakerv1/",
		"scenario=breaker-closed/pattern=breaker/impl=mutex/",
		"scenario=fanout-heavytail/pattern=fanout/impl=pondgroup/workers=3/",
		"scenario=fanout-heavytail/pattern=fanout/impl=channels/workers=3/",
		"scenario=pipeline-unbalanced/pattern=pipeline/impl=pondstages/stages=3/workers=3/",
		"scenario=pipeline-unbalanced/pattern=pipeline/impl=buffered/stages=3/workers=3/",
	}, []string{">gobreakerv1<", ">pondgroup<", ">pondstages<"})
	m.wantModule(res, "gobreakerv1", "github.com/sony/gobreaker")
	m.wantModule(res, "pondgroup", "github.com/alitto/pond")
	m.wantModule(res, "pondstages", "github.com/alitto/pond")
	// The built-in gobreaker, added too, is gobreaker/v2, beside the
	// user's gobreaker v1.
	m.wantModule(res, "gobreaker", "github.com/sony/gobreaker/v2")
}

// wantResults wants a line of results.txt for each of lines (a
// BenchmarkScenario name, or its start) and each of rows in report.html.
func (m *outside) wantResults(res string, lines, rows []string) {
	m.t.Helper()
	txt, err := os.ReadFile(filepath.Join(res, "results.txt"))
	if err != nil {
		m.t.Fatal(err)
	}
	for _, want := range lines {
		if !strings.Contains(string(txt), "\nBenchmarkScenario/"+want) {
			m.t.Errorf("results.txt lacks a line BenchmarkScenario/%s:\n%s", strings.TrimSpace(want), txt)
		}
	}
	html, err := os.ReadFile(filepath.Join(res, "report.html"))
	if err != nil {
		m.t.Fatal(err)
	}
	for _, want := range rows {
		if !strings.Contains(string(html), want) {
			m.t.Errorf("report.html has no row %s", want)
		}
	}
}

// wantModule wants the report's table of implementations to give impl
// the module path at the version the module's build list has: the
// library whose import path its Doc begins with.
func (m *outside) wantModule(res, impl, path string) {
	m.t.Helper()
	html, err := os.ReadFile(filepath.Join(res, "report.html"))
	if err != nil {
		m.t.Fatal(err)
	}
	row := regexp.MustCompile(`<tr><td class="l">` + regexp.QuoteMeta(impl) + `</td><td class="l">[^<]*</td><td class="l">([^<]*)</td></tr>`)
	got := row.FindAllStringSubmatch(string(html), -1)
	want := strings.TrimSpace(m.goCmd("list", "-m", "-f", "{{.Path}} {{.Version}}", path))
	if len(got) == 0 {
		m.t.Errorf("report.html has no implementation row for %s", impl)
	}
	for _, g := range got {
		if g[1] != want {
			m.t.Errorf("report.html gives %s the module %q, want %q (go list -m)", impl, g[1], want)
		}
	}
}

// checkBenchFile wants the file to parse with benchfmt, with no syntax
// error, the pkg: of concbench's bench/, and a result with ns/op for each
// of impls.
func checkBenchFile(t *testing.T, path string, impls ...string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	found := map[string]bool{}
	r := benchfmt.NewReader(f, path)
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.SyntaxError:
			t.Errorf("%v", rec)
		case *benchfmt.Result:
			if pkg := rec.GetConfig("pkg"); pkg != "github.com/concbench/concbench/bench" {
				t.Errorf("%s: pkg %q", rec.Name, pkg)
			}
			_, sub := rec.Name.Parts()
			for _, impl := range impls {
				for _, part := range sub {
					if string(part) == "/"+impl {
						for _, v := range rec.Values {
							found[impl] = found[impl] || v.OrigUnit == "ns/op" && v.Value > 0 // read as sec/op
						}
					}
				}
			}
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	for _, impl := range impls {
		if !found[impl] {
			data, _ := os.ReadFile(path)
			t.Errorf("%s has no result with ns/op for %s:\n%s", path, impl, data)
		}
	}
}
