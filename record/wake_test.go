package record

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// TestWakeTravels: the wake histogram, spin time and sleeper travel from a
// trial process to the harness (plain JSON, as the runner decodes a
// child's record). Read, which decodes histograms only under the report's
// budget, leaves the wake histogram out and keeps the rest.
func TestWakeTravels(t *testing.T) {
	h := hdrhistogram.New(1, 1e12, 3)
	h.RecordValue(1234)
	tr := Trial{Name: "x", Status: StatusOK, Latency: &Hist{h}, Wake: &Hist{h}, SpinNs: 42, Sleeper: "clock_nanosleep+spin"}
	var buf bytes.Buffer
	if err := Write(&buf, []Trial{tr}); err != nil {
		t.Fatal(err)
	}
	var got Trial
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Wake == nil || got.Wake.TotalCount() != 1 || got.Wake.Max() != h.Max() || got.SpinNs != 42 || got.Sleeper != tr.Sleeper {
		t.Fatalf("decoded wake %v, spin %d, sleeper %q", got.Wake, got.SpinNs, got.Sleeper)
	}

	path := filepath.Join(t.TempDir(), "r.jsonl")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	read, warnings, err := Read(path, nil)
	if err != nil || len(warnings) > 0 || len(read) != 1 {
		t.Fatalf("Read: %d trials, %v, %v", len(read), warnings, err)
	}
	if r := read[0]; r.Wake != nil || r.Latency == nil || r.SpinNs != 42 || r.Sleeper != tr.Sleeper {
		t.Errorf("Read: wake %v (want nil), latency %v, spin %d, sleeper %q", r.Wake, r.Latency, r.SpinNs, r.Sleeper)
	}

	// A closed loop's record has none of them.
	buf.Reset()
	if err := Write(&buf, []Trial{{Name: "c", Status: StatusOK}}); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte(`"wake"`)) || bytes.Contains(buf.Bytes(), []byte(`"spin_ns"`)) || bytes.Contains(buf.Bytes(), []byte(`"sleeper"`)) {
		t.Errorf("closed-loop record: %s", buf.Bytes())
	}
}
