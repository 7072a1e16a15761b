package report

import "testing"

// TestFirstSentenceAndClause: the scan skips what is inside parentheses
// and abbreviations, and stops at a sentence's or clause's end only where
// a space or the end follows.
func TestFirstSentenceAndClause(t *testing.T) {
	sentences := []struct{ give, want string }{
		{"Eight clients call a breaker. Then more.", "Eight clients call a breaker."},
		{"A pool (one worker. two) runs. Then.", "A pool (one worker. two) runs."},
		{"Tasks, e.g. sleeps, run. Rest.", "Tasks, e.g. sleeps, run."},
		{"A 1.5ms deadline!", "A 1.5ms deadline!"},
		{"no end at all", "no end at all"},
	}
	for _, c := range sentences {
		if got := firstSentence(c.give); got != c.want {
			t.Errorf("firstSentence(%q) = %q, want %q", c.give, got, c.want)
		}
	}
	clauses := []struct {
		give string
		want int
	}{
		{"The knee: offered load", 8},
		{"A pool (a: b) runs; then", 18},
		{"ratio 1:2 only", -1},
	}
	for _, c := range clauses {
		if got := clauseEnd(c.give); got != c.want {
			t.Errorf("clauseEnd(%q) = %d, want %d", c.give, got, c.want)
		}
	}
}
