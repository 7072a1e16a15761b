package compare

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
)

// A gate calibrated to its runner. Two or more runs of the same code on
// the same machine (A/A runs) show how far each benchmark's center moves
// from run to run with nothing changed. A calibrated gate lets each cell
// move by CalibrationFactor times the largest A/A move of its benchmark,
// and never less than CalibrationFloor: on a machine whose noise moves a
// benchmark by 8%, a fixed 5% gate cries wolf, and one at 16% does not.
const (
	CalibrationFactor = 2.0
	CalibrationFloor  = 0.02
)

// Calibration is a per-cell regression threshold from A/A runs.
type Calibration struct {
	Runs, Pairs int
	// Largest is the largest A/A move of any cell, a fraction; Widest the
	// largest threshold it gives.
	Largest, Widest float64
	// LeaveOneOut, with three or more runs, is for each A/A pair the
	// number of cells that a gate calibrated on the other pairs would
	// have called regressions in it: the false alarms to expect. Nil with
	// fewer runs, where it cannot be estimated.
	LeaveOneOut []int
	moves       []map[string]float64 // per pair: each cell's |change|
	sig         []map[string]bool    // per pair: the cells whose change is significant and worse, either way
	thresholds  map[string]float64
}

// ErrCalibration is returned for A/A runs that calibrate nothing.
var ErrCalibration = errors.New("calibration")

// Calibrate measures the A/A moves of files, two or more runs of the same
// benchmarks on the same machine, compared pairwise as Files compares
// them with proj's tables and rows (their columns are the files).
func Calibrate(ctx context.Context, files []string, proj Projections) (*Calibration, error) {
	if len(files) < 2 {
		return nil, fmt.Errorf("%w: want at least 2 runs of the same code, got %d", ErrCalibration, len(files))
	}
	proj.Col = ".file"
	cal := &Calibration{Runs: len(files), thresholds: map[string]float64{}}
	for i := range files {
		for j := i + 1; j < len(files); j++ {
			c, err := readComparison(ctx, []string{files[i], files[j]}, Options{Projections: proj})
			if err != nil {
				return nil, err
			}
			moves, sig := c.moves()
			if len(moves) == 0 {
				return nil, fmt.Errorf("%w: %s and %s have no benchmark in common to compare", ErrCalibration, files[i], files[j])
			}
			cal.moves, cal.sig = append(cal.moves, moves), append(cal.sig, sig)
		}
	}
	cal.Pairs = len(cal.moves)
	cal.thresholds = thresholdsOf(cal.moves, -1)
	for _, m := range cal.moves {
		for _, v := range m {
			cal.Largest = math.Max(cal.Largest, v)
		}
	}
	for _, t := range cal.thresholds {
		cal.Widest = math.Max(cal.Widest, t)
	}
	if cal.Runs >= 3 {
		for p := range cal.moves {
			others := thresholdsOf(cal.moves, p)
			n := 0
			for k, v := range cal.moves[p] {
				if t, ok := others[k]; cal.sig[p][k] && (!ok || v > t) {
					n++
				}
			}
			cal.LeaveOneOut = append(cal.LeaveOneOut, n)
		}
	}
	return cal, nil
}

// thresholdsOf is each cell's threshold from the A/A moves of every pair
// but skip (-1 for none).
func thresholdsOf(moves []map[string]float64, skip int) map[string]float64 {
	out := map[string]float64{}
	for p, m := range moves {
		if p == skip {
			continue
		}
		for k, v := range m {
			out[k] = math.Max(out[k], math.Max(CalibrationFloor, CalibrationFactor*v))
		}
	}
	return out
}

// threshold is the regression threshold of a cell: its own, or for a
// cell the A/A runs lacked, the widest of any.
func (cal *Calibration) threshold(key string) float64 {
	if t, ok := cal.thresholds[key]; ok {
		return t
	}
	return cal.Widest
}

// String says what the calibration found, in a paragraph.
func (cal *Calibration) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "calibrated on %d A/A runs (%d pairs): the largest move of a benchmark with nothing changed was %.1f%%; each benchmark may move %g× its own largest A/A move, at least %g%%, at most %.1f%% here.",
		cal.Runs, cal.Pairs, 100*cal.Largest, CalibrationFactor, 100*CalibrationFloor, 100*cal.Widest)
	if cal.LeaveOneOut == nil {
		b.WriteString(" False alarms to expect: not estimable from fewer than 3 runs.")
	} else {
		total := 0
		for _, n := range cal.LeaveOneOut {
			total += n
		}
		fmt.Fprintf(&b, " False alarms to expect: a gate calibrated on the other pairs raised %d over the %d A/A pairs (per pair: %v).", total, cal.Pairs, cal.LeaveOneOut)
	}
	return b.String()
}

// cellKey of a calibration: the table's key and the row, by value.
func calKey(t *tab, row string) string { return t.Key.StringValues() + "\x00" + row }

// moves returns, for a comparison of two files, each compared cell's
// absolute change of center, and whether that change is significant.
func (c *comparison) moves() (map[string]float64, map[string]bool) {
	moves, sig := map[string]float64{}, map[string]bool{}
	for _, t := range c.tables {
		for _, r := range t.Rows {
			for _, col := range t.Cols[1:] {
				cell := t.Cells[cellKey{r, col}]
				if cell == nil || cell.Baseline == nil {
					continue
				}
				old, new := cell.Baseline.Summary.Center, cell.Summary.Center
				k := calKey(t, r.StringValues())
				switch {
				case old == 0 && new == 0:
					moves[k] = 0
				case old == 0:
					moves[k] = math.Inf(1)
				default:
					moves[k] = math.Abs(new/old - 1)
				}
				sig[k] = cell.Comparison.P < cell.Comparison.Alpha
			}
		}
	}
	return moves, sig
}

// calibration is the comparison's calibration in words, "" for none.
func (c *comparison) calibration() string {
	if c.cal == nil {
		return ""
	}
	return c.cal.String()
}
