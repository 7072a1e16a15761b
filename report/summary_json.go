package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
)

// The summary as JSON: the markdown's data with stable field names. Each
// decision line carries the text the table shows and, per parameter
// combination, the numbers behind it. A number that is not finite (a
// ratio to a median of 0, a median that is missing) is null.

// jsonSummary is the document WriteSummary writes as JSON.
type jsonSummary struct {
	Files     []string      `json:"files"`
	Banners   []string      `json:"banners,omitempty"` // a partial run, missing shards
	Decisions jsonDecisions `json:"decision_table"`
	Claims    []jsonVerdict `json:"claims_audit"`
	Warnings  []string      `json:"warnings,omitempty"`
}

type jsonDecisions struct {
	// ComparedFiles are the files whose results overlap, in order: "what
	// changed" compares the first with the last. Absent for one run.
	ComparedFiles []string          `json:"compared_files,omitempty"`
	Legend        string            `json:"legend"`
	Rows          []jsonDecisionRow `json:"rows"`
	LeftOut       []jsonLeftOut     `json:"left_out,omitempty"`
}

type jsonLeftOut struct {
	Scenario string `json:"scenario"`
	Why      string `json:"why"`
}

type jsonDecisionRow struct {
	Pattern        string `json:"pattern"`
	Scenario       string `json:"scenario"`
	Summary        string `json:"summary"`
	Section        string `json:"section"` // the page's anchor of its section
	Where          string `json:"where,omitempty"`
	OfCombinations int    `json:"of_combinations"`
	// Headline is a line per headline unit, as the table writes it.
	Headline     []jsonDecisionLine `json:"headline"`
	Combinations []jsonCombination  `json:"combinations"`
}

type jsonDecisionLine struct {
	Unit    string `json:"unit"`
	Better  string `json:"better"` // higher or lower
	Outcome string `json:"outcome"`
	Use     string `json:"use"`
	By      string `json:"by"`
	Cost    string `json:"cost,omitempty"`
	Change  string `json:"change,omitempty"`
}

type jsonCombination struct {
	Params string     `json:"params,omitempty"`
	Cells  []jsonCell `json:"cells"` // by headline unit, in the row's order
}

type jsonCell struct {
	Unit           string      `json:"unit"`
	Outcome        string      `json:"outcome"`
	Best           string      `json:"best,omitempty"`
	RunnerUp       string      `json:"runner_up,omitempty"`
	BestMedian     *float64    `json:"best_median"`
	RunnerUpMedian *float64    `json:"runner_up_median"`
	Ratio          *float64    `json:"ratio"`
	P              *float64    `json:"p"`
	Cost           []jsonCost  `json:"cost,omitempty"` // of best
	Disturbed      int         `json:"disturbed_trials"`
	Change         *jsonChange `json:"change,omitempty"`
}

type jsonCost struct {
	Unit     string   `json:"unit"`
	Value    *float64 `json:"value"`
	RunnerUp *float64 `json:"runner_up"`
}

type jsonChange struct {
	From     string   `json:"from,omitempty"`
	To       string   `json:"to,omitempty"`
	Compared bool     `json:"compared"`
	Before   string   `json:"winner_before,omitempty"`
	After    string   `json:"winner_after,omitempty"`
	Changed  bool     `json:"winner_changed"`
	Design   string   `json:"design,omitempty"`
	Moved    *float64 `json:"moved"` // a fraction: 0.05 is +5%
	MovedP   *float64 `json:"moved_p"`
	Note     string   `json:"note,omitempty"`
}

type jsonVerdict struct {
	Guide    int      `json:"guide,omitempty"`
	Claim    string   `json:"claim"`
	Scenario string   `json:"scenario"`
	Unit     string   `json:"unit,omitempty"`
	Follows  string   `json:"follows,omitempty"`
	Ignores  string   `json:"ignores,omitempty"`
	Verdict  string   `json:"verdict"`
	Answer   string   `json:"answer"`
	Number   string   `json:"number,omitempty"`
	Caveats  []string `json:"caveats,omitempty"`
}

// finite is v, or nil where it is NaN or infinite.
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// writeJSON writes m's summary as one indented JSON document.
func writeJSON(w *bytes.Buffer, m *model) error {
	doc := jsonSummary{Banners: banners(m), Warnings: warnings(m), Claims: []jsonVerdict{}}
	for _, f := range m.Files {
		doc.Files = append(doc.Files, f.Path)
	}
	dt := m.Decisions
	doc.Decisions = jsonDecisions{ComparedFiles: dt.Files, Legend: dt.legend(), Rows: []jsonDecisionRow{}}
	for _, l := range dt.LeftOut {
		doc.Decisions.LeftOut = append(doc.Decisions.LeftOut, jsonLeftOut{l.Scenario, l.Why})
	}
	var row *jsonDecisionRow
	for _, l := range dt.lines() {
		if l.RowSpan > 0 {
			doc.Decisions.Rows = append(doc.Decisions.Rows, jsonRow(l.Row))
			row = &doc.Decisions.Rows[len(doc.Decisions.Rows)-1]
		}
		better := "lower"
		if l.Row.Better[len(row.Headline)] > 0 {
			better = "higher"
		}
		row.Headline = append(row.Headline, jsonDecisionLine{Unit: l.Row.Units[len(row.Headline)], Better: better,
			Outcome: l.Kind, Use: l.Use, By: l.By, Cost: l.costText(), Change: l.changeText()})
	}
	for _, v := range m.Verdicts {
		doc.Claims = append(doc.Claims, jsonVerdict{Guide: v.Guide, Claim: v.Claim.Text, Scenario: v.Scenario, Unit: v.Claim.Unit,
			Follows: v.Claim.Follows, Ignores: v.Claim.Ignores, Verdict: v.Kind, Answer: v.answer(), Number: v.number(), Caveats: v.caveats()})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("report: json: %w", err)
	}
	return nil
}

// jsonRow is a decision row's numbers, its lines left to the caller.
func jsonRow(r *decisionRow) jsonDecisionRow {
	jr := jsonDecisionRow{Pattern: r.Pattern, Scenario: r.Scenario, Summary: r.Summary, Section: r.Link, Where: r.where(), OfCombinations: r.Of}
	for _, c := range r.Combos {
		jc := jsonCombination{Params: c.Params}
		for i, cell := range c.Cells {
			jc.Cells = append(jc.Cells, jsonCellOf(r.Units[i], cell))
		}
		jr.Combinations = append(jr.Combinations, jc)
	}
	return jr
}

func jsonCellOf(unit string, c *decisionCell) jsonCell {
	jc := jsonCell{Unit: unit, Outcome: c.Kind, Best: c.Best, RunnerUp: c.Second, BestMedian: finite(c.BestMed),
		RunnerUpMedian: finite(c.SecondMed), Ratio: finite(c.Ratio), P: finite(c.P), Disturbed: c.Disturbed}
	for _, v := range c.Cost {
		jc.Cost = append(jc.Cost, jsonCost{Unit: v.Unit, Value: finite(v.Value), RunnerUp: finite(v.Second)})
	}
	if ch := c.Change; ch != nil {
		jc.Change = &jsonChange{From: ch.From, To: ch.To, Compared: ch.Compared, Before: ch.Before, After: ch.After, Changed: ch.Changed(),
			Design: ch.Design, Moved: finite(ch.Moved), MovedP: finite(ch.MovedP), Note: ch.Note}
	}
	return jc
}
