// Package compare is the benchstat-compatible comparison of result files
// and its formats. It reads Go benchmark result files (go test -bench
// output or runbench's results) and compares them as `go tool benchstat`
// does: the results filtered and projected into tables, rows and columns
// by benchstat's flags (Projections), each cell summarised and compared
// with its row's first-column cell by x/perf's benchmath. It finds the
// regressions a CI gate fails on (Regression), and writes the tables as
// text (benchstat's text tables) or csv (benchstat's csv), both byte for
// byte as the tests check against benchstat itself, markdown or json
// (Formats). On purpose, it skips a line with a value that is not
// finite, which benchstat reads, and its text lists the skipped lines
// after the tables (benchstat writes them to standard error) and says so
// when a filter leaves nothing (benchstat prints nothing).
//
// It reads files only: it never imports impl, loadgen, scenarios,
// targets, trial or harness, nor report (which may import it), so it
// compares any project's benchmark output. As in x/perf, the model holds
// numbers (benchmath.Summary and Comparison, geomeans) and only the
// renderers format them; the text layout is internal/texttab's.
package compare

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchproc"

	"github.com/concbench/concbench/internal/resultline"
)

// Confidence is the level of every interval a comparison shows:
// benchstat's default, 95%.
const Confidence = 0.95

// Options are the choices of Files.
type Options struct {
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
	// Calibration, if set, replaces MaxRegression with a threshold per
	// cell from A/A runs (see Calibrate).
	Calibration *Calibration
	// Format is text (benchstat's tables; the default), markdown (for a
	// pull-request comment), csv (benchstat's -format csv, byte for
	// byte) or json.
	Format string
	// Warnings receives what does not fit the csv format, as benchstat
	// writes it to standard error: cell warnings, skipped lines and the
	// regressions. Nil discards them. The other formats carry them in w.
	Warnings io.Writer
}

// ErrNoResults is returned, with nothing written, for files that hold no
// benchmark result at all: there is nothing to show.
var ErrNoResults = errors.New("no benchmark results in the files")

// ErrNothingCompared is returned, after the tables are written, by a CI
// gate (Options.MaxRegression) that found no cell to compare with another
// (a file with no results, or with other benchmarks than the base): a gate
// that passed on nothing would pass every build.
var ErrNothingCompared = errors.New("no result has a result to compare with in another column: the gate checked nothing")

// Formats lists the values of Options.Format.
func Formats() []string { return []string{"text", "markdown", "csv", "json"} }

// comparison is everything a renderer shows.
type comparison struct {
	files   []string
	tables  []*tab
	varying []*benchproc.Field // table key fields that differ between tables (not .unit)
	units   benchfmt.UnitMetadataMap
	skipped []string // malformed and non-finite lines, and results the filter refused with a reason
	regs    []Regression
	max     float64
	cal     *Calibration
}

// Files compares benchmark result files exactly as `go tool benchstat`
// does, and takes its flags: results are filtered by opts.Filter and
// projected into tables, rows and columns (by default a table per
// configuration and unit, a row per full benchmark name, a column per
// file, so same-named benchmarks of two packages are two tables and two
// files of the same benchmarks are two columns, never one pooled sample).
// Each cell shows its median (or mean, for units with assume=exact
// metadata) ± the 95% confidence interval, and each cell after the first
// column its change from the first column's cell with the Mann–Whitney U
// p-value, "~" when not significant at α = 0.05 (benchmath, the code
// benchstat runs, so the numbers are the same). There is no
// multiple-comparison correction, as in benchstat.
//
// A file argument may be label=path, as in benchstat, to name its column.
// Malformed lines and lines with a value that is not finite are skipped
// and listed after the tables. With opts.MaxRegression it also returns
// the regressions, which it prints last. Nothing is written until all of
// it is computed; a bad projection is a *QueryError and writes nothing.
// When ctx ends it stops reading and returns ctx's error, having written
// nothing.
func Files(ctx context.Context, w io.Writer, files []string, opts Options) ([]Regression, error) {
	if opts.Format == "" {
		opts.Format = "text"
	}
	if !slices.Contains(Formats(), opts.Format) {
		return nil, fmt.Errorf("compare: format %q: want one of %s", opts.Format, strings.Join(Formats(), ", "))
	}
	c, err := readComparison(ctx, files, opts)
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
		return nil, fmt.Errorf("compare: %w", err)
	}
	if _, err := w.Write(out.Bytes()); err != nil {
		return nil, fmt.Errorf("compare: %w", err)
	}
	if opts.Warnings != nil && warn.Len() > 0 {
		if _, err := opts.Warnings.Write(warn.Bytes()); err != nil {
			return nil, fmt.Errorf("compare: %w", err)
		}
	}
	if (opts.MaxRegression > 0 || opts.Calibration != nil) && c.compared() == 0 {
		return c.regs, ErrNothingCompared
	}
	return c.regs, nil
}

// compared counts the cells compared with a first-column cell.
func (c *comparison) compared() int {
	n := 0
	for _, t := range c.tables {
		for _, cell := range t.Cells {
			if cell.Baseline != nil {
				n++
			}
		}
	}
	return n
}

// readComparison reads files into the tables of a comparison, skipping
// malformed and non-finite lines, and finds the regressions.
func readComparison(ctx context.Context, files []string, opts Options) (*comparison, error) {
	b, err := newTabBuilder(opts.Projections)
	if err != nil {
		return nil, err
	}
	c := &comparison{max: opts.MaxRegression, cal: opts.Calibration}
	results := 0
	fs := benchfmt.Files{Paths: files, AllowLabels: true}
	for fs.Scan() {
		if results%4096 == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("compare: %w", ctx.Err())
		}
		switch rec := fs.Result().(type) {
		case *benchfmt.SyntaxError:
			c.skipped = append(c.skipped, rec.Error())
		case *benchfmt.Result:
			results++
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
		return nil, fmt.Errorf("compare: reading %s: %w", strings.Join(files, ", "), err)
	}
	if results == 0 {
		return nil, fmt.Errorf("compare: %s: %w", strings.Join(files, ", "), ErrNoResults)
	}
	th := benchmath.DefaultThresholds
	c.files, c.units = files, fs.Units()
	c.tables = b.build(c.units, Confidence, &th)
	c.varying = varyingFields(c.tables)
	if c.max > 0 || c.cal != nil {
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
