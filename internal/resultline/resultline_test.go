package resultline

import (
	"strings"
	"testing"

	"golang.org/x/perf/benchfmt"
)

func TestNonFinite(t *testing.T) {
	tests := []struct {
		giveLine string
		wantWarn string
	}{
		{"BenchmarkX 1 100 ns/op 3 B/op", ""},
		{"BenchmarkX 1 0 ns/op -5 B/op", ""}, // zero and negative are data
		{"BenchmarkX 1 NaN ns/op", "r.txt:1: ns/op: value NaN is not a finite number, line skipped"},
		{"BenchmarkX 1 100 ns/op -Inf p99-ns", "r.txt:1: p99-ns: value -Inf is not a finite number, line skipped"},
		{"BenchmarkX 1 100 ns/op 1e305 MB/s", "r.txt:1: MB/s: value 1e+305 is not finite in B/s, line skipped"},
	}
	for _, tt := range tests {
		r := benchfmt.NewReader(strings.NewReader(tt.giveLine+"\n"), "r.txt")
		if !r.Scan() {
			t.Fatalf("%q: no record", tt.giveLine)
		}
		res, ok := r.Result().(*benchfmt.Result)
		if !ok {
			t.Fatalf("%q: %v, want a result", tt.giveLine, r.Result())
		}
		if got := NonFinite(res); got != tt.wantWarn {
			t.Errorf("%q: warning %q, want %q", tt.giveLine, got, tt.wantWarn)
		}
	}
}

func TestWritten(t *testing.T) {
	tidied := benchfmt.Value{Value: 2e-9, Unit: "sec/op", OrigValue: 2, OrigUnit: "ns/op"}
	if u, v := Written(tidied); u != "ns/op" || v != 2 {
		t.Errorf("Written(tidied) = %s %v, want ns/op 2", u, v)
	}
	if u, v := Written(benchfmt.Value{Value: 7, Unit: "errors"}); u != "errors" || v != 7 {
		t.Errorf("Written(as is) = %s %v, want errors 7", u, v)
	}
}
