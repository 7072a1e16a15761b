package record

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// wire is a V2 compressed histogram encoding, field by field, so that
// tests can write headers the library never would.
type wire struct {
	cookie, payloadCookie int32
	digits                int32
	lowest, highest       int64
	payloadLen            int32 // actual: len(payload)
	payload               []byte
	compLen               int32 // actual: the real length of the zlib stream
}

// actual asks encode for a length as it is.
const actual = math.MinInt32

// validWire is the wire form of an empty harness histogram (1 ns–10 min,
// 3 digits) with one zero run as its payload.
func validWire() wire {
	return wire{
		cookie: hdrhistogram.V2CompressedEncodingCookieBase | 0x10, payloadCookie: hdrhistogram.V2EncodingCookieBase | 0x10,
		digits: 3, lowest: 1, highest: 600e9, payloadLen: actual, payload: []byte{0x01}, compLen: actual,
	}
}

func (w wire) encode(t testing.TB) string {
	t.Helper()
	var inner bytes.Buffer
	plen := w.payloadLen
	if plen == actual {
		plen = int32(len(w.payload))
	}
	for _, v := range []any{w.payloadCookie, plen, int32(0), w.digits, w.lowest, w.highest, 1.0} {
		if err := binary.Write(&inner, binary.BigEndian, v); err != nil {
			t.Fatal(err)
		}
	}
	inner.Write(w.payload)
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	if _, err := zw.Write(inner.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	clen := w.compLen
	if clen == actual {
		clen = int32(z.Len())
	}
	var out bytes.Buffer
	for _, v := range []any{w.cookie, clen} {
		if err := binary.Write(&out, binary.BigEndian, v); err != nil {
			t.Fatal(err)
		}
	}
	out.Write(z.Bytes())
	return base64.StdEncoding.EncodeToString(out.Bytes())
}

func TestCountsLenAsHdrhistogramComputesIt(t *testing.T) {
	tests := []struct {
		name            string
		lowest, highest int64
		digits          int32
	}{
		{"harness: 1 ns to 10 min, 3 digits", 1, 600e9, 3},
		{"report tests: 1 ns to 60 s, 3 digits", 1, 60e9, 3},
		{"1 digit", 1, 1000, 1},
		{"4 digits, small range", 1, 1 << 16, 4},
		{"lowest 1000", 1000, 1e12, 2},
		{"lowest a power of two", 1 << 20, 1 << 40, 3},
		{"highest exactly twice lowest", 7, 14, 2},
		{"to MaxInt64 at 1 digit", 1, math.MaxInt64, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := geometryCountsLen(tt.lowest, tt.highest, tt.digits)
			if err != nil {
				t.Fatal(err)
			}
			want := len(hdrhistogram.New(tt.lowest, tt.highest, int(tt.digits)).Export().Counts)
			if got != int64(want) {
				t.Errorf("geometryCountsLen = %d, hdrhistogram-go allocates %d", got, want)
			}
		})
	}
	if n, _ := geometryCountsLen(1, 600e9, 3); n != 31744 {
		t.Errorf("the harness's histograms have %d counts, want 31,744", n)
	}
}

func TestCheckEncodedRefusesOutOfBounds(t *testing.T) {
	bomb := validWire()
	bomb.payloadLen = 10 // declared; the stream inflates to 2 MiB, 7 times the most 31,744 counts take
	bomb.payload = make([]byte, 2<<20)
	tests := []struct {
		name     string
		give     func(w *wire)
		giveEnc  string // used instead of the wire if set
		wantText string
	}{
		{name: "not base64", giveEnc: "!!!", wantText: "base64"},
		{name: "too short", giveEnc: "AAAA", wantText: "too short"},
		{name: "too long", giveEnc: strings.Repeat("A", 2<<20), wantText: "over the limit"},
		{name: "outer cookie", give: func(w *wire) { w.cookie = 0x1234 }, wantText: "not the V2 compressed"},
		{name: "negative compressed length", give: func(w *wire) { w.compLen = -5 }, wantText: "compressed length -5"},
		{name: "compressed length past the end", give: func(w *wire) { w.compLen = 1 << 20 }, wantText: "compressed length"},
		{name: "payload cookie", give: func(w *wire) { w.payloadCookie = 0x1234 }, wantText: "not the V2 encoding"},
		{name: "0 digits", give: func(w *wire) { w.digits = 0 }, wantText: "0 significant digits"},
		{name: "6 digits", give: func(w *wire) { w.digits = 6 }, wantText: "6 significant digits"},
		{name: "lowest 0", give: func(w *wire) { w.lowest = 0 }, wantText: "lowest trackable value 0"},
		{name: "highest below twice lowest", give: func(w *wire) { w.lowest, w.highest = 100, 199 }, wantText: "highest trackable value 199"},
		{name: "lowest near MaxInt64", give: func(w *wire) { w.lowest, w.highest = math.MaxInt64/2+1, math.MaxInt64 }, wantText: "highest trackable value"},
		{name: "lowest too large for the digits", give: func(w *wire) { w.digits, w.lowest, w.highest = 5, 1<<45, 1<<46 }, wantText: "too large for 5 significant digits"},
		{name: "5 digits, small range", give: func(w *wire) { w.digits, w.highest = 5, 1<<20 }, wantText: "655360 counts"},
		{name: "huge range", give: func(w *wire) { w.digits, w.highest = 5, math.MaxInt64 }, wantText: "over the limit of 65536"},
		{name: "negative payload length", give: func(w *wire) { w.payloadLen = -7 }, wantText: "payload length -7"},
		{name: "payload length over 9 per count", give: func(w *wire) { w.payloadLen = 31744*9 + 1 }, wantText: "payload length 285697"},
		{name: "payload shorter than declared", give: func(w *wire) { w.payloadLen = 5 }, wantText: "payload is 1 bytes, its header says 5"},
		{name: "zlib bomb", give: func(w *wire) { *w = bomb }, wantText: "payload inflates past 285696 bytes"},
		{name: "truncated payload header", give: func(w *wire) { w.compLen = 4 }, wantText: "payload header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc := tt.giveEnc
			if enc == "" {
				w := validWire()
				tt.give(&w)
				enc = w.encode(t)
			}
			_, err := CheckEncoded(enc)
			if err == nil || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("CheckEncoded = %v, want an error with %q", err, tt.wantText)
			}
		})
	}
	if n, err := CheckEncoded(validWire().encode(t)); err != nil || n != 31744 {
		t.Errorf("CheckEncoded(valid) = %d, %v; want 31744, nil", n, err)
	}
}

// harnessHist returns a histogram of the harness's geometry with values.
func harnessHist(vals ...int64) *Hist {
	h := hdrhistogram.New(1, 600e9, 3)
	for _, v := range vals {
		h.RecordValue(v)
	}
	return &Hist{h}
}

// sidecarLines returns trials as sidecar lines, as Write writes them.
func sidecarLines(t *testing.T, trials ...Trial) []string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, trials); err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
}

// hugeLine is a sidecar line whose three histograms declare 1 to
// MaxInt64 at 5 digits: 6 million counts each if decoded blindly.
func hugeLine(t *testing.T, name string) string {
	t.Helper()
	w := validWire()
	w.digits, w.highest = 5, math.MaxInt64
	enc, err := json.Marshal(w.encode(t))
	if err != nil {
		t.Fatal(err)
	}
	return `{"name":"` + name + `","status":"ok","ops":7,"counters":{"rejected":3},"series":{"interval_ns":5,"t":[0.1]},` +
		`"latency":` + string(enc) + `,"service":` + string(enc) + `,"lateness":` + string(enc) + `}`
}

func writeFile(t *testing.T, lines ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "r.jsonl")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadKeepsGoingAndDropsRefusedHistograms(t *testing.T) {
	good := sidecarLines(t,
		Trial{Name: "A", Status: StatusOK, Rep: 1, Latency: harnessHist(5, 6), Service: harnessHist(5), Lateness: harnessHist(1)},
		Trial{Name: "B", Status: StatusOK, Rep: 1, Latency: harnessHist(7)},
	)
	otherHist := validWire()
	otherHist.digits = 0
	badDigits, err := json.Marshal(otherHist.encode(t))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name         string
		giveLines    []string
		wantNames    []string
		wantHists    []bool // per trial kept: whether it has its histograms
		wantWarnings []string
	}{
		{"all good", good, []string{"A", "B"}, []bool{true, true}, nil},
		{"bad JSON in the middle", []string{good[0], `{"name": "X", broken`, good[1]}, []string{"A", "B"}, []bool{true, true},
			[]string{"r.jsonl:2: invalid character 'b' looking for beginning of object key string, line skipped"}},
		{"wrong type in the middle", []string{good[0], `{"name": 5}`, "", good[1]}, []string{"A", "B"}, []bool{true, true},
			[]string{"r.jsonl:2: json: cannot unmarshal number into Go struct field"}},
		{"huge histogram header", []string{good[0], hugeLine(t, "H"), good[1]}, []string{"A", "H", "B"}, []bool{true, false, true},
			[]string{"r.jsonl:2: histograms of H rep 0 dropped: latency: 6160384 counts (values 1 to 9223372036854775807 at 5 digits), over the limit of 65536"}},
		{"one bad histogram drops all three", []string{strings.Replace(good[0], `"lateness":"`, `"lateness":`+string(badDigits)+`,"x":"`, 1)},
			[]string{"A"}, []bool{false}, []string{"r.jsonl:1: histograms of A rep 1 dropped: lateness: 0 significant digits, want 1 to 5"}},
		{"histogram not a string", []string{`{"name":"N","latency":42}`}, []string{"N"}, []bool{false},
			[]string{"r.jsonl:1: histograms of N rep 0 dropped: latency: json: cannot unmarshal number"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			trials, warnings, err := Read(writeFile(t, tt.giveLines...), nil)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for i, tr := range trials {
				names = append(names, tr.Name)
				has := tr.Latency != nil || tr.Service != nil || tr.Lateness != nil
				if i < len(tt.wantHists) && has != tt.wantHists[i] {
					t.Errorf("trial %s has histograms: %v, want %v", tr.Name, has, tt.wantHists[i])
				}
			}
			if strings.Join(names, ",") != strings.Join(tt.wantNames, ",") {
				t.Errorf("trials %q, want %q", names, tt.wantNames)
			}
			if len(warnings) != len(tt.wantWarnings) {
				t.Fatalf("warnings %q, want %d", warnings, len(tt.wantWarnings))
			}
			for i, w := range tt.wantWarnings {
				if !strings.Contains(warnings[i], w) {
					t.Errorf("warning %q lacks %q", warnings[i], w)
				}
			}
		})
	}
}

func TestRefusedHistogramKeepsTheTrial(t *testing.T) {
	trials, _, err := Read(writeFile(t, hugeLine(t, "H")), nil)
	if err != nil || len(trials) != 1 {
		t.Fatalf("Read = %d trials, %v", len(trials), err)
	}
	tr := trials[0]
	if tr.Status != StatusOK || tr.Ops != 7 || tr.Counters["rejected"] != 3 || tr.Series.IntervalNs != 5 || len(tr.Series.T) != 1 {
		t.Errorf("trial record not kept whole: %+v", tr)
	}
}

func TestHugeHeadersAllocateLittle(t *testing.T) {
	// 300 histograms that would take 14 GiB if decoded as declared.
	var lines []string
	for range 100 {
		lines = append(lines, hugeLine(t, "H"))
	}
	path := writeFile(t, lines...)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	trials, warnings, err := Read(path, nil)
	runtime.ReadMemStats(&after)
	// One warning for each of the first maxDropWarnings trials, one for
	// the rest.
	if err != nil || len(trials) != 100 || len(warnings) != maxDropWarnings+1 || !strings.Contains(warnings[maxDropWarnings], "histograms of 90 more trials dropped") {
		t.Fatalf("Read = %d trials, %d warnings, %v; want 100, %d, nil", len(trials), len(warnings), err, maxDropWarnings+1)
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > 64<<20 {
		t.Errorf("Read allocated %d MiB, want at most 64", d>>20)
	}

	// The same bound holds for a trial decoded on its own (the harness's
	// path from a trial process).
	runtime.ReadMemStats(&before)
	var tr Trial
	err = json.Unmarshal([]byte(hugeLine(t, "H")), &tr)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "over the limit of 65536") {
		t.Errorf("json.Unmarshal = %v, want the counts limit", err)
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > 64<<20 {
		t.Errorf("Unmarshal allocated %d MiB, want at most 64", d>>20)
	}
}

// TestMergeBy: a merging budget folds the histograms of every trial of a
// key into the first one's, once per name and repetition, charges only
// the first, and leaves trials whose key is empty alone; a budget with
// room for one trial's histograms then holds a thousand trials'.
func TestMergeBy(t *testing.T) {
	var trials []Trial
	for rep := 1; rep <= 1000; rep++ {
		trials = append(trials, Trial{Name: "A", Rep: rep, Status: StatusOK,
			Latency: harnessHist(int64(rep)), Service: harnessHist(5), Lateness: harnessHist(1)})
	}
	lines := sidecarLines(t, trials...)
	lines = append(lines, lines[1]) // rep 2, twice
	lines = append(lines, sidecarLines(t, Trial{Name: "H", Rep: 1, Status: StatusHung, Latency: harnessHist(9), Service: harnessHist(9), Lateness: harnessHist(9)})...)
	b := NewBudget().MergeBy(func(t *Trial) string {
		if t.Status == StatusOK {
			return t.Name
		}
		return ""
	})
	b.left = 2 * (3*31744 + 100) // room for two trials' histograms
	got, warnings, err := Read(writeFile(t, lines...), b)
	if err != nil || len(warnings) != 0 || len(got) != 1002 {
		t.Fatalf("Read = %d trials, warnings %q, %v", len(got), warnings, err)
	}
	if n, max := got[0].Latency.TotalCount(), got[0].Latency.Max(); n != 1000 || max < 1000 || max > 1001 {
		t.Errorf("merged latency: %d values, max %d; want 1000, up to 1000", n, max)
	}
	if got[0].Service.TotalCount() != 1000 || got[0].Lateness.TotalCount() != 1000 {
		t.Errorf("merged service %d, lateness %d values; want 1000", got[0].Service.TotalCount(), got[0].Lateness.TotalCount())
	}
	for _, tr := range got[1:1001] {
		if tr.Latency != nil || tr.Service != nil || tr.Lateness != nil {
			t.Fatalf("rep %d kept its histograms after the merge", tr.Rep)
		}
	}
	if h := got[1001]; h.Name != "H" || h.Latency == nil || h.Latency.TotalCount() != 1 {
		t.Errorf("the unmerged trial: %s with %v", h.Name, h.Latency)
	}
}

func TestBudgetAcrossReads(t *testing.T) {
	line := sidecarLines(t, Trial{Name: "A", Rep: 2, Status: StatusOK,
		Latency: harnessHist(5), Service: harnessHist(5), Lateness: harnessHist(5)})[0]
	b := NewBudget()
	b.left = 3*31744 + 100 // room for one trial's three histograms
	first, w1, err := Read(writeFile(t, line), b)
	if err != nil || len(w1) != 0 || len(first) != 1 || first[0].Latency == nil {
		t.Fatalf("first read: %d trials, warnings %q, %v", len(first), w1, err)
	}
	second, w2, err := Read(writeFile(t, line), b)
	if err != nil || len(second) != 1 {
		t.Fatalf("second read: %d trials, %v", len(second), err)
	}
	if second[0].Latency != nil || second[0].Service != nil || second[0].Lateness != nil {
		t.Error("second read decoded histograms past the budget")
	}
	want := "r.jsonl:1: histograms of A rep 2 dropped: they need 95232 counts, and 100 of the 134217728 this read may decode are left"
	if len(w2) != 1 || !strings.HasSuffix(w2[0], want) {
		t.Errorf("warnings %q, want one ending in %q", w2, want)
	}
}

func TestLongLineIsSkipped(t *testing.T) {
	good := sidecarLines(t, Trial{Name: "A"}, Trial{Name: "B"})
	long := `{"name":"L","error":"` + strings.Repeat("x", 2000) + `"}`
	tests := []struct {
		name      string
		give      string
		wantNames string
		wantWarn  string
	}{
		{"in the middle", good[0] + "\n" + long + "\n" + good[1] + "\n", "A,B", "f.jsonl:2: line longer than 1000 bytes, skipped"},
		{"last, without newline", good[0] + "\n" + good[1] + "\n" + long, "A,B", "f.jsonl:3: line longer than 1000 bytes, skipped"},
		{"at exactly the limit", good[0] + "\n" + long[:1000] + "\n", "A", "f.jsonl:2: unexpected end of JSON input, line skipped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, warnings, err := read(strings.NewReader(tt.give), "f.jsonl", 1000, NewBudget())
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, tr := range f.Trials {
				names = append(names, tr.Name)
			}
			if strings.Join(names, ",") != tt.wantNames || len(warnings) != 1 || warnings[0] != tt.wantWarn {
				t.Errorf("trials %q, warnings %q; want %s, [%q]", names, warnings, tt.wantNames, tt.wantWarn)
			}
		})
	}
}

func TestReadRefusesWhatIsNotAFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "p.jsonl")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	tests := []struct {
		name     string
		give     string
		wantText string
	}{
		{"directory", dir, "not a regular file (mode d"},
		{"named pipe", fifo, "not a regular file (mode p"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			trials, _, err := Read(tt.give, nil)
			if err == nil || !strings.Contains(err.Error(), tt.give+": "+tt.wantText) || len(trials) != 0 {
				t.Errorf("Read = %d trials, %v; want an error with %q", len(trials), err, tt.wantText)
			}
		})
	}
	if trials, warnings, err := Read(filepath.Join(dir, "missing.jsonl"), nil); err != nil || trials != nil || warnings != nil {
		t.Errorf("missing sidecar: %v, %v, %v; want nothing", trials, warnings, err)
	}
}

// TestWriteReadWriteIsExact checks that reading does not change what a
// valid histogram encodes to.
func TestWriteReadWriteIsExact(t *testing.T) {
	in := []Trial{{Name: "A", Status: StatusOK, Latency: harnessHist(1, 5, 999, 600e9), Service: harnessHist(3), Lateness: harnessHist()}}
	var first, second bytes.Buffer
	if err := Write(&first, in); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "r.jsonl")
	if err := os.WriteFile(path, first.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, warnings, err := Read(path, nil)
	if err != nil || len(warnings) > 0 {
		t.Fatalf("Read: %q, %v", warnings, err)
	}
	if err := Write(&second, out); err != nil {
		t.Fatal(err)
	}
	if first.String() != second.String() {
		t.Errorf("write, read, write differs:\n%s\n%s", first.String(), second.String())
	}
}

// TestRecordBudget: beyond its budget of trial records, a read skips the
// rest and says how many, so that a huge sidecar cannot run a report out
// of memory; the histograms do not count against it.
func TestRecordBudget(t *testing.T) {
	var b strings.Builder
	for i := range 100 {
		fmt.Fprintf(&b, `{"name":"Scenario/scenario=s/pattern=p/impl=a","rep":%d,"status":"ok"}`+"\n", i+1)
	}
	line := len(`{"name":"Scenario/scenario=s/pattern=p/impl=a","rep":10,"status":"ok"}`)
	budget := &Budget{left: MaxTotalCounts, recordBytes: int64(30 * line)}
	f, warnings, err := read(strings.NewReader(b.String()), "big.jsonl", MaxLine, budget)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.Trials); n < 25 || n > 31 {
		t.Errorf("read %d trials, want about 30 of 100", n)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], fmt.Sprintf("%d trials not read", 100-len(f.Trials))) {
		t.Errorf("warnings %q, want one saying how many were skipped", warnings)
	}
}
