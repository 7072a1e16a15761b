package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchunit"
)

// samples holds one file's values by unit (benchfmt.Reader tidies units as
// benchstat shows them: ns/op becomes sec/op) and row: a row is a full
// benchmark name within its package, so that same-named benchmarks of two
// packages (a go test ./... of a module) are never pooled.
type samples struct {
	units  []string
	names  []rowKey
	vals   map[unitRow][]float64
	meta   benchfmt.UnitMetadataMap
	syntax []string
}

// rowKey is a benchmark name within its package (the file's pkg: line).
type rowKey struct{ pkg, name string }

type unitRow struct {
	unit string
	row  rowKey
}

func readSamples(path string) (*samples, error) {
	s := &samples{vals: map[unitRow][]float64{}}
	meta, warnings, err := scanResults(path, func(rec *benchfmt.Result) {
		n := rowKey{string(rec.GetConfig("pkg")), rec.Name.String()}
		if !slices.Contains(s.names, n) {
			s.names = append(s.names, n)
		}
		for _, v := range rec.Values {
			if !slices.Contains(s.units, v.Unit) {
				s.units = append(s.units, v.Unit)
			}
			k := unitRow{v.Unit, n}
			s.vals[k] = append(s.vals[k], v.Value)
		}
	})
	if err != nil {
		return nil, err
	}
	s.meta, s.syntax = meta, warnings
	return s, nil
}

// Compare writes a benchstat-style comparison of two result files: per
// unit, a row per full benchmark name (the -N GOMAXPROCS suffix is part of
// the name, as in benchstat) with the old and new medians ± the 95% CI
// as a percentage, the change, and the Mann–Whitney U p-value, "~" when
// the change is not significant at α = 0.05. The numbers are those
// `go tool benchstat old new` prints; unlike benchstat, results whose file
// configuration differs (another cpu, another scenario file) are still
// compared, and there is no multiple-comparison correction, as in
// benchstat. Malformed lines are listed after the tables.
func Compare(w io.Writer, oldFile, newFile string) error {
	_, err := CompareWith(w, oldFile, newFile, CompareOptions{})
	return err
}

// CompareOptions are the choices of CompareWith.
type CompareOptions struct {
	// MaxRegression, if above 0, is the largest change, as a fraction of
	// the old median (0.05 for 5%), that a benchmark may take in its
	// unit's bad direction: a change that is statistically significant
	// (the same Mann-Whitney U test and alpha as the table) and worse than
	// it is a regression. The bad direction is the unit's better=
	// metadata, else lower is better except for rates (units ending /s).
	MaxRegression float64
	// Format is text (benchstat's tables; the default), markdown (for a
	// pull-request comment), csv or json.
	Format string
}

// Formats are the values of CompareOptions.Format.
var formats = []string{"text", "markdown", "csv", "json"}

// cmpRow is one row of a comparison, kept for the formats other than
// text: formatted cells, and the medians as numbers for json.
type cmpRow struct {
	Name      string   `json:"name"`
	Old       string   `json:"old,omitempty"`
	OldCI     string   `json:"old_ci,omitempty"`
	New       string   `json:"new,omitempty"`
	NewCI     string   `json:"new_ci,omitempty"`
	Delta     string   `json:"delta,omitempty"`
	P         string   `json:"p,omitempty"`
	OldMedian *float64 `json:"old_median,omitempty"`
	NewMedian *float64 `json:"new_median,omitempty"`
}

type cmpTable struct {
	Unit string   `json:"unit"`
	Rows []cmpRow `json:"rows"`
}

// Regression is a row that broke CompareOptions.MaxRegression.
type Regression struct {
	Unit, Name string
	Old, New   float64 // medians
	P          float64
}

func (r Regression) String() string {
	cls := benchunit.ClassOf(r.Unit)
	return fmt.Sprintf("%s %s: %s → %s (%+.2f%%, p=%.3f)", r.Name, r.Unit,
		benchunit.Scale(r.Old, cls), benchunit.Scale(r.New, cls), (r.New/r.Old-1)*100, r.P)
}

// CompareWith is Compare with options. With MaxRegression it also returns
// the regressions, which it prints after the tables, last.
func CompareWith(w io.Writer, oldFile, newFile string, opts CompareOptions) ([]Regression, error) {
	if opts.Format == "" {
		opts.Format = "text"
	}
	if !slices.Contains(formats, opts.Format) {
		return nil, fmt.Errorf("report: format %q: want one of %s", opts.Format, strings.Join(formats, ", "))
	}
	var regressions []Regression
	var tables []cmpTable
	olds, err := readSamples(oldFile)
	if err != nil {
		return nil, err
	}
	news, err := readSamples(newFile)
	if err != nil {
		return nil, err
	}
	units := slices.Clone(olds.units)
	for _, u := range news.units {
		if !slices.Contains(units, u) {
			units = append(units, u)
		}
	}
	names := slices.Clone(olds.names)
	for _, n := range news.names {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	th := benchmath.DefaultThresholds
	var notes []string
	mark := func(errs ...[]error) string {
		var m []string
		for _, es := range errs {
			for _, e := range es {
				i := slices.Index(notes, e.Error())
				if i < 0 {
					notes = append(notes, e.Error())
					i = len(notes) - 1
				}
				m = append(m, superscript(i+1))
			}
		}
		return strings.Join(m, " ")
	}
	// A row is labelled by its name, and by its package too when the
	// files hold more than one.
	pkgs := map[string]bool{}
	for _, n := range names {
		pkgs[n.pkg] = true
	}
	label := func(n rowKey) string {
		if len(pkgs) > 1 {
			return n.name + " [pkg " + n.pkg + "]"
		}
		return n.name
	}
	width := 0
	for _, n := range names {
		width = max(width, len(label(n)))
	}
	// The table is right-aligned; padding the names to one width keeps
	// them left-aligned.
	pad := func(s string) string { return s + strings.Repeat(" ", max(0, width-len(s))) }
	var out strings.Builder
	fmt.Fprintf(&out, "old: %s\nnew: %s\n", oldFile, newFile)
	for _, unit := range units {
		tw := tabwriter.NewWriter(&out, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(&out, "\n")
		fmt.Fprintf(tw, "%s\t old\t\t\t new\t\t\t vs base\t\t\n", pad(unit))
		cls := benchunit.ClassOf(unit)
		table := cmpTable{Unit: unit}
		var oldCenters, newCenters, ratios []float64
		rows := 0
		for _, n := range names {
			ov, nv := olds.vals[unitRow{unit, n}], news.vals[unitRow{unit, n}]
			if len(ov) == 0 && len(nv) == 0 {
				continue
			}
			rows++
			cells := []string{pad(label(n))}
			var os, ns *benchmath.Sample
			var osum, nsum benchmath.Summary
			var centers []float64
			if len(ov) > 0 {
				os = benchmath.NewSample(ov, &th)
				osum = benchmath.AssumeNothing.Summary(os, confidence)
				centers = append(centers, osum.Center)
			}
			if len(nv) > 0 {
				ns = benchmath.NewSample(nv, &th)
				nsum = benchmath.AssumeNothing.Summary(ns, confidence)
				centers = append(centers, nsum.Center)
			}
			sc := benchunit.CommonScale(centers, cls)
			for _, c := range []struct {
				s   *benchmath.Sample
				sum benchmath.Summary
			}{{os, osum}, {ns, nsum}} {
				if c.s == nil {
					cells = append(cells, "", "", "")
					continue
				}
				cells = append(cells, sc.Format(c.sum.Center), "± "+c.sum.PctRangeString(), mark(c.s.Warnings, c.sum.Warnings))
			}
			if os != nil && ns != nil {
				cmp := benchmath.AssumeNothing.Compare(os, ns)
				if opts.MaxRegression > 0 && cmp.P < cmp.Alpha && worse(unit, olds.meta, osum.Center, nsum.Center, opts.MaxRegression) {
					regressions = append(regressions, Regression{Unit: unit, Name: label(n), Old: osum.Center, New: nsum.Center, P: cmp.P})
				}
				cells = append(cells, cmp.FormatDelta(osum.Center, nsum.Center), "("+cmp.String()+")", mark(cmp.Warnings))
				oldCenters = append(oldCenters, osum.Center)
				newCenters = append(newCenters, nsum.Center)
				if osum.Center == nsum.Center {
					ratios = append(ratios, 1)
				} else if osum.Center != 0 {
					ratios = append(ratios, nsum.Center/osum.Center)
				}
			} else {
				cells = append(cells, "", "", "")
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
			row := cmpRow{Name: label(n), Old: cells[1], OldCI: cells[2], New: cells[4], NewCI: cells[5], Delta: cells[7], P: strings.Trim(cells[8], "()")}
			if os != nil {
				row.OldMedian = &osum.Center
			}
			if ns != nil {
				row.NewMedian = &nsum.Center
			}
			table.Rows = append(table.Rows, row)
		}
		tables = append(tables, table)
		if rows > 1 {
			og, ng, rg := geomean(oldCenters), geomean(newCenters), geomean(ratios)
			cells := []string{pad("geomean"), fmtGeo(og, cls), "", "", fmtGeo(ng, cls), "", ""}
			if math.IsNaN(rg) || len(ratios) != len(oldCenters) {
				cells = append(cells, "?", "", "")
			} else {
				cells = append(cells, fmt.Sprintf("%+.2f%%", (rg-1)*100), "", "")
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
		}
		if err := tw.Flush(); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
	}
	if len(notes) > 0 {
		out.WriteString("\n")
		for i, n := range notes {
			fmt.Fprintf(&out, "%s %s\n", superscript(i+1), n)
		}
	}
	if syn := append(olds.syntax, news.syntax...); len(syn) > 0 {
		out.WriteString("\nwarnings (lines skipped):\n")
		for _, s := range syn {
			out.WriteString("  " + s + "\n")
		}
	}
	if opts.MaxRegression > 0 {
		fmt.Fprintf(&out, "\nregressions beyond %g%% (significant at alpha 0.05, in each unit's bad direction): %d\n", opts.MaxRegression*100, len(regressions))
		for _, r := range regressions {
			out.WriteString("  " + r.String() + "\n")
		}
	}
	if opts.Format != "text" {
		return regressions, renderComparison(w, opts.Format, oldFile, newFile, tables, regressions, append(olds.syntax, news.syntax...))
	}
	lines := strings.Split(out.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	if _, err := io.WriteString(w, strings.Join(lines, "\n")); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return regressions, nil
}

// worse reports whether new is more than max (a fraction) worse than old
// in unit's bad direction.
func worse(unit string, meta benchfmt.UnitMetadataMap, old, new, max float64) bool {
	better := meta.GetBetter(unit)
	if better == 0 {
		better = -1
		if strings.HasSuffix(unit, "/s") {
			better = +1
		}
	}
	if old == 0 {
		return better < 0 && new > 0
	}
	change := new/old - 1
	if better < 0 {
		return change > max
	}
	return change < -max
}

// geomean returns the geometric mean of vs, NaN if one is not positive
// or vs is empty.
func geomean(vs []float64) float64 {
	if len(vs) == 0 {
		return math.NaN()
	}
	sum := 0.0
	for _, v := range vs {
		if v <= 0 {
			return math.NaN()
		}
		sum += math.Log(v)
	}
	return math.Exp(sum / float64(len(vs)))
}

func fmtGeo(v float64, cls benchunit.Class) string {
	if math.IsNaN(v) {
		return "?"
	}
	return benchunit.Scale(v, cls)
}

// renderComparison writes a comparison as markdown, csv or json: the same
// rows, medians and p-values as the text tables (without benchstat's
// geomean rows and footnote marks), then the regressions and the skipped
// lines.
func renderComparison(w io.Writer, format, oldFile, newFile string, tables []cmpTable, regs []Regression, skipped []string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		regText := make([]string, len(regs))
		for i, r := range regs {
			regText[i] = r.String()
		}
		return enc.Encode(struct {
			Old         string     `json:"old"`
			New         string     `json:"new"`
			Tables      []cmpTable `json:"tables"`
			Regressions []string   `json:"regressions"`
			Skipped     []string   `json:"skipped_lines,omitempty"`
		}{oldFile, newFile, tables, regText, skipped})
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"unit", "name", "old", "old ci", "new", "new ci", "delta", "p"})
		for _, t := range tables {
			for _, r := range t.Rows {
				cw.Write([]string{t.Unit, r.Name, r.Old, r.OldCI, r.New, r.NewCI, r.Delta, r.P})
			}
		}
		cw.Flush()
		return cw.Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "old: `%s`, new: `%s`\n", oldFile, newFile)
	esc := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	for _, t := range tables {
		fmt.Fprintf(&b, "\n| %s | old | new | vs base | |\n|---|---:|---:|---:|---|\n", esc(t.Unit))
		for _, r := range t.Rows {
			fmt.Fprintf(&b, "| %s | %s %s | %s %s | %s | %s |\n", esc(r.Name), r.Old, r.OldCI, r.New, r.NewCI, r.Delta, r.P)
		}
	}
	if len(regs) > 0 {
		fmt.Fprintf(&b, "\n**Regressions** (%d):\n\n", len(regs))
		for _, r := range regs {
			fmt.Fprintf(&b, "- %s\n", esc(r.String()))
		}
	}
	if len(skipped) > 0 {
		b.WriteString("\nLines skipped:\n\n")
		for _, s := range skipped {
			fmt.Fprintf(&b, "- `%s`\n", s)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
