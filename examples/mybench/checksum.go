package mybench

import (
	"context"
	"errors"
	"hash/crc32"
)

// page is what Checksum sums: 4 KiB, read-only after package init.
var page = func() []byte {
	b := make([]byte, 4096)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}()

// Checksum is a plain function under load: the CRC-32 of a 4 KiB page.
// It is safe for concurrent use.
func Checksum(ctx context.Context) error {
	if crc32.ChecksumIEEE(page) == 0 {
		return errors.New("mybench: zero checksum")
	}
	return ctx.Err()
}
