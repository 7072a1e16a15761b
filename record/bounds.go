package record

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Bounds on the histograms a sidecar may hold. A decoded histogram is a
// dense array of int64 counts whose length its header declares, so an
// 870 KB sidecar whose headers declare huge ranges asked for over 15 GB;
// the header is now checked before anything is allocated for the counts.
const (
	// MaxCountsLen bounds the counts array of one histogram (512 KiB). The
	// harness's own histograms, 1 ns to 10 min at 3 significant digits,
	// have 31,744 counts; at 4 digits only narrow ranges fit, at 5 none
	// does (262,144 counts at least).
	MaxCountsLen = 1 << 16
	// MaxTotalCounts bounds the counts decoded in all by one [Budget]
	// (1 GiB of counts).
	MaxTotalCounts = 1 << 27

	// headerSize is the V2 payload header: cookie, payload length,
	// normalizing index offset, significant digits (int32 each), lowest
	// and highest trackable values (int64 each), conversion ratio
	// (float64), all big-endian.
	headerSize = 40
	// maxVarint is the longest zig-zag LEB128 count of a V2 payload: a
	// valid payload has at most one per counts entry.
	maxVarint = 9
	// maxCompressed bounds the zlib stream of a histogram: twice the
	// largest valid payload, far more than zlib adds even to data it
	// cannot compress.
	maxCompressed = 2 * (headerSize + MaxCountsLen*maxVarint)
)

// CheckEncoded checks an encoded histogram (the base64 V2 compressed
// encoding MarshalJSON writes) without decoding its counts, and returns
// the length of the counts array decoding it allocates. It inflates the
// 40-byte payload header and accepts 1 to 5 significant digits, a lowest
// trackable value of at least 1, a highest of at least twice the lowest,
// and at most MaxCountsLen counts; it then reads the payload through a
// limit sized from that counts length, so that a zlib bomb is not
// inflated whole.
func CheckEncoded(enc string) (countsLen int64, err error) {
	z, err := openCompressed(enc)
	if err != nil {
		return 0, err
	}
	defer z.Close()
	h, err := readPayloadHeader(z)
	if err != nil {
		return 0, err
	}
	countsLen, err = geometryCountsLen(h.lowest, h.highest, h.digits)
	if err != nil {
		return 0, err
	}
	if err := checkPayload(z, h.payloadLen, countsLen); err != nil {
		return 0, err
	}
	return countsLen, nil
}

// openCompressed checks the outer layer of an encoded histogram (its size,
// the base64, the cookie and length of the zlib stream) and returns a
// reader of the inflated payload.
func openCompressed(enc string) (io.ReadCloser, error) {
	if max := base64.StdEncoding.EncodedLen(8 + maxCompressed); len(enc) > max {
		return nil, fmt.Errorf("encoding is %d bytes, over the limit of %d", len(enc), max)
	}
	raw, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return nil, fmt.Errorf("base64: %w", err)
	}
	// The outer header: cookie and length of the zlib stream.
	if len(raw) < 8 {
		return nil, fmt.Errorf("encoding is %d bytes, too short for its 8-byte header", len(raw))
	}
	if c := int32(binary.BigEndian.Uint32(raw)); c&^0xf0 != hdrhistogram.V2CompressedEncodingCookieBase {
		return nil, fmt.Errorf("cookie %#x is not the V2 compressed encoding's", uint32(c))
	}
	n := int64(int32(binary.BigEndian.Uint32(raw[4:])))
	if n < 0 || n > int64(len(raw)-8) {
		return nil, fmt.Errorf("compressed length %d, but %d bytes follow the header", n, len(raw)-8)
	}
	z, err := zlib.NewReader(bytes.NewReader(raw[8 : 8+n]))
	if err != nil {
		return nil, fmt.Errorf("zlib: %w", err)
	}
	return z, nil
}

// payloadHeader is what CheckEncoded reads of the V2 payload header.
type payloadHeader struct {
	payloadLen      int64
	digits          int32
	lowest, highest int64
}

// readPayloadHeader reads the 40-byte payload header from z and checks its
// cookie.
func readPayloadHeader(z io.Reader) (payloadHeader, error) {
	var h [headerSize]byte
	if _, err := io.ReadFull(z, h[:]); err != nil {
		return payloadHeader{}, fmt.Errorf("payload header: %w", err)
	}
	cookie := int32(binary.BigEndian.Uint32(h[0:]))
	if cookie&^0xf0 != hdrhistogram.V2EncodingCookieBase {
		return payloadHeader{}, fmt.Errorf("payload cookie %#x is not the V2 encoding's", uint32(cookie))
	}
	return payloadHeader{
		payloadLen: int64(int32(binary.BigEndian.Uint32(h[4:]))),
		// h[8:12] is the normalizing index offset, which decoding ignores
		// (the payload is in logical index order), and h[32:40] the
		// conversion ratio, metadata that no arithmetic here uses.
		digits:  int32(binary.BigEndian.Uint32(h[12:])),
		lowest:  int64(binary.BigEndian.Uint64(h[16:])),
		highest: int64(binary.BigEndian.Uint64(h[24:])),
	}, nil
}

// checkPayload reads the rest of the payload from z, through a limit sized
// from countsLen, and checks that it is the length its header declares.
func checkPayload(z io.Reader, payloadLen, countsLen int64) error {
	maxPayload := countsLen * maxVarint
	if payloadLen < 0 || payloadLen > maxPayload {
		return fmt.Errorf("payload length %d, want 0 to %d for %d counts", payloadLen, maxPayload, countsLen)
	}
	got, err := io.Copy(io.Discard, io.LimitReader(z, maxPayload+1))
	if err != nil {
		return fmt.Errorf("payload: %w", err)
	}
	if got > maxPayload {
		return fmt.Errorf("payload inflates past %d bytes, the most %d counts take", maxPayload, countsLen)
	}
	if got != payloadLen {
		return fmt.Errorf("payload is %d bytes, its header says %d", got, payloadLen)
	}
	return nil
}

// geometryCountsLen returns the length of the counts array of a histogram
// of this geometry, computed as hdrhistogram-go computes it (New and
// Decode) but without allocating, or an error if the geometry is out of
// the bounds CheckEncoded states.
func geometryCountsLen(lowest, highest int64, digits int32) (int64, error) {
	if digits < 1 || digits > 5 {
		return 0, fmt.Errorf("%d significant digits, want 1 to 5", digits)
	}
	if lowest < 1 {
		return 0, fmt.Errorf("lowest trackable value %d, want at least 1", lowest)
	}
	if lowest > math.MaxInt64/2 || highest < 2*lowest {
		return 0, fmt.Errorf("highest trackable value %d, want at least twice the lowest (%d)", highest, lowest)
	}
	// Unit resolution up to 2×10^digits, in a power-of-two sub-bucket count.
	subBucketHalfCountMag := max(int32(math.Ceil(math.Log2(2*math.Pow10(int(digits))))), 1) - 1
	unitMag := max(int32(math.Floor(math.Log2(float64(lowest)))), 0)
	if unitMag+subBucketHalfCountMag > 61 { // as hdrhistogram-go refuses: the shifts below would overflow
		return 0, fmt.Errorf("lowest trackable value %d is too large for %d significant digits", lowest, digits)
	}
	subBucketCount := int64(1) << (subBucketHalfCountMag + 1)
	buckets := int64(1)
	for smallestUntrackable := subBucketCount << unitMag; smallestUntrackable <= highest; buckets++ {
		if smallestUntrackable > math.MaxInt64/2 {
			buckets++
			break
		}
		smallestUntrackable <<= 1
	}
	n := (buckets + 1) * (subBucketCount / 2)
	if n > MaxCountsLen {
		return 0, fmt.Errorf("%d counts (values %d to %d at %d digits), over the limit of %d", n, lowest, highest, digits, MaxCountsLen)
	}
	return n, nil
}

// Budget bounds the histogram counts decoded in all, and the trial
// records read, by the Reads that
// share it: those of one report. It is not safe for concurrent use.
type Budget struct {
	left, recordBytes int64
	// mergeKey, if set, names the trials whose histograms a read merges
	// (see MergeBy).
	mergeKey func(*Trial) string
}

// MergeBy makes the reads that share b merge histograms as they go: the
// histograms of each trial for which key returns a non-empty string are
// merged into those of the first trial of the same file with that key
// that has any, and the later trial keeps none. Only the first trial's
// histograms are charged to b: a report of a 20,000-trial run, which
// charts each implementation's histograms merged over its repetitions
// anyway, then holds one set per trial name instead of refusing all but
// the first thousand. It returns b.
func (b *Budget) MergeBy(key func(*Trial) string) *Budget {
	b.mergeKey = key
	return b
}

// MaxTrialBytes bounds the trial records one [Budget] reads, counted as
// the bytes of their lines less their histograms: 128 MiB is about 100,000
// trials (the most one run plans), and holds a report's memory under a
// few GiB however large the sidecars it is given (a 598 MB sidecar of
// 500,000 small records ran a report out of memory).
const MaxTrialBytes = 128 << 20

// NewBudget returns a budget of MaxTotalCounts counts and MaxTrialBytes
// of trial records.
func NewBudget() *Budget { return &Budget{left: MaxTotalCounts, recordBytes: MaxTrialBytes} }

// chargeRecord charges a trial record of n bytes to the budget, and
// reports whether the budget could pay for it.
func (b *Budget) chargeRecord(n int) bool {
	if int64(n) > b.recordBytes {
		b.recordBytes = 0 // and every later record is refused too: no gaps
		return false
	}
	b.recordBytes -= int64(n)
	return true
}

// decode decodes a trial's encoded histograms (JSON strings; empty or
// null for none) into t. The three are checked first and charged to the
// budget together; if one is refused, or the budget cannot pay for them
// all, t gets none (a trial's latency, service time and lateness are read
// together) and decode says why.
func (b *Budget) decode(t *Trial, latency, service, lateness json.RawMessage) error {
	hists := []struct {
		name string
		raw  json.RawMessage
		dst  **Hist
		enc  string
	}{{"latency", latency, &t.Latency, ""}, {"service", service, &t.Service, ""}, {"lateness", lateness, &t.Lateness, ""}}
	t.Latency, t.Service, t.Lateness = nil, nil, nil
	var need int64
	for i := range hists {
		h := &hists[i]
		if len(h.raw) == 0 || string(h.raw) == "null" {
			continue
		}
		if err := json.Unmarshal(h.raw, &h.enc); err != nil {
			return fmt.Errorf("%s: %w", h.name, err)
		}
		n, err := CheckEncoded(h.enc)
		if err != nil {
			return fmt.Errorf("%s: %w", h.name, err)
		}
		need += n
	}
	if need > b.left {
		return fmt.Errorf("they need %d counts, and %d of the %d this read may decode are left", need, b.left, MaxTotalCounts)
	}
	b.left -= need
	for _, h := range hists {
		if h.enc == "" {
			continue
		}
		d, err := hdrhistogram.Decode([]byte(h.enc))
		if err != nil {
			t.Latency, t.Service, t.Lateness = nil, nil, nil
			return fmt.Errorf("%s: %w", h.name, err)
		}
		*h.dst = &Hist{d}
	}
	return nil
}
