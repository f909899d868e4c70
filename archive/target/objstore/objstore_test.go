package objstore_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"zaakarchief/archive/target/objstore"
)

func TestValidateKeyRefusesKeysThatEscapeOrCollide(t *testing.T) {
	for _, c := range []struct {
		key string
		ok  bool
	}{
		{"zaak/Z-2024-001/pakket.zip", true},
		{"a", true},
		{"a b/ü.xml", true},
		{"", false},
		{"/etc/passwd", false},
		{"../x", false},
		{"a/../b", false},
		{"a/./b", false},
		{"a//b", false},
		{"a/", false},
		{".meta/a.json", false},
		{"a/.tmp-123", false},
		{"a\\b", false},
		{"a\nb", false},
		{"\xff", false},
		{strings.Repeat("k", objstore.MaxKeyLen+1), false},
	} {
		if err := objstore.ValidateKey(c.key); (err == nil) != c.ok {
			t.Errorf("ValidateKey(%q) = %v, want ok=%v", c.key, err, c.ok)
		}
	}
}

func TestValidatePrefixAllowsPartialAndTrailingSlash(t *testing.T) {
	for _, c := range []struct {
		prefix string
		ok     bool
	}{
		{"", true}, {"a", true}, {"a/", true}, {"zaak/Z-20", true},
		{"/a", false}, {"../", false}, {"a//", false}, {".meta/", false},
	} {
		if err := objstore.ValidatePrefix(c.prefix); (err == nil) != c.ok {
			t.Errorf("ValidatePrefix(%q) = %v, want ok=%v", c.prefix, err, c.ok)
		}
	}
}

func TestRetentionRoundsUntilUpToWholeSecond(t *testing.T) {
	loc := time.FixedZone("CET", 3600)
	for _, c := range []struct{ in, want time.Time }{
		{time.Date(2030, 1, 1, 13, 0, 0, 0, loc), time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)},
		{time.Date(2030, 1, 1, 13, 0, 0, 1, loc), time.Date(2030, 1, 1, 12, 0, 1, 0, time.UTC)},
	} {
		got := objstore.Retention{Mode: objstore.Compliance, Until: c.in}.Normalized()
		if !got.Until.Equal(c.want) || got.Until.Location() != time.UTC {
			t.Errorf("Normalized(%s) = %s, want %s UTC", c.in, got.Until, c.want)
		}
	}
}

func TestPutOptionsValidate(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	sum := sha256.Sum256([]byte("x"))
	for _, c := range []struct {
		name string
		opts objstore.PutOptions
		ok   bool
	}{
		{"checksum only", objstore.PutOptions{SHA256: sum}, true},
		{"no checksum", objstore.PutOptions{}, false},
		{"future retention", objstore.PutOptions{SHA256: sum, Retention: &objstore.Retention{Mode: objstore.Governance, Until: now.Add(time.Second)}}, true},
		{"retention now", objstore.PutOptions{SHA256: sum, Retention: &objstore.Retention{Mode: objstore.Governance, Until: now}}, false},
		{"lower-case mode", objstore.PutOptions{SHA256: sum, Retention: &objstore.Retention{Mode: "compliance", Until: now.Add(time.Hour)}}, false},
	} {
		if err := c.opts.Validate(now); (err == nil) != c.ok {
			t.Errorf("%s: Validate = %v, want ok=%v", c.name, err, c.ok)
		}
	}
}

func TestSizedReaderRefusesShortAndLongStreams(t *testing.T) {
	for _, c := range []struct {
		data    string
		size    int64
		wantErr bool
	}{
		{"exact", 5, false},
		{"", 0, false},
		{"short", 9, true},
		{"too long", 3, true},
	} {
		_, err := io.ReadAll(objstore.NewSizedReader(strings.NewReader(c.data), c.size))
		if (err != nil) != c.wantErr {
			t.Errorf("%q as %d bytes: err = %v, want error %v", c.data, c.size, err, c.wantErr)
		}
		if c.size > int64(len(c.data)) && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("short stream error %v is not io.ErrUnexpectedEOF", err)
		}
	}
}

func TestVerifyingReaderReportsMismatchAtEnd(t *testing.T) {
	data := []byte("archiefstuk")
	sum := sha256.Sum256(data)
	good := hex.EncodeToString(sum[:])
	for _, c := range []struct {
		name    string
		content []byte
		want    string
		size    int64
		ok      bool
	}{
		{"intact", data, good, int64(len(data)), true},
		{"no record", data, "", -1, true},
		{"changed byte", []byte("archiefstuK"), good, int64(len(data)), false},
		{"truncated", data[:5], good, int64(len(data)), false},
	} {
		r := objstore.NewVerifyingReader(io.NopCloser(bytes.NewReader(c.content)), "k", c.want, c.size)
		got, err := io.ReadAll(r)
		if c.ok && (err != nil || !bytes.Equal(got, c.content)) {
			t.Errorf("%s: ReadAll = %q, %v", c.name, got, err)
		}
		if !c.ok && !errors.Is(err, objstore.ErrChecksumMismatch) {
			t.Errorf("%s: err = %v, want ErrChecksumMismatch", c.name, err)
		}
	}
}
