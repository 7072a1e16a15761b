package compare

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"

	"golang.org/x/perf/benchmath"
)

// jsonCell is one cell of the json format: numbers as computed, and the
// strings benchstat prints for them.
type jsonCell struct {
	Column   string   `json:"column"`
	N        int      `json:"n"`
	Center   float64  `json:"center"`
	Lo       *float64 `json:"lo"` // the interval; null when unbounded (too few runs for the confidence level)
	Hi       *float64 `json:"hi"`
	Range    string   `json:"range"` // "± 3%"
	Warnings []string `json:"warnings,omitempty"`
	// Against the first column's cell of the row, if this is a later
	// column and the row has one.
	Delta       string   `json:"delta,omitempty"` // "+5.00%" or "~"
	P           *float64 `json:"p,omitempty"`
	Alpha       float64  `json:"alpha,omitempty"`
	Significant bool     `json:"significant,omitempty"`
	Compare     string   `json:"compare,omitempty"` // "p=0.002 n=6"
}

type jsonRow struct {
	Name  string     `json:"name"`
	Cells []jsonCell `json:"cells"`
}

type jsonGeomean struct {
	Column   string   `json:"column"`
	Geomean  *float64 `json:"geomean,omitempty"`
	Ratio    *float64 `json:"ratio,omitempty"` // to the first column
	Warnings []string `json:"warnings,omitempty"`
}

// jsonKV is one "key: value" line of a table's configuration.
type jsonKV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type jsonTable struct {
	Config     []jsonKV      `json:"config"` // the table key, .unit aside
	Unit       string        `json:"unit"`
	Assumption string        `json:"assumption"`
	Columns    []string      `json:"columns"`
	Rows       []jsonRow     `json:"rows"`
	Geomean    []jsonGeomean `json:"geomean"`
}

func finiteOrNil(x float64) *float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return nil
	}
	return &x
}

// assumptionName names a unit's distributional assumption as its
// assume= metadata does.
func assumptionName(a benchmath.Assumption) string {
	if a == benchmath.AssumeExact {
		return "exact"
	}
	return "nothing"
}

func errStrings(errs ...[]error) []string {
	var out []string
	for _, es := range errs {
		for _, e := range es {
			out = append(out, e.Error())
		}
	}
	return out
}

// json writes the comparison as one json document: the files, each
// table with its configuration, columns, rows of cells and geomeans
// (numbers as computed, beside the strings benchstat prints for them),
// the threshold and its regressions, and the skipped lines.
func (c *comparison) json(w *bytes.Buffer) error {
	tables := []jsonTable{}
	for _, t := range c.tables {
		tables = append(tables, jsonTableOf(t))
	}
	regs := c.regs
	if regs == nil {
		regs = []Regression{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Files         []string     `json:"files"`
		Tables        []jsonTable  `json:"tables"`
		MaxRegression float64      `json:"max_regression,omitempty"`
		Calibration   string       `json:"calibration,omitempty"`
		Regressions   []Regression `json:"regressions"`
		Skipped       []string     `json:"skipped_lines,omitempty"`
	}{c.files, tables, c.max, c.calibration(), regs, c.skipped})
}

// jsonTableOf is table t in the json format.
func jsonTableOf(t *tab) jsonTable {
	jt := jsonTable{Config: []jsonKV{}, Unit: t.Unit, Assumption: assumptionName(t.Assumption), Rows: []jsonRow{}}
	for _, f := range t.Key.Projection().FlattenedFields() {
		if f.Name != ".unit" {
			jt.Config = append(jt.Config, jsonKV{f.Name, t.Key.Get(f)})
		}
	}
	for _, col := range t.Cols {
		jt.Columns = append(jt.Columns, col.StringValues())
	}
	for _, r := range t.Rows {
		jr := jsonRow{Name: r.StringValues()}
		for _, col := range t.Cols {
			if cell, ok := t.Cells[cellKey{r, col}]; ok {
				jr.Cells = append(jr.Cells, jsonCellOf(col.StringValues(), cell))
			}
		}
		jt.Rows = append(jt.Rows, jr)
	}
	for j, col := range t.Cols {
		s := t.Summary[col]
		g := jsonGeomean{Column: col.StringValues(), Warnings: errStrings(s.Warnings)}
		if s.HasSummary {
			g.Geomean = &s.Summary
		}
		if j > 0 && s.HasRatio {
			g.Ratio = &s.Ratio
		}
		jt.Geomean = append(jt.Geomean, g)
	}
	return jt
}

// jsonCellOf is the cell of column col in the json format, with its
// comparison if it has a baseline.
func jsonCellOf(col string, cell *tabCell) jsonCell {
	jc := jsonCell{Column: col, N: len(cell.Sample.Values), Center: cell.Summary.Center,
		Lo: finiteOrNil(cell.Summary.Lo), Hi: finiteOrNil(cell.Summary.Hi), Range: "± " + cell.Summary.PctRangeString(),
		Warnings: errStrings(cell.Sample.Warnings, cell.Summary.Warnings)}
	if cell.Baseline != nil {
		cmp := cell.Comparison
		p := cmp.P
		jc.Delta = strings.TrimSpace(cmp.FormatDelta(cell.Baseline.Summary.Center, cell.Summary.Center))
		jc.P, jc.Alpha, jc.Significant, jc.Compare = &p, cmp.Alpha, cmp.P < cmp.Alpha, cmp.String()
		jc.Warnings = append(jc.Warnings, errStrings(cmp.Warnings)...)
	}
	return jc
}
