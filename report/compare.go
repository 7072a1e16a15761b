package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchproc"
	"golang.org/x/perf/benchunit"

	"github.com/concbench/concbench/internal/footnote"
	"github.com/concbench/concbench/internal/resultline"
)

// Compare writes a benchstat comparison of two result files, with
// benchstat's default grouping. See CompareFiles.
func Compare(w io.Writer, oldFile, newFile string) error {
	_, err := CompareFiles(w, []string{oldFile, newFile}, CompareOptions{})
	return err
}

// CompareWith is CompareFiles of two files.
func CompareWith(w io.Writer, oldFile, newFile string, opts CompareOptions) ([]Regression, error) {
	return CompareFiles(w, []string{oldFile, newFile}, opts)
}

// CompareOptions are the choices of CompareFiles.
type CompareOptions struct {
	// Projections group the results; the zero value is benchstat's
	// default: a table per configuration (every file-level key, pkg
	// included) and unit, a row per full name, a column per file.
	Projections
	// MaxRegression, if above 0, is the largest change, as a fraction of
	// the first column's center (0.05 for 5%), that a cell may take in
	// its unit's bad direction: a change that is statistically
	// significant (the table's own test and alpha) and worse than it is a
	// regression. The bad direction is the unit's better= metadata, else
	// lower is better except for rates (units ending /s).
	MaxRegression float64
	// Format is text (benchstat's tables; the default), markdown (for a
	// pull-request comment), csv (benchstat's -format csv, byte for
	// byte) or json.
	Format string
	// Warnings receives what does not fit the csv format, as benchstat
	// writes it to standard error: cell warnings, skipped lines and the
	// regressions. Nil discards them. The other formats carry them in w.
	Warnings io.Writer
}

// Formats lists the values of CompareOptions.Format.
func Formats() []string { return []string{"text", "markdown", "csv", "json"} }

// confidence is benchstat's default confidence level; the report uses the
// same for its intervals (stats.go).

// Regression is a cell that broke CompareOptions.MaxRegression.
type Regression struct {
	Table  string  `json:"table,omitempty"` // the table's keys that tell it from the other tables ("pkg:example.com/a")
	Unit   string  `json:"unit"`
	Name   string  `json:"name"`   // the row
	Col    string  `json:"column"` // the column that regressed
	Base   string  `json:"base"`   // the first column, compared with
	Old    float64 `json:"old"`    // centers
	New    float64 `json:"new"`
	P      float64 `json:"p"`
	Better int     `json:"better"` // +1 higher is better, -1 lower
}

func (r Regression) String() string {
	cls := benchunit.ClassOf(r.Unit)
	var b strings.Builder
	if r.Table != "" {
		b.WriteString(r.Table + " ")
	}
	fmt.Fprintf(&b, "%s %s: %s → %s (%+.2f%%, p=%.3f; %s vs %s)", r.Name, r.Unit,
		benchunit.Scale(r.Old, cls), benchunit.Scale(r.New, cls), (r.New/r.Old-1)*100, r.P, r.Col, r.Base)
	return b.String()
}

// comparison is everything a CompareFiles renderer shows.
type comparison struct {
	files   []string
	tables  []*tab
	varying []*benchproc.Field // table key fields that differ between tables (not .unit)
	units   benchfmt.UnitMetadataMap
	skipped []string // malformed and non-finite lines, and results the filter refused with a reason
	regs    []Regression
	max     float64
}

// CompareFiles compares benchmark result files exactly as
// `go tool benchstat` does, and takes its flags: results are filtered by
// opts.Filter and projected into tables, rows and columns (by default a
// table per configuration and unit, a row per full benchmark name, a
// column per file, so same-named benchmarks of two packages are two
// tables and two files of the same benchmarks are two columns, never one
// pooled sample). Each cell shows its median (or mean, for units with
// assume=exact metadata) ± the 95% confidence interval, and each cell
// after the first column its change from the first column's cell with
// the Mann–Whitney U p-value, "~" when not significant at α = 0.05
// (benchmath, the code benchstat runs, so the numbers are the same).
// There is no multiple-comparison correction, as in benchstat.
//
// A file argument may be label=path, as in benchstat, to name its column.
// Malformed lines and lines with a value that is not finite are skipped
// and listed after the tables. With opts.MaxRegression it also returns
// the regressions, which it prints last. Nothing is written until all of
// it is computed; a bad projection is a *QueryError and writes nothing.
func CompareFiles(w io.Writer, files []string, opts CompareOptions) ([]Regression, error) {
	if opts.Format == "" {
		opts.Format = "text"
	}
	if !slices.Contains(Formats(), opts.Format) {
		return nil, fmt.Errorf("report: format %q: want one of %s", opts.Format, strings.Join(Formats(), ", "))
	}
	c, err := readComparison(files, opts)
	if err != nil {
		return nil, err
	}
	var out, warn bytes.Buffer
	switch opts.Format {
	case "text":
		err = c.text(&out)
	case "markdown":
		err = c.markdown(&out)
	case "csv":
		err = c.csv(&out, &warn)
	case "json":
		err = c.json(&out)
	}
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if _, err := w.Write(out.Bytes()); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if opts.Warnings != nil && warn.Len() > 0 {
		if _, err := opts.Warnings.Write(warn.Bytes()); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
	}
	return c.regs, nil
}

// readComparison reads files into the tables of a comparison, skipping
// malformed and non-finite lines, and finds the regressions.
func readComparison(files []string, opts CompareOptions) (*comparison, error) {
	b, err := newTabBuilder(opts.Projections)
	if err != nil {
		return nil, err
	}
	c := &comparison{max: opts.MaxRegression}
	fs := benchfmt.Files{Paths: files, AllowLabels: true}
	for fs.Scan() {
		switch rec := fs.Result().(type) {
		case *benchfmt.SyntaxError:
			c.skipped = append(c.skipped, rec.Error())
		case *benchfmt.Result:
			if w := resultline.NonFinite(rec); w != "" {
				c.skipped = append(c.skipped, w)
				continue
			}
			if _, why := b.add(rec); why != nil {
				c.skipped = append(c.skipped, why.Error())
			}
		}
	}
	if err := fs.Err(); err != nil {
		return nil, fmt.Errorf("report: reading %s: %w", strings.Join(files, ", "), err)
	}
	th := benchmath.DefaultThresholds
	c.files, c.units = files, fs.Units()
	c.tables = b.build(c.units, confidence, &th)
	c.varying = varyingFields(c.tables)
	if c.max > 0 {
		c.regs = c.regressions()
	}
	return c, nil
}

// varyingFields are the table key fields, .unit aside, whose values
// differ between tables: what a regression's line must name to say which
// table it is in.
func varyingFields(tables []*tab) []*benchproc.Field {
	keys := make([]benchproc.Key, len(tables))
	for i, t := range tables {
		keys[i] = t.Key
	}
	var out []*benchproc.Field
	for _, f := range benchproc.NonSingularFields(keys) {
		if f.Name != ".unit" {
			out = append(out, f)
		}
	}
	return out
}

// label names a table by its varying fields, "pkg:example.com/a".
func (c *comparison) label(t *tab) string {
	var parts []string
	for _, f := range c.varying {
		parts = append(parts, f.Name+":"+t.Key.Get(f))
	}
	return strings.Join(parts, " ")
}

// regressions are the cells, in table, row and column order, whose
// change from their row's first-column cell is significant and worse
// than c.max in the unit's bad direction.
func (c *comparison) regressions() []Regression {
	var out []Regression
	for _, t := range c.tables {
		better := betterOf(c.units, t.Unit)
		for _, r := range t.Rows {
			for _, col := range t.Cols[1:] {
				cell := t.Cells[cellKey{r, col}]
				if cell == nil || cell.Baseline == nil {
					continue
				}
				cmp := cell.Comparison
				old, new := cell.Baseline.Summary.Center, cell.Summary.Center
				if cmp.P < cmp.Alpha && worse(better, old, new, c.max) {
					out = append(out, Regression{Table: c.label(t), Unit: t.Unit, Name: r.StringValues(),
						Col: col.StringValues(), Base: t.Cols[0].StringValues(), Old: old, New: new, P: cmp.P, Better: better})
				}
			}
		}
	}
	return out
}

// betterOf is +1 if higher values of unit are better, -1 if lower: its
// better= metadata, else lower except for rates (units ending /s).
func betterOf(units benchfmt.UnitMetadataMap, unit string) int {
	if b := units.GetBetter(unit); b != 0 {
		return b
	}
	if strings.HasSuffix(unit, "/s") {
		return 1
	}
	return -1
}

// worse reports whether new is more than max (a fraction) worse than old
// in the bad direction of a unit whose better is +1 or -1.
func worse(better int, old, new, max float64) bool {
	if old == 0 {
		return better < 0 && new > 0
	}
	change := new/old - 1
	if better < 0 {
		return change > max
	}
	return change < -max
}

// footnotes numbers a table's warnings, as benchstat does: each distinct
// message once, in order of first use.
type footnotes struct{ list []string }

func (f *footnotes) mark(errs ...[]error) string {
	return strings.Join(footnote.Marks(&f.list, errs...), " ")
}

// headers returns, for table i, the "key: value" lines of its key that
// changed since table i-1, as benchstat prints them above a table.
func headers(tables []*tab, i int) []string {
	var out []string
	for _, f := range tables[i].Key.Projection().FlattenedFields() {
		if f.Name == ".unit" {
			continue
		}
		v := tables[i].Key.Get(f)
		if i == 0 || v != tables[i-1].Key.Get(f) {
			out = append(out, f.Name+": "+v)
		}
	}
	return out
}

// rowScaler is benchstat's common scale for the centers of one row.
func (t *tab) rowScaler(row benchproc.Key) benchunit.Scaler {
	var vs []float64
	for _, col := range t.Cols {
		if c, ok := t.Cells[cellKey{row, col}]; ok {
			vs = append(vs, c.Summary.Center)
		}
	}
	return benchunit.CommonScale(vs, benchunit.ClassOf(t.Unit))
}

// text writes benchstat's tables: per table the configuration lines that
// changed, a header of column labels and units, a row per benchmark with
// each column's center ± interval and, after the first column, the change
// and p-value, the geomean row, the footnotes; then the skipped lines and
// the regressions, last.
func (c *comparison) text(w *bytes.Buffer) error {
	for i, t := range c.tables {
		if i > 0 {
			w.WriteString("\n")
		}
		for _, h := range headers(c.tables, i) {
			w.WriteString(h + "\n")
		}
		var notes footnotes
		// A body row is the label, then per column the cells
		// center, ± range, marks and (after the first) delta, (p), marks.
		var body [][]string
		for _, r := range t.Rows {
			sc := t.rowScaler(r)
			cells := []string{r.StringValues()}
			for j, col := range t.Cols {
				cell, ok := t.Cells[cellKey{r, col}]
				if ok {
					cells = append(cells, sc.Format(cell.Summary.Center), "± "+cell.Summary.PctRangeString(), notes.mark(cell.Sample.Warnings, cell.Summary.Warnings))
				} else {
					cells = append(cells, "", "", "")
				}
				if j == 0 {
					continue
				}
				if ok && cell.Baseline != nil {
					cells = append(cells, cell.Comparison.FormatDelta(cell.Baseline.Summary.Center, cell.Summary.Center),
						"("+cell.Comparison.String()+")", notes.mark(cell.Comparison.Warnings))
				} else {
					cells = append(cells, "", "", "")
				}
			}
			body = append(body, cells)
		}
		if len(t.Rows) > 1 {
			cells := []string{"geomean"}
			cls := benchunit.ClassOf(t.Unit)
			for j, col := range t.Cols {
				s := t.Summary[col]
				v := ""
				if s.HasSummary {
					v = benchunit.Scale(s.Summary, cls)
				}
				if j == 0 {
					cells = append(cells, v, "", notes.mark(s.Warnings))
					continue
				}
				ratio := "?"
				if s.HasRatio {
					ratio = fmt.Sprintf("%+.2f%%", (s.Ratio-1)*100)
				}
				cells = append(cells, v, "", "", ratio, "", notes.mark(s.Warnings))
			}
			body = append(body, cells)
		}
		layoutText(w, t, body)
		for k, n := range notes.list {
			fmt.Fprintf(w, "%s %s\n", footnote.Superscript(k+1), n)
		}
	}
	if len(c.tables) == 0 {
		w.WriteString("no benchmark results (after -filter)\n")
	}
	if len(c.skipped) > 0 {
		w.WriteString("\nwarnings (lines skipped):\n")
		for _, s := range c.skipped {
			w.WriteString("  " + s + "\n")
		}
	}
	c.regressionsText(w)
	return nil
}

// layoutText lays body out under two header rows, benchstat's way: the
// column labels centered over their columns, the unit over each column's
// values and "vs base" over its changes, columns between │ rules. Widths
// count runes, so µ, ± and superscripts line up.
func layoutText(w *bytes.Buffer, t *tab, body [][]string) {
	width := func(s string) int { return utf8.RuneCountInString(s) }
	// Grid column k of body: 0 the label; then per table column j its
	// cells; alignment: centers and deltas right, the rest left.
	n := 1 + 3 + 6*(len(t.Cols)-1)
	right := func(k int) bool {
		if k == 0 {
			return false
		}
		k = (k - 1) % 6 // 0 center, 1 range, 2 marks, 3 delta, 4 p, 5 marks
		return k == 0 || k == 1 || k == 3
	}
	ws := make([]int, n)
	for _, r := range body {
		for k, c := range r {
			ws[k] = max(ws[k], width(c))
		}
	}
	pad := func(s string, wd int, r bool) string {
		if r {
			return strings.Repeat(" ", wd-width(s)) + s
		}
		return s + strings.Repeat(" ", wd-width(s))
	}
	center := func(s string, wd int) string {
		l := (wd - width(s)) / 2
		return strings.Repeat(" ", l) + s + strings.Repeat(" ", wd-width(s)-l)
	}
	// join lays out grid columns lo..hi-1 of a row, one space apart,
	// dropping empty marks columns.
	join := func(r []string, lo, hi int) string {
		var parts []string
		for k := lo; k < hi; k++ {
			if ws[k] == 0 {
				continue
			}
			parts = append(parts, pad(r[k], ws[k], right(k)))
		}
		return strings.Join(parts, " ")
	}
	// Each table column is a group of grid columns; its values part
	// (center, range, marks) and, after the first, its change part.
	type group struct{ vlo, vhi, dlo, dhi, vw, dw int }
	groups := make([]group, len(t.Cols))
	empty := make([]string, n)
	for j := range t.Cols {
		var g group
		if j == 0 {
			g.vlo, g.vhi = 1, 4
		} else {
			g.vlo = 4 + 6*(j-1)
			g.vhi, g.dlo, g.dhi = g.vlo+3, g.vlo+3, g.vlo+6
		}
		g.vw = max(width(join(empty, g.vlo, g.vhi)), width(t.Unit))
		if j > 0 {
			g.dw = max(width(join(empty, g.dlo, g.dhi)), width("vs base"))
		}
		groups[j] = g
	}
	groupWidth := func(j int) int {
		g := groups[j]
		if j == 0 {
			return g.vw
		}
		return g.vw + 2 + g.dw
	}
	line := func(label string, cell func(j int) string) {
		var b strings.Builder
		b.WriteString(pad(label, ws[0], false))
		for j := range t.Cols {
			b.WriteString(" │ " + cell(j))
		}
		b.WriteString(" │")
		w.WriteString(strings.TrimRight(b.String(), " ") + "\n")
	}
	for j, col := range t.Cols {
		if d := width(col.StringValues()) - groupWidth(j); d > 0 {
			groups[j].vw += d // a long label widens its column
		}
	}
	line("", func(j int) string { return center(t.Cols[j].StringValues(), groupWidth(j)) })
	line("", func(j int) string {
		s := center(t.Unit, groups[j].vw)
		if j > 0 {
			s += "  " + pad("vs base", groups[j].dw, false)
		}
		return s
	})
	for _, r := range body {
		var b strings.Builder
		b.WriteString(pad(r[0], ws[0], false))
		for j := range t.Cols {
			g := groups[j]
			b.WriteString("   " + pad(join(r, g.vlo, g.vhi), g.vw, true))
			if j > 0 {
				b.WriteString("  " + pad(join(r, g.dlo, g.dhi), g.dw, false))
			}
		}
		w.WriteString(strings.TrimRight(b.String(), " ") + "\n")
	}
}

func (c *comparison) regressionsText(w *bytes.Buffer) {
	if c.max <= 0 {
		return
	}
	fmt.Fprintf(w, "\nregressions beyond %g%% (significant at alpha %g, in each unit's bad direction): %d\n",
		c.max*100, benchmath.DefaultThresholds.CompareAlpha, len(c.regs))
	for _, r := range c.regs {
		w.WriteString("  " + r.String() + "\n")
	}
}

// csv writes benchstat's -format csv exactly, and to warn what benchstat
// writes to standard error with it (each cell's warnings, named by their
// spreadsheet cell), then the skipped lines and the regressions.
func (c *comparison) csv(w, warn *bytes.Buffer) error {
	o := csv.NewWriter(w)
	row := 1
	for i, t := range c.tables {
		if i > 0 {
			o.Write([]string{""})
			row++
		}
		for _, h := range headers(c.tables, i) {
			o.Write([]string{h})
			row++
		}
		row += t.csv(o, row, warn)
	}
	o.Flush()
	for _, s := range c.skipped {
		fmt.Fprintln(warn, s)
	}
	c.regressionsText(warn)
	return o.Error()
}

// csv writes one table in benchstat's csv layout starting at spreadsheet
// row startRow, and returns how many rows it wrote.
func (t *tab) csv(o *csv.Writer, startRow int, warnings io.Writer) (rowCount int) {
	const labelCols, centerCols, deltaCols = 1, 2, 2
	startCol := func(exp int) int {
		if exp == 0 {
			return labelCols
		}
		return labelCols + centerCols + (exp-1)*(centerCols+deltaCols)
	}
	var row []string
	clearTo := func(col int) {
		for len(row) < col {
			row = append(row, "")
		}
	}
	emit := func() {
		o.Write(row)
		row = row[:0]
		rowCount++
	}
	warn := func(msgs []error) {
		for _, msg := range msgs {
			fmt.Fprintf(warnings, "%s%d: %s\n", spreadsheetCol(len(row)), startRow+rowCount, msg)
		}
	}
	for _, f := range t.Cols[0].Projection().FlattenedFields() {
		for exp, key := range t.Cols {
			clearTo(startCol(exp))
			row = append(row, key.Get(f))
		}
		clearTo(startCol(len(t.Cols)))
		emit()
	}
	for exp := range t.Cols {
		clearTo(startCol(exp))
		row = append(row, t.Unit, "CI")
		if exp > 0 {
			row = append(row, "vs base", "P")
		}
	}
	emit()
	for _, rk := range t.Rows {
		row = append(row, rk.StringValues())
		for exp, ck := range t.Cols {
			cell, ok := t.Cells[cellKey{rk, ck}]
			if !ok {
				continue
			}
			clearTo(startCol(exp))
			warn(cell.Sample.Warnings)
			warn(cell.Summary.Warnings)
			row = append(row, fmt.Sprint(cell.Summary.Center), cell.Summary.PctRangeString())
			if exp > 0 && cell.Baseline != nil {
				warn(cell.Comparison.Warnings)
				row = append(row, cell.Comparison.FormatDelta(cell.Baseline.Summary.Center, cell.Summary.Center), cell.Comparison.String())
			}
		}
		emit()
	}
	row = append(row, "geomean")
	for exp, key := range t.Cols {
		s := t.Summary[key]
		clearTo(startCol(exp))
		warn(s.Warnings)
		if s.HasSummary {
			row = append(row, fmt.Sprint(s.Summary))
		}
		if exp > 0 {
			clearTo(startCol(exp) + centerCols)
			if s.HasRatio {
				row = append(row, fmt.Sprintf("%+.2f%%", (s.Ratio-1)*100))
			} else {
				row = append(row, "?")
			}
		}
	}
	clearTo(startCol(len(t.Cols)))
	emit()
	return rowCount
}

// spreadsheetCol names column x (0-based) as benchstat's csv warnings do.
// (benchstat's own naming is kept, including its quirks past column Z,
// so that the warnings match.)
func spreadsheetCol(x int) string {
	name := make([]byte, 10)
	pos := len(name)
	for ; x > 0; x /= 26 {
		pos--
		name[pos] = 'A' + byte(x%26)
	}
	if pos == len(name) {
		pos--
		name[pos] = 'A'
	}
	return string(name[pos:])
}

// markdown writes each table as a pull-request comment table: the
// configuration lines, then a row per benchmark with each column's
// center ± interval and its change from the first column; the footnotes,
// the skipped lines, and the regressions last.
func (c *comparison) markdown(w *bytes.Buffer) error {
	esc := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	for i, t := range c.tables {
		w.WriteString("\n")
		if hs := headers(c.tables, i); len(hs) > 0 {
			for k, h := range hs {
				hs[k] = "`" + h + "`"
			}
			w.WriteString(strings.Join(hs, " · ") + "\n\n")
		}
		var notes footnotes
		w.WriteString("| " + esc(t.Unit))
		align := "|---"
		for j, col := range t.Cols {
			w.WriteString(" | " + esc(col.StringValues()))
			align += "|---:"
			if j > 0 {
				w.WriteString(" | vs base")
				align += "|---"
			}
		}
		w.WriteString(" |\n" + align + "|\n")
		for _, r := range t.Rows {
			sc := t.rowScaler(r)
			w.WriteString("| " + esc(r.StringValues()))
			for j, col := range t.Cols {
				cell, ok := t.Cells[cellKey{r, col}]
				if !ok {
					w.WriteString(" | ")
				} else {
					fmt.Fprintf(w, " | %s ± %s%s", sc.Format(cell.Summary.Center), cell.Summary.PctRangeString(), sup(notes.mark(cell.Sample.Warnings, cell.Summary.Warnings)))
				}
				if j == 0 {
					continue
				}
				if ok && cell.Baseline != nil {
					fmt.Fprintf(w, " | %s (%s)%s", strings.TrimSpace(cell.Comparison.FormatDelta(cell.Baseline.Summary.Center, cell.Summary.Center)),
						cell.Comparison.String(), sup(notes.mark(cell.Comparison.Warnings)))
				} else {
					w.WriteString(" | ")
				}
			}
			w.WriteString(" |\n")
		}
		if len(t.Rows) > 1 {
			cls := benchunit.ClassOf(t.Unit)
			w.WriteString("| geomean")
			for j, col := range t.Cols {
				s := t.Summary[col]
				v := "?"
				if s.HasSummary {
					v = benchunit.Scale(s.Summary, cls)
				}
				w.WriteString(" | " + v + sup(notes.mark(s.Warnings)))
				if j > 0 {
					ratio := "?"
					if s.HasRatio {
						ratio = fmt.Sprintf("%+.2f%%", (s.Ratio-1)*100)
					}
					w.WriteString(" | " + ratio)
				}
			}
			w.WriteString(" |\n")
		}
		if len(notes.list) > 0 {
			w.WriteString("\n")
			for k, n := range notes.list {
				fmt.Fprintf(w, "%s %s<br>\n", footnote.Superscript(k+1), esc(n))
			}
		}
	}
	if len(c.tables) == 0 {
		w.WriteString("No benchmark results (after -filter).\n")
	}
	if len(c.skipped) > 0 {
		w.WriteString("\nLines skipped:\n\n")
		for _, s := range c.skipped {
			fmt.Fprintf(w, "- `%s`\n", strings.ReplaceAll(s, "`", "'"))
		}
	}
	if c.max > 0 {
		fmt.Fprintf(w, "\n**Regressions beyond %g%%** (significant at α = %g, in each unit's bad direction): %d\n",
			c.max*100, benchmath.DefaultThresholds.CompareAlpha, len(c.regs))
		if len(c.regs) > 0 {
			w.WriteString("\n")
		}
		for _, r := range c.regs {
			fmt.Fprintf(w, "- %s\n", esc(r.String()))
		}
	}
	return nil
}

func sup(marks string) string {
	if marks == "" {
		return ""
	}
	return " " + strings.ReplaceAll(marks, " ", "")
}

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

type jsonTable struct {
	Config     []kv          `json:"config"` // the table key, .unit aside
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

func (c *comparison) json(w *bytes.Buffer) error {
	tables := []jsonTable{}
	for _, t := range c.tables {
		jt := jsonTable{Config: []kv{}, Unit: t.Unit, Assumption: assumptionName(t.Assumption), Rows: []jsonRow{}}
		for _, f := range t.Key.Projection().FlattenedFields() {
			if f.Name != ".unit" {
				jt.Config = append(jt.Config, kv{f.Name, t.Key.Get(f)})
			}
		}
		for _, col := range t.Cols {
			jt.Columns = append(jt.Columns, col.StringValues())
		}
		for _, r := range t.Rows {
			jr := jsonRow{Name: r.StringValues()}
			for _, col := range t.Cols {
				cell, ok := t.Cells[cellKey{r, col}]
				if !ok {
					continue
				}
				jc := jsonCell{Column: col.StringValues(), N: len(cell.Sample.Values), Center: cell.Summary.Center,
					Lo: finiteOrNil(cell.Summary.Lo), Hi: finiteOrNil(cell.Summary.Hi), Range: "± " + cell.Summary.PctRangeString(),
					Warnings: errStrings(cell.Sample.Warnings, cell.Summary.Warnings)}
				if cell.Baseline != nil {
					cmp := cell.Comparison
					p := cmp.P
					jc.Delta = strings.TrimSpace(cmp.FormatDelta(cell.Baseline.Summary.Center, cell.Summary.Center))
					jc.P, jc.Alpha, jc.Significant, jc.Compare = &p, cmp.Alpha, cmp.P < cmp.Alpha, cmp.String()
					jc.Warnings = append(jc.Warnings, errStrings(cmp.Warnings)...)
				}
				jr.Cells = append(jr.Cells, jc)
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
		tables = append(tables, jt)
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
		Regressions   []Regression `json:"regressions"`
		Skipped       []string     `json:"skipped_lines,omitempty"`
	}{c.files, tables, c.max, regs, c.skipped})
}
