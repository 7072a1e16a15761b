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
