package report

import (
	"strings"
	"testing"
)

func TestPairClaimVerdict(t *testing.T) {
	claim := pairClaim{Claim: "c", Scenario: "s", Unit: "ops/s", Good: "good", Bad: "bad"}
	tests := []struct {
		name       string
		give       map[string][]float64
		wantAnswer string
	}{
		{"holds", map[string][]float64{"good": {10, 11, 12, 10, 11, 12}, "bad": {5, 6, 5, 6, 5, 6}}, "Holds here: good is significantly better than bad."},
		{"contradicted", map[string][]float64{"good": {5, 6, 5, 6, 5, 6}, "bad": {10, 11, 12, 10, 11, 12}}, "Contradicted here: bad is significantly better than good."},
		{"unclear", map[string][]float64{"good": {5, 6, 7, 5, 6, 7}, "bad": {6, 5, 7, 6, 5, 7}}, "Not shown by this data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &group{Scenario: "s", Key: "workers=4", Tables: []*statTable{newStatTable("ops/s", +1, []string{"good", "bad"}, tt.give)}}
			v, ok := claim.verdict([]*section{{Groups: []*group{g}}})
			if !ok || !strings.HasPrefix(v.Answer, tt.wantAnswer) {
				t.Fatalf("verdict %v %q, want %q", ok, v.Answer, tt.wantAnswer)
			}
			if len(v.Details) != 1 || !strings.Contains(v.Details[0], "workers=4: ops/s good") {
				t.Errorf("details %q", v.Details)
			}
		})
	}
	if _, ok := claim.verdict(nil); ok {
		t.Error("a verdict without its scenario's data")
	}
}

func TestTooManyGoroutinesVerdict(t *testing.T) {
	low, high := []float64{10, 11, 12, 10, 11, 12}, []float64{100, 110, 120, 100, 110, 120}
	burst := func(spawnP99, poolP99 []float64) *group {
		impls := []string{"channels", "spawn"}
		return &group{Scenario: "workerpool-burst", Key: "workers=64", Tables: []*statTable{
			newStatTable("peak-goroutines", -1, impls, map[string][]float64{"channels": low, "spawn": high}),
			newStatTable("peak-stack-bytes", -1, impls, map[string][]float64{"channels": low, "spawn": high}),
			newStatTable("p99-ns", -1, impls, map[string][]float64{"channels": poolP99, "spawn": spawnP99}),
		}}
	}
	tests := []struct {
		name       string
		give       []*group
		wantAnswer string
	}{
		{"spawn faster everywhere", []*group{burst(low, high)}, "Holds for memory, not for latency"},
		{"spawn slower everywhere", []*group{burst(high, low)}, "Holds: a goroutine per task ran significantly more goroutines"},
		{"spawn faster in one of two", []*group{burst(low, high), burst(high, low)}, "Holds for memory; mixed for latency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok := tooManyGoroutines([]*section{{Groups: tt.give}})
			if !ok || !strings.HasPrefix(v.Answer, tt.wantAnswer) {
				t.Fatalf("verdict %v %q, want prefix %q", ok, v.Answer, tt.wantAnswer)
			}
			if len(v.Details) != len(tt.give) || !strings.Contains(v.Details[0], "bytes of goroutine stacks") {
				t.Errorf("details %q", v.Details)
			}
		})
	}
}
