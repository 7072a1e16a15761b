package report

import (
	"html"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// Chart states on a page, as a reader sees them.
const (
	chartDrawn   = "drawn"   // a figure whose PNG exists and decodes
	chartSkipped = "skipped" // a line saying why it was not drawn
	chartAbsent  = "absent"  // neither
)

// chartState says whether the chart whose caption starts with title was
// drawn on the page of dir/report.html, skipped, or is not there at all:
// a test that a chart is drawn must not pass on the line that says it
// was skipped, which names it too.
func chartState(t *testing.T, dir, page, title string) string {
	t.Helper()
	q := regexp.QuoteMeta(html.EscapeString(title))
	drawn := []*regexp.Regexp{
		regexp.MustCompile(`<img src="([^"]+)"[^>]*><figcaption>` + q),                // a PNG
		regexp.MustCompile(`<figcaption>` + q + `[^<]*\(<a href="([^"]+)">PNG</a>\)`), // an SVG view and its PNG
	}
	for _, re := range drawn {
		if m := re.FindStringSubmatch(page); m != nil {
			f, err := os.Open(filepath.Join(dir, m[1]))
			if err != nil {
				t.Fatalf("chart %q: %v", title, err)
			}
			defer f.Close()
			if _, err := png.Decode(f); err != nil {
				t.Fatalf("chart %q: %s: %v", title, m[1], err)
			}
			return chartDrawn
		}
	}
	if regexp.MustCompile(`<p class="skip">` + q + `[^<]*: skipped, `).MatchString(page) {
		return chartSkipped
	}
	return chartAbsent
}
