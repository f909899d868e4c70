package objstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
)

// VerifyingReader passes an object's bytes through and checks them against the recorded size
// and SHA-256 when the stream ends: instead of io.EOF, Read then returns an error wrapping
// ErrChecksumMismatch if the content differs. Reading to the end is therefore a full
// verification ("archive verify" is io.Copy to io.Discard).
type VerifyingReader struct {
	rc      io.ReadCloser
	key     string
	want    string // lower-case hex; empty: nothing recorded, no check
	size    int64
	n       int64
	h       hash.Hash
	checked error
}

// NewVerifyingReader wraps rc, the content of key, recorded with size bytes and SHA-256 wantHex
// (hex; empty skips the hash check, a negative size skips the length check).
func NewVerifyingReader(rc io.ReadCloser, key, wantHex string, size int64) *VerifyingReader {
	return &VerifyingReader{rc: rc, key: key, want: wantHex, size: size, h: sha256.New()}
}

// Read reads from the object and, at its end, verifies size and checksum.
func (v *VerifyingReader) Read(p []byte) (int, error) {
	if v.checked != nil {
		return 0, v.checked
	}
	n, err := v.rc.Read(p)
	v.n += int64(n)
	v.h.Write(p[:n])
	if err == io.EOF {
		v.checked = v.verify()
		if v.checked != io.EOF {
			return n, v.checked
		}
	}
	return n, err
}

func (v *VerifyingReader) verify() error {
	if v.size >= 0 && v.n != v.size {
		return fmt.Errorf("read %s: got %d bytes, recorded size %d: %w", v.key, v.n, v.size, ErrChecksumMismatch)
	}
	if v.want != "" {
		if got := hex.EncodeToString(v.h.Sum(nil)); got != v.want {
			return fmt.Errorf("read %s: content sha-256 %s, recorded %s: %w", v.key, got, v.want, ErrChecksumMismatch)
		}
	}
	return io.EOF
}

// Close closes the underlying stream.
func (v *VerifyingReader) Close() error { return v.rc.Close() }

// SizedReader reads exactly the announced number of bytes from a caller's stream: it fails with
// io.ErrUnexpectedEOF (wrapped) when the stream ends early and with an error when the stream
// holds more, so a back end never stores a truncated or overlong object.
type SizedReader struct {
	r    io.Reader
	left int64
	size int64
}

// NewSizedReader wraps r, which must hold exactly size bytes.
func NewSizedReader(r io.Reader, size int64) *SizedReader {
	return &SizedReader{r: r, left: size, size: size}
}

// Read implements io.Reader.
func (s *SizedReader) Read(p []byte) (int, error) {
	if s.left <= 0 {
		var probe [1]byte
		n, err := io.ReadFull(s.r, probe[:])
		if n > 0 {
			return 0, fmt.Errorf("reader holds more than the announced %d bytes", s.size)
		}
		if err != nil && err != io.EOF {
			return 0, err
		}
		return 0, io.EOF
	}
	if int64(len(p)) > s.left {
		p = p[:s.left]
	}
	n, err := s.r.Read(p)
	s.left -= int64(n)
	if err == io.EOF {
		if s.left > 0 {
			return n, fmt.Errorf("reader ended after %d of the announced %d bytes: %w", s.size-s.left, s.size, io.ErrUnexpectedEOF)
		}
		err = nil
	}
	return n, err
}

// ContextReader stops reading a caller's stream once ctx has ended, so a long Put ends with the
// context's error instead of finishing the copy.
type ContextReader struct {
	ctx context.Context
	r   io.Reader
}

// NewContextReader wraps r.
func NewContextReader(ctx context.Context, r io.Reader) *ContextReader {
	return &ContextReader{ctx: ctx, r: r}
}

// Read implements io.Reader.
func (c *ContextReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
