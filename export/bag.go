package export

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"path"
	"sort"
	"strings"
	"time"
)

// BagIt names (RFC 8493). The ZIP holds one top-level directory, the bag's base directory; the
// payload lies under data/ inside it.
const (
	bagitTxt       = "bagit.txt"
	bagInfoTxt     = "bag-info.txt"
	manifestTxt    = "manifest-sha256.txt"
	tagmanifestTxt = "tagmanifest-sha256.txt"
	payloadDir     = "data"
	// bagitDeclaration is the content of bagit.txt.
	bagitDeclaration = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
)

// ErrContentMismatch means a document's content in the blob store does not have the SHA-256 or
// size the dossier recorded for it: the export stops rather than hand over a wrong file.
var ErrContentMismatch = errors.New("document content does not match its recorded checksum")

// copyBufSize is the buffer one export streams every file through.
const copyBufSize = 256 << 10

// bagWriter writes a BagIt bag into a ZIP stream without holding a file in memory: every payload
// file is hashed while it is written, and the manifests, which need every hash, come last.
type bagWriter struct {
	zw       *zip.Writer
	root     string
	modified time.Time
	buf      []byte
	payload  []manifestLine
	tags     []manifestLine
	octets   int64
}

// manifestLine is one line of a manifest: a file relative to the bag's base directory and its
// SHA-256.
type manifestLine struct {
	path string
	sum  string
}

// bagInfoField is one "Label: value" line of bag-info.txt.
type bagInfoField struct {
	label, value string
}

// newBagWriter starts a bag named root in a ZIP written to w and writes bagit.txt.
func newBagWriter(w io.Writer, root string, modified time.Time) (*bagWriter, error) {
	b := &bagWriter{zw: zip.NewWriter(w), root: root, modified: modified, buf: make([]byte, copyBufSize)}
	if err := b.tag(bagitTxt, []byte(bagitDeclaration)); err != nil {
		return nil, err
	}
	return b, nil
}

// want is what a payload file's content must be; a zero want checks nothing.
type want struct {
	sha  string
	size int64
}

// payloadFile copies r into data/rel and returns its SHA-256 and size. When w.sha is set, the
// content must hash to it and have w.size bytes, or payloadFile returns ErrContentMismatch.
func (b *bagWriter) payloadFile(ctx context.Context, rel string, r io.Reader, store bool, modified time.Time, w want) (string, int64, error) {
	name := path.Join(payloadDir, rel)
	h := sha256.New()
	n, err := b.entry(ctx, name, r, store, modified, h)
	if err != nil {
		return "", 0, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if w.sha != "" && (sum != w.sha || n != w.size) {
		return "", 0, fmt.Errorf("%s: %w: read %d bytes with sha256 %s, the dossier recorded %d bytes with sha256 %s",
			name, ErrContentMismatch, n, sum, w.size, w.sha)
	}
	b.payload = append(b.payload, manifestLine{path: name, sum: sum})
	b.octets += n
	return sum, n, nil
}

// payloadBytes writes a small generated payload file.
func (b *bagWriter) payloadBytes(ctx context.Context, rel string, content []byte) error {
	_, _, err := b.payloadFile(ctx, rel, bytes.NewReader(content), false, b.modified, want{})
	return err
}

// tag writes a tag file (a file outside data/) and remembers its hash for the tag manifest.
func (b *bagWriter) tag(name string, content []byte) error {
	h := sha256.New()
	if _, err := b.entry(context.Background(), name, bytes.NewReader(content), false, b.modified, h); err != nil {
		return err
	}
	if name != tagmanifestTxt {
		b.tags = append(b.tags, manifestLine{path: name, sum: hex.EncodeToString(h.Sum(nil))})
	}
	return nil
}

// entry writes one ZIP entry below the bag's root, feeding h on the way.
func (b *bagWriter) entry(ctx context.Context, name string, r io.Reader, store bool, modified time.Time, h hash.Hash) (int64, error) {
	fh := &zip.FileHeader{Name: b.root + "/" + name, Method: zip.Deflate, Modified: modified}
	if store {
		fh.Method = zip.Store
	}
	fh.SetMode(0o644)
	zf, err := b.zw.CreateHeader(fh)
	if err != nil {
		return 0, fmt.Errorf("zip %s: %w", name, err)
	}
	n, err := io.CopyBuffer(io.MultiWriter(zf, h), ctxReader{ctx: ctx, r: r}, b.buf)
	if err != nil {
		return n, fmt.Errorf("zip %s: %w", name, err)
	}
	return n, nil
}

// finish writes bag-info.txt (with Payload-Oxum), the payload manifest and the tag manifest, and
// closes the ZIP. It does not close the underlying writer.
func (b *bagWriter) finish(info []bagInfoField) error {
	info = append(info, bagInfoField{"Payload-Oxum", fmt.Sprintf("%d.%d", b.octets, len(b.payload))})
	var bi strings.Builder
	for _, f := range info {
		fmt.Fprintf(&bi, "%s: %s\n", f.label, oneLineValue(f.value))
	}
	if err := b.tag(bagInfoTxt, []byte(bi.String())); err != nil {
		return err
	}
	if err := b.tag(manifestTxt, manifest(b.payload)); err != nil {
		return err
	}
	if err := b.tag(tagmanifestTxt, manifest(b.tags)); err != nil {
		return err
	}
	if err := b.zw.Close(); err != nil {
		return fmt.Errorf("zip: %w", err)
	}
	return nil
}

// manifest formats lines as a BagIt manifest, sorted by path: "sha256  path".
func manifest(lines []manifestLine) []byte {
	sorted := append([]manifestLine(nil), lines...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].path < sorted[j].path })
	var out bytes.Buffer
	for _, l := range sorted {
		fmt.Fprintf(&out, "%s  %s\n", l.sum, encodeManifestPath(l.path))
	}
	return out.Bytes()
}

// encodeManifestPath percent-encodes what RFC 8493 requires in a manifest path: CR, LF and %.
func encodeManifestPath(p string) string {
	return strings.NewReplacer("%", "%25", "\n", "%0A", "\r", "%0D").Replace(p)
}

// decodeManifestPath reverses encodeManifestPath.
func decodeManifestPath(p string) string {
	return strings.NewReplacer("%0A", "\n", "%0a", "\n", "%0D", "\r", "%0d", "\r", "%25", "%").Replace(p)
}

// oneLineValue keeps a bag-info value on one line.
func oneLineValue(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// ctxReader stops a copy when its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
