package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// The report as text: its decision table and its claims audit, for a CI
// job's summary or a pull-request comment (markdown) or a program (JSON),
// from the same model as the page; no page and no chart is drawn.

// Text formats of WriteSummary.
const (
	Markdown = "markdown" // GitHub tables
	JSON     = "json"     // the same data, stable field names
)

// SummaryFormats lists the formats WriteSummary writes.
func SummaryFormats() []string { return []string{Markdown, JSON} }

// WriteSummary reads files (and their sidecars) as Generate does and
// writes their decision table and claims audit to w in format, Markdown
// or JSON. It writes no page and no chart. Files that hold no result are
// ErrNoResults; an unreadable file is an error naming it.
func WriteSummary(w io.Writer, files []string, format string) error {
	if format != Markdown && format != JSON {
		return fmt.Errorf("report: format %q: want %s", format, strings.Join(SummaryFormats(), " or "))
	}
	if len(files) == 0 {
		return errors.New("report: no result files given")
	}
	ds, err := readFiles(files)
	if err != nil {
		return err
	}
	m := buildModel(ds)
	var buf bytes.Buffer
	if format == JSON {
		err = writeJSON(&buf, m)
	} else {
		writeMarkdown(&buf, m)
	}
	if err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// writeMarkdown writes the banners, the decision table, the claims audit
// and the warnings as GitHub markdown.
func writeMarkdown(w *bytes.Buffer, m *model) {
	for _, b := range banners(m) {
		fmt.Fprintf(w, "> **%s**\n\n", mdCell(b))
	}
	dt := m.Decisions
	w.WriteString("## Which design, for which workload\n\n")
	if len(dt.Rows) > 0 {
		markdownDecisions(w, dt)
		w.WriteString("\n" + mdCell(dt.legend()) + "\n")
	} else if m.ScenarioResults {
		w.WriteString("No scenario of these files declares a headline unit, so no design is named.\n")
	} else {
		w.WriteString("These files hold no scenario results (go test benchmarks name their winners in the HTML report's tables).\n")
	}
	if len(dt.LeftOut) > 0 {
		var parts []string
		for _, l := range dt.LeftOut {
			parts = append(parts, "`"+l.Scenario+"` ("+l.Why+")")
		}
		w.WriteString("\nNot in the table: " + mdCell(strings.Join(parts, "; ")) + ".\n")
	}
	w.WriteString("\n## Claims audit\n\n")
	if len(m.Verdicts) == 0 {
		w.WriteString("No scenario of these files declares a claim.\n")
	} else {
		markdownAudit(w, m.Verdicts)
	}
	if ws := warnings(m); len(ws) > 0 {
		fmt.Fprintf(w, "\n<details><summary>%d warning(s): lines that could not be read</summary>\n\n", len(ws))
		for _, s := range ws {
			w.WriteString("- " + mdCell(s) + "\n")
		}
		w.WriteString("\n</details>\n")
	}
}

// markdownDecisions writes the decision table: a line per headline unit,
// the pattern and the scenario on the first line of theirs.
func markdownDecisions(w *bytes.Buffer, dt *decisionTable) {
	head := "| pattern | workload | headline | use | what the winner costs |"
	align := "|---|---|---|---|---|"
	if dt.Files != nil {
		head, align = head+" what changed |", align+"---|"
	}
	w.WriteString(head + "\n" + align + "\n")
	for _, l := range dt.lines() {
		var pattern, workload string
		if l.PatternSpan > 0 {
			pattern = l.Row.Pattern
		}
		if l.RowSpan > 0 {
			workload = "`" + l.Row.Scenario + "`"
			if wh := l.Row.where(); wh != "" {
				workload += " **" + wh + "**"
			}
			if l.Row.Summary != "" {
				workload += " " + l.Row.Summary
			}
		}
		use := l.Use
		switch l.Kind {
		case decisionWinner:
			use = "**" + l.Use + "** " + l.By
		case decisionAlone:
			use = l.Use + " (" + l.By + ")"
		case decisionNone, decisionTooFew:
			use = "_" + l.Use + "_ (" + l.By + ")"
		}
		unit := l.Unit
		if l.Disturbed > 0 {
			unit += fmt.Sprintf(" ⚠ %d disturbed", l.Disturbed)
		}
		cells := []string{pattern, workload, unit, use, l.costText()}
		if dt.Files != nil {
			cells = append(cells, l.changeText())
		}
		for i := range cells {
			cells[i] = mdCell(cells[i])
		}
		w.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
}

// markdownAudit writes the claims audit as the page shows it.
func markdownAudit(w *bytes.Buffer, vs []verdict) {
	w.WriteString("| # | claim | verdict | the number that decides it | scenario |\n|---:|---|---|---|---|\n")
	for _, v := range vs {
		num := mdCell(v.number())
		for _, c := range v.caveats() {
			num += "<br>_" + mdCell(c) + "_"
		}
		guide := ""
		if v.Guide != 0 {
			guide = strconv.Itoa(v.Guide)
		}
		fmt.Fprintf(w, "| %s | %s | **%s**: %s | %s | `%s` |\n", guide, mdCell(v.Claim.Text), v.Kind, mdCell(v.answer()), num, v.Scenario)
	}
}

// mdCell makes s safe in a markdown table cell: one line, its '|'
// escaped, and '<' and '>' as entities, so that no text of the files
// becomes markup.
func mdCell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;").Replace(s)
}

// banners are what the page's red banners say: a partial run, a study's
// missing shards.
func banners(m *model) []string {
	var out []string
	if len(m.MissingShards) > 0 {
		var ss []string
		for _, s := range m.MissingShards {
			ss = append(ss, strconv.Itoa(s))
		}
		out = append(out, fmt.Sprintf("PART of a sharded study: these files lack shard(s) %s of %d; every table, ranking and verdict covers only the shards they hold.", strings.Join(ss, ", "), m.ShardsOf))
	}
	if len(m.Partial) > 0 {
		out = append(out, "PARTIAL run: "+strings.Join(m.Partial, ", ")+" did not finish; results cover only the trials that completed.")
	}
	return out
}

// warnings are the page's warnings: malformed lines and sidecar problems.
func warnings(m *model) []string {
	out := append([]string(nil), m.Syntax...)
	for _, e := range m.TrialErrs {
		out = append(out, "sidecar: "+e)
	}
	return out
}
