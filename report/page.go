package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/concbench/concbench/internal/footnote"
)

// The page, the last stage of a report: the model and its figures,
// formatted (format.go, verdict_text.go) into one HTML file from the
// templates in page/, which are embedded in the binary. A golden test
// (page_test.go) holds the page of a fixed set of files.

var (
	//go:embed page/page.html.tmpl
	pageTemplate string
	//go:embed page/page.css
	pageCSS string
	//go:embed page/charts.js
	chartsScript string
)

// pageTmpl is the parsed page template; its functions read figs, which
// renderPage sets for one execution (the template is parsed anew each
// time, so no state is shared between reports).
func pageTmpl(figs *figures) (*template.Template, error) {
	return template.New("report").Funcs(template.FuncMap{
		"fv": func(unit string, v float64) string {
			if math.IsNaN(v) {
				return "–"
			}
			return formatValue(unit, v)
		},
		"ci":    func(r *statRow) string { return formatInterval(r.Unit, r.CI) },
		"delta": rowDelta,
		"pval": func(r *statRow) string {
			if r.Floor {
				return ""
			}
			return formatP(r)
		},
		"marks":      marks,
		"sup":        func(i int) string { return footnote.Superscript(i + 1) },
		"inc":        func(i int) int { return i + 1 },
		"dec":        func(i int) int { return i - 1 },
		"outcome":    formatOutcome,
		"rowName":    rowName,
		"floorLabel": func() string { return floorLabel },
		"vsDelta": func(r *statRow) string {
			if r.VsFirst == nil {
				return ""
			}
			d, _ := formatVsFirst(r.VsFirst, r.Summary.Center)
			return d
		},
		"vsP": func(r *statRow) string {
			if r.VsFirst == nil {
				return ""
			}
			_, p := formatVsFirst(r.VsFirst, r.Summary.Center)
			return p
		},
		"lastFile":    func(t *statTable) string { return t.Columns[len(t.Columns)-1].File },
		"groupName":   groupName,
		"kindClass":   kindClass,
		"answer":      verdict.answer,
		"number":      verdict.number,
		"caveats":     verdict.caveats,
		"details":     verdict.details,
		"uniformLine": uniformLine,
		"stackNote": func(n notOK) string {
			if n.StackLines <= maxStackLines {
				return ""
			}
			return "first " + strconv.Itoa(maxStackLines) + " of " + strconv.Itoa(n.StackLines) + " lines"
		},
		"overheadLine":  overheadLine,
		"clockLine":     clockLine,
		"groupCharts":   func(g *group) []chart { return figs.group[g] },
		"sectionCharts": func(s *section) []chart { return figs.section[s] },
		"headlineChart": func(s *section) *chart { return figs.headline[s] },
	}).Funcs(decisionFuncs).Parse(pageTemplate)
}

// decisionFuncs are the page template's functions of the decision table.
var decisionFuncs = template.FuncMap{
	"decisionLines":  (*decisionTable).lines,
	"decisionClass":  decisionClass,
	"where":          (*decisionRow).where,
	"decisionLegend": (*decisionTable).legend,
}

// renderPage writes the page of m and its figures to w.
func renderPage(w io.Writer, m *model, figs *figures) error {
	t, err := pageTmpl(figs)
	if err != nil {
		return fmt.Errorf("report: template: %w", err)
	}
	var script template.JS
	if figs.interactive {
		script = template.JS(strings.Replace(chartsScript, "NS_UNITS", nsUnitsJSON(), 1))
	}
	if err := t.Execute(w, struct {
		CSS    template.CSS
		Script template.JS
		M      *model
	}{template.CSS(pageCSS), script, m}); err != nil {
		return fmt.Errorf("report: rendering: %w", err)
	}
	return nil
}

// rowName is a row's name on the page: its implementation, or the
// floor's label.
func rowName(r *statRow) string {
	if r.Floor {
		return floorLabel
	}
	return r.Impl
}

// rowDelta is a row's "vs base" cell.
func rowDelta(r *statRow) string {
	if r.Floor {
		return "floor (not ranked)"
	}
	return formatDelta(r, r.base)
}

// groupName names a ranking's group, or "" where the scenario has no
// parameters to name.
func groupName(g *group) string {
	if t := g.Title(); t != noParams {
		return t
	}
	return ""
}

func kindClass(kind string) string {
	switch kind {
	case verdictHolds:
		return "v-holds"
	case verdictHoldsWhen:
		return "v-when"
	case verdictNot:
		return "v-not"
	case verdictTooFew, verdictNoMeaning:
		return "v-few"
	}
	return "v-iso"
}

// decisionClass is the class of a decision line of kind.
func decisionClass(kind string) string {
	switch kind {
	case decisionWinner:
		return "d-win"
	case decisionAlone:
		return "d-alone"
	}
	return "d-none"
}

// uniformLine says, of a table whose every trial has the same value,
// that value in a line; "" for any other table.
func uniformLine(t *statTable) string {
	if len(t.Columns) > 0 || len(t.Rows) == 0 {
		return "" // the columns show it file by file
	}
	v := t.Rows[0].Sample.Values[0]
	n := 0
	for _, r := range t.Rows {
		for _, x := range r.Sample.Values {
			if x != v {
				return ""
			}
		}
		n += r.N
	}
	return fmt.Sprintf("%s: %s in every trial of every implementation (%d trials)", t.Unit, formatValue(t.Unit, v), n)
}

// overheadLine states the driver's own cost and what the latencies
// include; "" where the files hold go test results only, which the
// harness had no part in.
func overheadLine(m *model) string {
	o := m.Overhead
	var parts []string
	switch {
	case o != nil:
		s := "harness overhead: mean " + formatNs(o.Mean, 4, " ") + " per operation"
		if !math.IsNaN(o.P99) {
			s += ", p99 " + formatNs(o.P99, 4, " ")
		}
		parts = append(parts, s+" (median of "+strconv.Itoa(o.N)+" trials of scenario "+strings.Join(o.Scenarios, ", ")+")")
	case m.ScenarioResults:
		parts = append(parts, "harness overhead: not measured in these files (run a scenario of pattern harness, such as the quick suite's harness-overhead, beside them)")
	}
	if m.Trials {
		parts = append(parts, latencyNote)
	}
	return strings.Join(parts, ". ")
}

// clockLine states what a clock read costs on the files' machine.
func clockLine(m *model) string {
	if m.Clock == 0 {
		return ""
	}
	return fmt.Sprintf("a clock read (time.Now) costs %s on the machine of these files; a time per operation within %d reads of it is marked, since a ratio between such times may be this machine's clock rather than the design (a design that reads the clock twice pays twice)", formatNs(m.Clock, 4, " "), clockDominated)
}
