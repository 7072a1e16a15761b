package report

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/concbench/concbench/internal/noise"
	"github.com/concbench/concbench/record"
)

// section is one heading of the report: a pattern (scenario results) or a
// go test benchmark base name.
type section struct {
	ID       string
	Title    string
	Scenario bool
	Groups   []*group
	NotOK    []notOK
	// AllFailed are trials that ended ok though every operation they
	// measured failed: numbers of failures, which read as a fast design
	// unless they are named.
	AllFailed []notOK
	// Disturbed are trials whose numbers are not their target's alone
	// (record.Trial.Disturbed): their Error says why.
	Disturbed []notOK
	// Machine says what the machine did during the section's trials
	// (record.Trial.Noise); "" if they recorded nothing.
	Machine  string
	noise    []noiseShare
	Summary  *summary // scenario sections only
	groupIdx map[string]*group
}

// group is one (scenario, non-impl parameters) combination of a section.
type group struct {
	Key      string
	Scenario string
	Params   []kv
	Impls    []string // in file order; the first is the baseline
	Tables   []*statTable
	// Files are the group's columns, in file order, when one of its
	// implementations has results in more than one file (see
	// statTable.Columns); nil when each has results in one file only.
	Files   []string
	results map[string][]result
	trials  map[string][]record.Trial
	trialOf map[string][]string // the results file of each of trials[impl]
}

// notOK is a trial whose status is not ok.
type notOK struct {
	Name, Status, Error string
	Rep                 int
	Stacks              string // its first maxStackLines lines
	StackLines          int    // how many lines the whole dump has
}

func (s *section) group(n name) *group {
	k := n.tableKey()
	if g, ok := s.groupIdx[k]; ok {
		return g
	}
	g := &group{Key: k, Scenario: n.Scenario, Params: n.Params,
		results: map[string][]result{}, trials: map[string][]record.Trial{}, trialOf: map[string][]string{}}
	s.groupIdx[k] = g
	s.Groups = append(s.Groups, g)
	return g
}

func (g *group) addImpl(impl string) {
	if !slices.Contains(g.Impls, impl) {
		g.Impls = append(g.Impls, impl)
	}
}

// buildSections groups results and trials into sections and groups, in
// the order they first appear.
func buildSections(ds *dataset) []*section {
	var out []*section
	idx := map[string]*section{}
	ids := map[string]bool{} // of sections; the page's own anchors are not sec-
	get := func(n name) *section {
		title := n.section()
		if s, ok := idx[title]; ok {
			return s
		}
		s := &section{ID: uniqueID(ids, "sec-"+slug(title)), Title: title, Scenario: n.Scenario != "", groupIdx: map[string]*group{}}
		idx[title] = s
		out = append(out, s)
		return s
	}
	for _, r := range ds.Results {
		g := get(r.Name).group(r.Name)
		g.addImpl(r.Name.Impl)
		g.results[r.Name.Impl] = append(g.results[r.Name.Impl], r)
	}
	for i, t := range ds.Trials {
		n := trialName(t)
		s := get(n)
		g := s.group(n)
		g.addImpl(n.Impl)
		g.trials[n.Impl] = append(g.trials[n.Impl], t)
		g.trialOf[n.Impl] = append(g.trialOf[n.Impl], ds.TrialOf[i])
		if t.Status != record.StatusOK {
			s.NotOK = append(s.NotOK, newNotOK(t))
		} else if t.Ops > 0 && t.Errors == t.Ops {
			s.AllFailed = append(s.AllFailed, notOK{Name: t.Name, Status: t.Status, Rep: t.Rep})
		}
		if t.Noise != nil {
			s.noise = append(s.noise, shareOf(*t.Noise, t.GOMAXPROCS))
		}
		if t.Disturbed != "" {
			s.Disturbed = append(s.Disturbed, notOK{Name: t.Name, Status: t.Status, Error: t.Disturbed, Rep: t.Rep})
		}
	}
	for _, s := range out {
		s.Machine = machineLine(s.noise)
	}
	return out
}

// noiseShare is what the machine took from one trial, as shares.
type noiseShare struct {
	lost, others, steal float64
	missing             []string
}

func shareOf(r noise.Reading, gomaxprocs int) noiseShare {
	return noiseShare{lost: r.Lost(gomaxprocs), others: r.Others(),
		steal: float64(r.StealNs) / math.Max(float64(r.SpanNs)*float64(r.MachineCPUs), 1), missing: r.Missing}
}

// machineLine summarises what the machine did during trials: the median
// and the largest share of their CPU time lost (run-queue wait and steal),
// of the machine other processes used, and of it stolen.
func machineLine(ns []noiseShare) string {
	if len(ns) == 0 {
		return ""
	}
	pick := func(f func(noiseShare) float64) (med, most float64) {
		xs := make([]float64, len(ns))
		for i, n := range ns {
			xs[i] = 100 * f(n)
		}
		slices.Sort(xs)
		return xs[len(xs)/2], xs[len(xs)-1]
	}
	l50, lmax := pick(func(n noiseShare) float64 { return n.lost })
	o50, omax := pick(func(n noiseShare) float64 { return n.others })
	s50, smax := pick(func(n noiseShare) float64 { return n.steal })
	line := fmt.Sprintf("The machine during these %d trials: they lost %.0f%% of their CPU time at the median (%.0f%% at most) to run-queue wait and steal; other processes used %.0f%% of its CPUs (%.0f%% at most); the hypervisor stole %.0f%% (%.0f%% at most). A trial past %.0f%% lost while others and steal took %.0f%% is marked disturbed.",
		len(ns), l50, lmax, o50, omax, s50, smax, 100*noise.LostBound, 100*noise.OthersBound)
	if len(ns[0].missing) > 0 {
		line += " Not recorded on this system: " + strings.Join(ns[0].missing, ", ") + "."
	}
	return line
}

// maxStackLines bounds the goroutine dump shown per trial.
const maxStackLines = 200

func newNotOK(t record.Trial) notOK {
	n := notOK{Name: t.Name, Status: t.Status, Error: t.Error, Rep: t.Rep}
	if t.Status == record.StatusHung || t.Status == record.StatusCrashed || t.Stacks != "" {
		lines := strings.Split(t.Stacks, "\n")
		n.StackLines = len(lines)
		n.Stacks = strings.Join(lines[:min(len(lines), maxStackLines)], "\n")
		if t.Stacks == "" {
			n.Stacks = "(no stacks recorded)"
		}
	}
	return n
}

// units returns the units a group's tables show.
func (g *group) units(ds *dataset, scenario bool) []string {
	have := map[string]bool{}
	for _, rs := range g.results {
		for _, r := range rs {
			for u := range r.Values {
				have[u] = true
			}
		}
	}
	var out []string
	if scenario {
		for _, u := range scenarioUnits() {
			if have[u] {
				out = append(out, u)
			}
		}
	}
	for _, u := range ds.Units {
		if have[u] && !slices.Contains(out, u) && !(scenario && slices.Contains(hiddenScenarioUnits(), u)) {
			out = append(out, u)
		}
	}
	return out
}

// columnFiles returns the files that are the group's columns: every file
// with a result of the group, in the order of files, if some
// implementation has results in more than one; else nil, one column.
// Shards of one run hold disjoint cells, so they stay one column.
func (g *group) columnFiles(files []fileInfo) []string {
	several := false
	in := map[string]bool{}
	for _, rs := range g.results {
		mine := map[string]bool{}
		for _, r := range rs {
			mine[r.File] = true
			in[r.File] = true
		}
		several = several || len(mine) > 1
	}
	if !several {
		return nil
	}
	var out []string
	for _, f := range files {
		if in[f.Path] {
			out = append(out, f.Path)
		}
	}
	return out
}

// valuesByFile returns the values of unit per file and implementation.
func (g *group) valuesByFile(unit string) map[string]map[string][]float64 {
	out := map[string]map[string][]float64{}
	for impl, rs := range g.results {
		for _, r := range rs {
			if v, ok := r.Values[unit]; ok {
				if out[r.File] == nil {
					out[r.File] = map[string][]float64{}
				}
				out[r.File][impl] = append(out[r.File][impl], v)
			}
		}
	}
	return out
}

// keepTrialsOf drops the sidecar trials of every file but file, so that
// the charts drawn from trials (latency spectrum, time series) show one
// file's run and never merge two runs' histograms.
func (g *group) keepTrialsOf(file string) {
	for impl, ts := range g.trials {
		var keep []record.Trial
		var of []string
		for i, t := range ts {
			if g.trialOf[impl][i] == file {
				keep = append(keep, t)
				of = append(of, file)
			}
		}
		g.trials[impl], g.trialOf[impl] = keep, of
	}
}

// shown returns the values of unit per implementation that the report's
// rankings and verdicts read: with several file columns, the last file's
// (the column the charts show too), never a pool of two runs.
func (g *group) shown(unit string) map[string][]float64 {
	if g.Files != nil {
		return g.valuesByFile(unit)[g.Files[len(g.Files)-1]]
	}
	return g.values(unit)
}

// values returns the values of unit per implementation.
func (g *group) values(unit string) map[string][]float64 {
	out := map[string][]float64{}
	for impl, rs := range g.results {
		for _, r := range rs {
			if v, ok := r.Values[unit]; ok {
				out[impl] = append(out[impl], v)
			}
		}
	}
	return out
}

func (g *group) table(unit string) *statTable {
	for _, t := range g.Tables {
		if t.Unit == unit {
			return t
		}
	}
	return nil
}

// primaryUnit is the unit a go test group is charted by: a custom
// per-item time unit when present (ns/item), else ns/op, else the first.
func (g *group) primaryUnit() string {
	if len(g.Tables) == 0 {
		return ""
	}
	for _, t := range g.Tables {
		if strings.HasPrefix(t.Unit, "ns/") && t.Unit != "ns/op" {
			return t.Unit
		}
	}
	for _, t := range g.Tables {
		if t.Unit == "ns/op" {
			return t.Unit
		}
	}
	return g.Tables[0].Unit
}

// Title names the group within its section: its parameters (a scenario's
// section holds that scenario only); with several file columns, it names
// the last file, whose numbers the charts and verdicts show.
func (g *group) Title() string {
	t := g.Key
	if g.Scenario != "" {
		t = strings.TrimPrefix(strings.TrimPrefix(t, "scenario="+g.Scenario), "/")
	}
	if t == "" {
		t = noParams
	}
	if g.Files != nil {
		t += " (in " + g.Files[len(g.Files)-1] + ")"
	}
	return t
}

func slug(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteRune(c)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), "-")
	if len(out) > 60 {
		out = out[:60]
	}
	if out == "" {
		out = "x"
	}
	return out
}

// uniqueID returns id, or id-2, id-3, … the first not in used, and marks
// it used: titles that differ only in case or past the slug's 60 bytes
// (Alpha_Beta and ALPHA_beta) would share an anchor, and both links would
// go to the first.
func uniqueID(used map[string]bool, id string) string {
	u := id
	for i := 2; used[u]; i++ {
		u = id + "-" + strconv.Itoa(i)
	}
	used[u] = true
	return u
}

// noParams is the title of the one group of a scenario without
// parameters.
const noParams = "(no parameters)"
