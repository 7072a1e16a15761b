// Package report turns Go benchmark result files into charts and one HTML page.
package report

import (
	"errors"
	"io"
)

// Generate writes dir/report.html and its charts from files; returns the HTML path.
func Generate(dir string, files []string) (string, error) {
	return "", errors.New("report: not written yet")
}

// Compare writes a benchstat-style comparison of two result files.
func Compare(w io.Writer, oldFile, newFile string) error {
	return errors.New("report: compare not written yet")
}
