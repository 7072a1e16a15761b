package harness

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/concbench/concbench/scenarios"
	"github.com/concbench/concbench/targets"

	"go.yaml.in/yaml/v3"
)

// The recipes that split a study over engines people already run: a GitHub
// Actions matrix and a Kubernetes Indexed Job. These tests check their
// structure and run what each engine would hand runbench, so a recipe that
// drifts from the -shard semantics fails here, not in someone's cluster.

const (
	workflowFile = "../.github/workflows/study.yml"
	jobFile      = "../deploy/kubernetes/study-job.yaml"
	dockerFile   = "../deploy/kubernetes/Dockerfile"
)

// strList is a YAML string or list of strings (a job's needs).
type strList []string

func (l *strList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*l = strList{n.Value}
		return nil
	}
	return n.Decode((*[]string)(l))
}

type ghWorkflow struct {
	On struct {
		WorkflowDispatch struct {
			Inputs map[string]struct {
				Type    string `yaml:"type"`
				Default string `yaml:"default"`
			} `yaml:"inputs"`
		} `yaml:"workflow_dispatch"`
	} `yaml:"on"`
	Jobs map[string]ghJob `yaml:"jobs"`
}

type ghJob struct {
	Needs    strList           `yaml:"needs"`
	If       string            `yaml:"if"`
	Outputs  map[string]string `yaml:"outputs"`
	Strategy struct {
		FailFast *bool          `yaml:"fail-fast"`
		Matrix   map[string]any `yaml:"matrix"`
	} `yaml:"strategy"`
	Steps []ghStep `yaml:"steps"`
}

type ghStep struct {
	ID   string            `yaml:"id"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	If   string            `yaml:"if"`
	With map[string]string `yaml:"with"`
	Env  map[string]string `yaml:"env"`
}

// stepRunning returns the one step whose script contains s.
func (j ghJob) stepRunning(t *testing.T, s string) ghStep {
	t.Helper()
	var found []ghStep
	for _, st := range j.Steps {
		if strings.Contains(st.Run, s) {
			found = append(found, st)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d steps run %q, want 1", len(found), s)
	}
	return found[0]
}

// stepsUsing returns the steps that use the action (any version).
func (j ghJob) stepsUsing(action string) []ghStep {
	var out []ghStep
	for _, st := range j.Steps {
		if strings.HasPrefix(st.Uses, action+"@") {
			out = append(out, st)
		}
	}
	return out
}

// expand replaces GitHub expressions in s with vars, and fails on any it
// does not know: an expression pasted into a script must be one the test
// has vetted (inputs travel through env instead).
func expand(t *testing.T, s string, vars map[string]string) string {
	t.Helper()
	re := regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)
	return re.ReplaceAllStringFunc(s, func(m string) string {
		k := re.FindStringSubmatch(m)[1]
		v, ok := vars[k]
		if !ok {
			t.Fatalf("unexpected expression %s in %q", m, s)
		}
		return v
	})
}

// runScript runs a step's script as GitHub's bash shell does, in dir, with
// env, and returns what it wrote to $GITHUB_OUTPUT.
func runScript(t *testing.T, dir, script string, env map[string]string) (map[string]string, error) {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash to run the workflow's scripts")
	}
	out := filepath.Join(t.TempDir(), "github_output")
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GITHUB_OUTPUT="+out)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%w: %s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	outputs := map[string]string{}
	for line := range strings.SplitSeq(strings.TrimSpace(string(data)), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			outputs[k] = v
		}
	}
	return outputs, nil
}

// runbenchArgs are the arguments of one `runbench run` of a recipe.
type runbenchArgs struct {
	shard     string // -shard
	out       string // -out
	scenarios []string
	noReport  bool
}

func parseRunArgs(t *testing.T, args []string) runbenchArgs {
	t.Helper()
	if len(args) == 0 || args[0] != "run" {
		t.Fatalf("runbench %q: want the run subcommand", args)
	}
	var r runbenchArgs
	for i := 1; i < len(args); i++ {
		value := func() string {
			if i+1 == len(args) {
				t.Fatalf("runbench %q: %s without a value", args, args[i])
			}
			i++
			return args[i]
		}
		switch args[i] {
		case "-no-report":
			r.noReport = true
		case "-shard":
			r.shard = value()
		case "-out":
			r.out = value()
		case "-scenario":
			r.scenarios = append(r.scenarios, value())
		default:
			t.Fatalf("runbench %q: the test does not know %s", args, args[i])
		}
	}
	return r
}

// parseShardFlag reads -shard's i/n as the CLI does: two whole numbers,
// 0 <= i < n.
func parseShardFlag(v string) (i, n int, err error) {
	a, b, _ := strings.Cut(v, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || i < 0 || n < 1 || i >= n {
		return 0, 0, fmt.Errorf("-shard %q: want i/n with 0 <= i < n", v)
	}
	return i, n, nil
}

// checkRecipeShards checks what an engine's N runs do together: their
// -shard flags are 0/N … N-1/N, once each, with the same N; each writes
// its own folder, without a report; and the shards of the plan they all
// compute (the quick suite, or their -scenario list) cover it, each
// holding whole cells and at least one trial (an empty one exits 2).
func checkRecipeShards(t *testing.T, runs []runbenchArgs, wantN int) {
	t.Helper()
	seen := map[int]bool{}
	outs := map[string]bool{}
	for _, r := range runs {
		i, n, err := parseShardFlag(r.shard)
		if err != nil {
			t.Fatal(err)
		}
		if n != wantN {
			t.Errorf("-shard %s: N is %d, the engine runs %d", r.shard, n, wantN)
		}
		if seen[i] {
			t.Errorf("shard %d runs twice", i)
		}
		seen[i] = true
		if !r.noReport {
			t.Errorf("shard %s makes its own report; the merge step makes the one report", r.shard)
		}
		if r.out == "" || outs[r.out] {
			t.Errorf("shard %s writes to %q, not a folder of its own", r.shard, r.out)
		}
		outs[r.out] = true
		if !slices.Equal(r.scenarios, runs[0].scenarios) {
			t.Errorf("shard %s runs scenarios %q, shard %s %q: they would plan different trial lists", r.shard, r.scenarios, runs[0].shard, runs[0].scenarios)
		}
	}
	if len(seen) != wantN {
		t.Errorf("%d different shards run, want %d", len(seen), wantN)
	}
	pats := targets.Builtin()
	specs, err := scenarios.Quick(pats)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs[0].scenarios) > 0 {
		specs = nil
		for _, name := range runs[0].scenarios {
			if strings.HasSuffix(name, ".yaml") {
				name = filepath.Join("..", name) // the recipes run in the repository root
			}
			s, err := scenarios.Find(name, pats)
			if err != nil {
				t.Fatal(err)
			}
			specs = append(specs, s)
		}
	}
	plan := Plan(specs, pats, nil, 0)
	for i, sh := range checkShards(t, plan, wantN) {
		if len(sh) == 0 {
			t.Errorf("shard %d/%d of %d trials is empty: runbench would exit 2", i, wantN, len(plan))
		}
	}
}

func TestStudyWorkflow(t *testing.T) {
	data, err := os.ReadFile(workflowFile)
	if err != nil {
		t.Fatal(err)
	}
	var wf ghWorkflow
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatalf("%s: %v", workflowFile, err)
	}
	inputs := wf.On.WorkflowDispatch.Inputs
	if _, ok := inputs["scenarios"]; !ok {
		t.Errorf("workflow_dispatch has no scenarios input")
	}
	shardsIn, ok := inputs["shards"]
	if !ok || shardsIn.Type != "number" {
		t.Fatalf("workflow_dispatch has no number input shards: %+v", inputs)
	}
	defaultN, err := strconv.Atoi(shardsIn.Default)
	if err != nil || defaultN != 4 {
		t.Errorf("shards defaults to %q, want 4", shardsIn.Default)
	}

	// The matrix job: its matrix is one job's output, read with fromJSON.
	var matrixJob string
	for name, j := range wf.Jobs {
		if _, ok := j.Strategy.Matrix["shard"]; ok {
			if matrixJob != "" {
				t.Fatalf("jobs %s and %s both have a shard matrix", matrixJob, name)
			}
			matrixJob = name
		}
	}
	if matrixJob == "" {
		t.Fatal("no job has a shard matrix")
	}
	mj := wf.Jobs[matrixJob]
	if ff := mj.Strategy.FailFast; ff == nil || *ff {
		t.Errorf("the matrix is fail-fast: one failing shard would cancel the others")
	}
	m := regexp.MustCompile(`^\$\{\{\s*fromJSON\(needs\.([\w-]+)\.outputs\.([\w-]+)\)\s*\}\}$`).FindStringSubmatch(fmt.Sprint(mj.Strategy.Matrix["shard"]))
	if m == nil {
		t.Fatalf("matrix.shard is %v, want ${{ fromJSON(needs.<job>.outputs.<name>) }}", mj.Strategy.Matrix["shard"])
	}
	planJob, planOut := m[1], m[2]
	if !slices.Contains(mj.Needs, planJob) {
		t.Errorf("%s reads needs.%s but needs %q", matrixJob, planJob, mj.Needs)
	}
	pj := wf.Jobs[planJob]
	m = regexp.MustCompile(`^\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}$`).FindStringSubmatch(pj.Outputs[planOut])
	if m == nil {
		t.Fatalf("job %s output %s is %q, want a step's output", planJob, planOut, pj.Outputs[planOut])
	}
	var listStep *ghStep
	for i := range pj.Steps {
		if pj.Steps[i].ID == m[1] {
			listStep = &pj.Steps[i]
		}
	}
	if listStep == nil {
		t.Fatalf("job %s has no step %s", planJob, m[1])
	}
	// Run the list step as the runner would, for the default and for bad
	// input.
	matrixOf := func(shards string) ([]int, error) {
		env := map[string]string{}
		for k, v := range listStep.Env {
			env[k] = expand(t, v, map[string]string{"inputs.shards": shards})
		}
		outs, err := runScript(t, t.TempDir(), expand(t, listStep.Run, nil), env)
		if err != nil {
			return nil, err
		}
		var list []int
		if err := json.Unmarshal([]byte(outs[m[2]]), &list); err != nil {
			return nil, fmt.Errorf("output %s=%q: %v", m[2], outs[m[2]], err)
		}
		return list, nil
	}
	matrix, err := matrixOf(shardsIn.Default)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{0, 1, 2, 3}; !slices.Equal(matrix, want) {
		t.Fatalf("default matrix %v, want %v", matrix, want)
	}
	if got, err := matrixOf("7"); err != nil || len(got) != 7 || got[6] != 6 {
		t.Errorf("shards=7: matrix %v, %v", got, err)
	}
	for _, bad := range []string{"0", "-1", "2.5", "x", "257"} {
		if got, err := matrixOf(bad); err == nil {
			t.Errorf("shards=%q: matrix %v, want the step to fail", bad, got)
		}
	}

	// The shard step, as each matrix job runs it, with runbench replaced
	// by a stub that records its arguments. strategy.job-total is the
	// number of jobs in the matrix.
	if !slices.ContainsFunc(mj.Steps, func(s ghStep) bool { return strings.TrimSpace(s.Run) == "go build ./cmd/runbench" }) {
		t.Errorf("%s does not build runbench with go build ./cmd/runbench", matrixJob)
	}
	for _, s := range append(mj.stepsUsing("actions/setup-go"), wf.Jobs["report"].stepsUsing("actions/setup-go")...) {
		if s.With["go-version-file"] != "go.mod" {
			t.Errorf("setup-go with %v: want go-version-file: go.mod", s.With)
		}
	}
	runStep := mj.stepRunning(t, "./runbench run")
	if !strings.Contains(runStep.Run, "-shard ${{ matrix.shard }}/${{ strategy.job-total }}") {
		t.Errorf("the run step does not pass -shard ${{ matrix.shard }}/${{ strategy.job-total }}:\n%s", runStep.Run)
	}
	for _, scenarios := range []string{"", "workerpool-knee scenarios/more/workerpool-closed.yaml"} {
		var runs []runbenchArgs
		for _, i := range matrix {
			dir := t.TempDir()
			stub := "#!/bin/sh\nprintf '%s\\n' \"$@\" > args\n"
			if err := os.WriteFile(filepath.Join(dir, "runbench"), []byte(stub), 0o755); err != nil {
				t.Fatal(err)
			}
			vars := map[string]string{"matrix.shard": strconv.Itoa(i), "strategy.job-total": strconv.Itoa(len(matrix))}
			env := map[string]string{}
			for k, v := range runStep.Env {
				env[k] = expand(t, v, map[string]string{"inputs.scenarios": scenarios})
			}
			if _, err := runScript(t, dir, expand(t, runStep.Run, vars), env); err != nil {
				t.Fatal(err)
			}
			args, err := os.ReadFile(filepath.Join(dir, "args"))
			if err != nil {
				t.Fatal(err)
			}
			r := parseRunArgs(t, strings.Split(strings.TrimSuffix(string(args), "\n"), "\n"))
			if want := "results/shard-" + strconv.Itoa(i); r.out != want {
				t.Errorf("shard %d writes to %q, want %q", i, r.out, want)
			}
			runs = append(runs, r)
		}
		if want := strings.Fields(scenarios); !slices.Equal(runs[0].scenarios, want) {
			t.Errorf("scenarios input %q became -scenario %q", scenarios, runs[0].scenarios)
		}
		checkRecipeShards(t, runs, len(matrix))
	}

	// Each shard's two files go up as one artifact per shard.
	ups := mj.stepsUsing("actions/upload-artifact")
	if len(ups) != 1 {
		t.Fatalf("%s has %d upload-artifact steps, want 1", matrixJob, len(ups))
	}
	up := ups[0]
	if !strings.Contains(up.If, "!cancelled()") && !strings.Contains(up.If, "always()") {
		t.Errorf("the upload runs only if the shard succeeded (if: %q): a shard with a failed trial still has results", up.If)
	}
	var paths []string // one a line
	for line := range strings.SplitSeq(up.With["path"], "\n") {
		paths = append(paths, strings.TrimSpace(line))
	}
	for _, f := range []string{"results.txt", "results.jsonl"} {
		if !slices.Contains(paths, "results/shard-${{ matrix.shard }}/"+f) {
			t.Errorf("the upload's paths %q lack results/shard-${{ matrix.shard }}/%s", paths, f)
		}
	}
	artifact := up.With["name"]
	if !strings.Contains(artifact, "${{ matrix.shard }}") {
		t.Errorf("artifact name %q is the same for every shard", artifact)
	}

	// The report job merges them all.
	rj, ok := wf.Jobs["report"]
	if !ok {
		t.Fatal("no report job")
	}
	if !slices.Contains(rj.Needs, matrixJob) {
		t.Errorf("report needs %q, not %s", rj.Needs, matrixJob)
	}
	if !strings.Contains(rj.If, "!cancelled()") {
		t.Errorf("report runs only if every shard succeeded (if: %q)", rj.If)
	}
	downs := rj.stepsUsing("actions/download-artifact")
	if len(downs) != 1 {
		t.Fatalf("report has %d download-artifact steps, want 1", len(downs))
	}
	dl := downs[0]
	for _, i := range matrix {
		name := strings.ReplaceAll(artifact, "${{ matrix.shard }}", strconv.Itoa(i))
		if ok, _ := path.Match(dl.With["pattern"], name); !ok {
			t.Errorf("download pattern %q misses artifact %s", dl.With["pattern"], name)
		}
		// download-artifact puts each artifact in <path>/<name>/.
		file := path.Join(dl.With["path"], name, "results.txt")
		if ok, _ := path.Match("results/shard-*/results.txt", file); !ok {
			t.Errorf("shard %d's results land at %s, outside the report's glob", i, file)
		}
	}
	rep := rj.stepRunning(t, "runbench report")
	if strings.TrimSpace(rep.Run) != "./runbench report -o report results/shard-*/results.txt" {
		t.Errorf("the report step runs %q", rep.Run)
	}
	if ups := rj.stepsUsing("actions/upload-artifact"); len(ups) != 1 || ups[0].With["path"] != "report" {
		t.Errorf("the report job does not upload the report folder")
	}
}

type k8sDoc struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		AccessModes    []string `yaml:"accessModes"` // PersistentVolumeClaim
		CompletionMode string   `yaml:"completionMode"`
		Completions    *int     `yaml:"completions"`
		Parallelism    *int     `yaml:"parallelism"`
		Template       struct {
			Spec struct {
				RestartPolicy string `yaml:"restartPolicy"`
				Containers    []struct {
					Name      string   `yaml:"name"`
					Image     string   `yaml:"image"`
					Command   []string `yaml:"command"`
					Args      []string `yaml:"args"`
					Resources struct {
						Requests map[string]string `yaml:"requests"`
						Limits   map[string]string `yaml:"limits"`
					} `yaml:"resources"`
					VolumeMounts []struct {
						Name      string `yaml:"name"`
						MountPath string `yaml:"mountPath"`
					} `yaml:"volumeMounts"`
				} `yaml:"containers"`
				Volumes []struct {
					Name                  string `yaml:"name"`
					PersistentVolumeClaim *struct {
						ClaimName string `yaml:"claimName"`
					} `yaml:"persistentVolumeClaim"`
				} `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

func TestStudyJob(t *testing.T) {
	f, err := os.Open(jobFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var docs []k8sDoc
	dec := yaml.NewDecoder(f)
	for {
		var d k8sDoc
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", jobFile, err)
		}
		docs = append(docs, d)
	}
	claims := map[string]bool{}
	var job *k8sDoc
	for i, d := range docs {
		switch d.Kind {
		case "PersistentVolumeClaim":
			claims[d.Metadata.Name] = true
			if !slices.Contains(d.Spec.AccessModes, "ReadWriteMany") {
				t.Errorf("claim %s is not ReadWriteMany: the shards' pods may run on different nodes", d.Metadata.Name)
			}
		case "Job":
			if job != nil {
				t.Fatal("two Jobs")
			}
			job = &docs[i]
		}
	}
	if job == nil {
		t.Fatal("no Job")
	}
	s := job.Spec
	if s.CompletionMode != "Indexed" {
		t.Errorf("completionMode %q, want Indexed", s.CompletionMode)
	}
	if s.Completions == nil || *s.Completions < 1 {
		t.Fatal("no completions")
	}
	n := *s.Completions
	if s.Parallelism == nil || *s.Parallelism < 1 || *s.Parallelism > n {
		t.Errorf("parallelism %v, want 1 to completions (%d)", s.Parallelism, n)
	}
	ps := s.Template.Spec
	if ps.RestartPolicy != "Never" {
		t.Errorf("restartPolicy %q, want Never (a shard is not rerun in place)", ps.RestartPolicy)
	}
	if len(ps.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(ps.Containers))
	}
	c := ps.Containers[0]
	if len(c.Args) > 0 {
		t.Fatalf("the container has args %q: keep the whole runbench command in command", c.Args)
	}
	if len(c.Command) == 0 || path.Base(c.Command[0]) != "runbench" {
		t.Fatalf("command %q does not start runbench", c.Command)
	}
	if !slices.Contains(c.Command, "$(JOB_COMPLETION_INDEX)/"+strconv.Itoa(n)) {
		t.Errorf("command %q does not pass -shard $(JOB_COMPLETION_INDEX)/%d", c.Command, n)
	}
	// Whole, dedicated CPUs.
	for _, res := range []string{"cpu", "memory"} {
		if c.Resources.Requests[res] == "" || c.Resources.Requests[res] != c.Resources.Limits[res] {
			t.Errorf("%s request %q and limit %q: want them set and equal (Guaranteed QoS)", res, c.Resources.Requests[res], c.Resources.Limits[res])
		}
	}
	if cpu, err := strconv.Atoi(c.Resources.Limits["cpu"]); err != nil || cpu < 1 {
		t.Errorf("cpu limit %q: want a whole number of CPUs", c.Resources.Limits["cpu"])
	}
	// Where the shards write: a mount of a claim declared here.
	mounts := map[string]string{} // mount path → claim
	for _, vm := range c.VolumeMounts {
		for _, v := range ps.Volumes {
			if v.Name == vm.Name && v.PersistentVolumeClaim != nil {
				mounts[vm.MountPath] = v.PersistentVolumeClaim.ClaimName
			}
		}
	}

	// The command of pod i, as the kubelet expands it: the Job controller
	// sets JOB_COMPLETION_INDEX to i.
	var runs []runbenchArgs
	for i := range n {
		cmd := slices.Clone(c.Command)
		for j, a := range cmd {
			cmd[j] = strings.ReplaceAll(a, "$(JOB_COMPLETION_INDEX)", strconv.Itoa(i))
			if strings.Contains(cmd[j], "$(") {
				t.Fatalf("command %q uses a variable other than JOB_COMPLETION_INDEX", c.Command)
			}
		}
		r := parseRunArgs(t, cmd[1:])
		inClaim := false
		for mp, claim := range mounts {
			if strings.HasPrefix(r.out, mp+"/") && claims[claim] {
				inClaim = true
			}
		}
		if !inClaim {
			t.Errorf("pod %d writes to %q, not on the claim of this file (mounts %v)", i, r.out, mounts)
		}
		runs = append(runs, r)
	}
	checkRecipeShards(t, runs, n)

	// The image: a multi-stage build of ./cmd/runbench with the module's Go,
	// which puts runbench where the command finds it.
	df, err := os.ReadFile(dockerFile)
	if err != nil {
		t.Fatal(err)
	}
	from := regexp.MustCompile(`(?m)^FROM\s+(\S+)`).FindAllStringSubmatch(string(df), -1)
	if len(from) < 2 {
		t.Fatalf("%s has %d stages, want a multi-stage build", dockerFile, len(from))
	}
	gomod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
	if goVersion == nil || from[0][1] != "golang:"+string(goVersion[1]) {
		t.Errorf("the build stage is %s; go.mod wants go %s", from[0][1], goVersion[1])
	}
	for _, want := range []string{"go build", "./cmd/runbench", "COPY --from=build /out/runbench /usr/local/bin/runbench"} {
		if !strings.Contains(string(df), want) {
			t.Errorf("%s lacks %q", dockerFile, want)
		}
	}
}
