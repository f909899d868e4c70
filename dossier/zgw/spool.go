package zgw

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"strings"
)

// spoolMemory is how much of a document a spool keeps in memory before it moves to a
// temporary file.
const spoolMemory = 1 << 20

// spool holds one downloaded document until it is recorded: small ones in memory, larger ones
// in a temporary file. The collector downloads and verifies every document of a zaak before it
// records anything, so that a source failing half-way leaves the dossier as it was.
type spool struct {
	dir  string
	buf  bytes.Buffer
	f    *os.File
	size int64
	sha  string
}

func newSpool(dir string) *spool { return &spool{dir: dir} }

// Write implements io.Writer.
func (s *spool) Write(p []byte) (int, error) {
	s.size += int64(len(p))
	if s.f == nil && s.buf.Len()+len(p) <= spoolMemory {
		return s.buf.Write(p)
	}
	if s.f == nil {
		f, err := os.CreateTemp(s.dir, "zgw-spool-*")
		if err != nil {
			return 0, fmt.Errorf("spool document: %w", err)
		}
		s.f = f
		if _, err := f.Write(s.buf.Bytes()); err != nil {
			return 0, fmt.Errorf("spool document: %w", err)
		}
		s.buf = bytes.Buffer{}
	}
	return s.f.Write(p)
}

// Reader returns the spooled content from its start.
func (s *spool) Reader() (io.Reader, error) {
	if s.f == nil {
		return bytes.NewReader(s.buf.Bytes()), nil
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("spool document: %w", err)
	}
	return s.f, nil
}

// Close removes the spooled content.
func (s *spool) Close() error {
	if s.f == nil {
		return nil
	}
	name := s.f.Name()
	s.f.Close()
	s.f = nil
	return os.Remove(name)
}

// checksum computes the checksum a source recorded for a document (its integriteit) while the
// document streams, so that it can be compared at the end.
type checksum struct {
	algoritme string
	want      string
	h         hash.Hash
}

// newChecksum returns a checksum for integriteit; nil when there is none. supported is false
// for an algorithm the collector cannot compute (fletcher, hmac, crc_16, crc_64): such content
// is taken on its size alone and the report says so.
func newChecksum(i *Integriteit) (c *checksum, supported bool) {
	if i == nil || i.Algoritme == "" || i.Waarde == "" {
		return nil, true
	}
	c = &checksum{algoritme: i.Algoritme, want: strings.TrimSpace(i.Waarde)}
	switch i.Algoritme {
	case "md5":
		c.h = md5.New()
	case "sha_1":
		c.h = sha1.New()
	case "sha_256":
		c.h = sha256.New()
	case "sha_512":
		c.h = sha512.New()
	case "sha_3":
		// SHA-3 names a family; the length of the recorded value says which member.
		switch len(c.want) {
		case 56:
			c.h = sha3.New224()
		case 96:
			c.h = sha3.New384()
		case 128:
			c.h = sha3.New512()
		default:
			c.h = sha3.New256()
		}
	case "crc_32":
		c.h = crc32.NewIEEE()
	default:
		return nil, false
	}
	return c, true
}

// verify compares the computed checksum with the recorded one, written as hex or base64.
func (c *checksum) verify() error {
	sum := c.h.Sum(nil)
	if strings.EqualFold(c.want, hex.EncodeToString(sum)) || c.want == base64.StdEncoding.EncodeToString(sum) ||
		c.want == base64.RawStdEncoding.EncodeToString(sum) {
		return nil
	}
	return fmt.Errorf("checksum %s of the content is %x, the source recorded %s", c.algoritme, sum, c.want)
}
