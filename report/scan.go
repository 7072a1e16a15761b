package report

import (
	"fmt"
	"os"

	"golang.org/x/perf/benchfmt"

	"github.com/concbench/concbench/internal/resultline"
)

// scanResults reads the benchfmt file at path and calls keep with each
// result line it accepts, in file order. It checks each line with
// resultline.NonFinite, as package compare does, so both refuse the same
// lines with the same warning.
//
// It returns the file's unit metadata and its warnings, each
// "file:line: message", in file order: benchfmt's syntax errors and the
// lines refused because a value is not finite. A NaN or ±Inf value
// poisons every statistic after it (the Mann–Whitney U step grows without
// bound on a NaN, medians and geomeans turn NaN, a chart's axis turns
// infinite), so such a line is skipped whole, before any statistics.
// Zero and negative values are data and are kept.
//
// Only an unreadable file is an error.
func scanResults(path string, keep func(*benchfmt.Result)) (benchfmt.UnitMetadataMap, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("report: %w", err)
	}
	defer f.Close()
	var warnings []string
	r := benchfmt.NewReader(f, path)
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.SyntaxError:
			warnings = append(warnings, rec.Error())
		case *benchfmt.Result:
			if w := resultline.NonFinite(rec); w != "" {
				warnings = append(warnings, w)
				continue
			}
			keep(rec)
		}
	}
	if err := r.Err(); err != nil {
		return nil, nil, fmt.Errorf("report: reading %s: %w", path, err)
	}
	return r.Units(), warnings, nil
}
