package loadgen

import "testing"

// BenchmarkRecord is the harness's cost of recording one operation (four
// histogram updates under an uncontended lock). DESIGN's target is 10 ns
// and 0 allocations for one latency; the ratio to BenchmarkRecordOne is
// that of four records to one.
func BenchmarkRecord(b *testing.B) {
	r := newRecorder(0, 1<<62)
	var t int64
	b.ReportAllocs()
	for b.Loop() {
		t += 1000
		r.record(t-900, t-500, t, false, true)
	}
}

// BenchmarkRecordOne is one latency into one HDR histogram.
func BenchmarkRecordOne(b *testing.B) {
	h := newHist()
	var t int64
	b.ReportAllocs()
	for b.Loop() {
		t++
		h.RecordValue(t & 0xfffff)
	}
}

func TestRecordDoesNotAllocate(t *testing.T) {
	r := newRecorder(0, 1<<62)
	allocs := testing.AllocsPerRun(1000, func() { r.record(1, 2, 3000, false, true) })
	if allocs != 0 {
		t.Fatalf("record allocates %v times per call, want 0", allocs)
	}
}
