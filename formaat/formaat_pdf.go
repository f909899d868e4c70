package formaat

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime/debug"
	"sync"
)

var pdfVersions = map[string]string{
	"1.0": "fmt/14", "1.1": "fmt/15", "1.2": "fmt/16", "1.3": "fmt/17",
	"1.4": "fmt/18", "1.5": "fmt/19", "1.6": "fmt/20", "1.7": "fmt/276",
}

// pdfaPUIDs maps PDF/A part and conformance (lowercase, empty for PDF/A-4 without one) to PUIDs.
var pdfaPUIDs = map[string]string{
	"1a": "fmt/95", "1b": "fmt/354",
	"2a": "fmt/476", "2b": "fmt/477", "2u": "fmt/478",
	"3a": "fmt/479", "3b": "fmt/480", "3u": "fmt/481",
	"4": "fmt/1910", "4e": "fmt/1911", "4f": "fmt/1912",
}

var (
	pdfHeaderRE   = regexp.MustCompile(`^%PDF-([12]\.[0-9])`)
	pdfaPartRE    = regexp.MustCompile(`pdfaid:part\s*(?:=\s*["']|>)\s*([0-9])`)
	pdfaConformRE = regexp.MustCompile(`pdfaid:conformance\s*(?:=\s*["']|>)\s*([A-Za-z])`)
	pdfaKey       = []byte("pdfaid:")
)

// The PDF/A scan looks at the file in pieces and keeps the last pdfScanOverlap bytes of what it
// has seen, so that a property split over two pieces is still found whole. A file it reads
// itself it reads in pieces of pdfScanChunk: 64 KiB keeps the buffer small (a large allocation
// per file costs more than the extra reads: the page cache is copied either way).
const (
	pdfScanChunk   = 64 << 10
	pdfScanOverlap = 256
)

// detectPDF reads the version from the header and looks through the whole file for the XMP
// pdfaid properties that claim PDF/A conformance. The last claim in the file wins, as an
// incremental update appends the newest metadata. With deferScan the whole-file part is left
// to the returned Scan.
func detectPDF(r io.ReaderAt, size int64, header []byte, deferScan bool) (Formaat, *Scan, error) {
	m := pdfHeaderRE.FindSubmatch(header)
	if m == nil {
		return Formaat{Naam: "Portable Document Format (unknown version)", MIME: "application/pdf"}, nil, nil
	}
	version := string(m[1])
	if deferScan {
		return pdfFormaat(version, pdfaClaim{}), &Scan{version: version, size: size}, nil
	}
	claim, err := scanPDFA(r, size)
	if err != nil {
		return Formaat{}, nil, err
	}
	return pdfFormaat(version, claim), nil, nil
}

// pdfFormaat is the format of a PDF of the given header version that makes the given PDF/A claim.
func pdfFormaat(version string, c pdfaClaim) Formaat {
	if c.part != "" {
		key := c.part + c.conformance
		if puid, ok := pdfaPUIDs[key]; ok {
			return Formaat{puid, "Acrobat PDF/A - Portable Document Format " + key, "application/pdf"}
		}
	}
	if version == "2.0" {
		return Formaat{"fmt/1129", "PDF 2.0 - Portable Document Format", "application/pdf"}
	}
	if puid, ok := pdfVersions[version]; ok {
		return Formaat{puid, "Acrobat PDF " + version + " - Portable Document Format", "application/pdf"}
	}
	return Formaat{Naam: "Portable Document Format " + version, MIME: "application/pdf"}
}

// pdfaClaim is the PDF/A part and conformance (lowercased) a file claims; empty when none.
type pdfaClaim struct{ part, conformance string }

// pdfaScanner finds the last pdfaid part and conformance in content fed to it in order, in
// pieces of any size.
type pdfaScanner struct {
	claim pdfaClaim
	tail  []byte // the last pdfScanOverlap bytes fed
	win   []byte // tail and piece together, built only when the key is in sight
}

// feed scans the next piece of the content.
func (s *pdfaScanner) feed(p []byte) {
	hit := bytes.Contains(p, pdfaKey)
	if !hit && len(s.tail) > 0 {
		// A key in the tail may have its value in p; a key may also straddle the two.
		var edge [2 * 6]byte
		e := append(edge[:0], s.tail[max(0, len(s.tail)-6):]...)
		e = append(e, p[:min(len(p), 6)]...)
		hit = bytes.Contains(s.tail, pdfaKey) || bytes.Contains(e, pdfaKey)
	}
	if hit {
		s.win = append(append(s.win[:0], s.tail...), p...)
		if ms := pdfaPartRE.FindAllSubmatch(s.win, -1); ms != nil {
			s.claim.part = string(ms[len(ms)-1][1])
		}
		if ms := pdfaConformRE.FindAllSubmatch(s.win, -1); ms != nil {
			s.claim.conformance = string(bytes.ToLower(ms[len(ms)-1][1]))
		}
	}
	if len(p) >= pdfScanOverlap {
		s.tail = append(s.tail[:0], p[len(p)-pdfScanOverlap:]...)
		return
	}
	s.tail = append(s.tail, p...)
	if n := len(s.tail) - pdfScanOverlap; n > 0 {
		s.tail = append(s.tail[:0], s.tail[n:]...)
	}
}

// scanPDFA reads the whole file and returns the last PDF/A claim in it. A file is scanned
// through a read-only memory map where the platform allows it (no copy of the bytes: twice as
// fast as reading), and read piece by piece otherwise.
func scanPDFA(r io.ReaderAt, size int64) (pdfaClaim, error) {
	if f, ok := r.(*os.File); ok {
		if data, unmap, ok := mapFile(f, size); ok {
			defer unmap()
			return scanPDFAMapped(data)
		}
	}
	var s pdfaScanner
	buf := make([]byte, pdfScanChunk)
	for off := int64(0); off < size; {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		if n == 0 && err == nil {
			err = io.ErrNoProgress
		}
		if err != nil && !(errors.Is(err, io.EOF) && n > 0) {
			return pdfaClaim{}, fmt.Errorf("scan pdf at %d: %w", off, err)
		}
		s.feed(buf[:n])
		off += int64(n)
	}
	return s.claim, nil
}

// scanPDFAMapped scans a mapped file. Should the file shrink while it is mapped, reading past
// its new end faults; that fault becomes an error here instead of ending the process.
func scanPDFAMapped(data []byte) (c pdfaClaim, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("scan pdf: the file changed while it was read: %v", p)
		}
	}()
	var s pdfaScanner
	for off := 0; off < len(data); off += pdfScanChunk {
		s.feed(data[off:min(off+pdfScanChunk, len(data))])
	}
	return s.claim, nil
}

// Scan finishes the identification DetectHead began, from the file's bytes as the caller reads
// them for its own purpose (an upload, a copy): Observe each piece read with its offset, in
// any number of passes (a retry that starts again is fine); once every byte has been observed
// in order, Formaat gives the same result DetectFormaat gives for the file. A Scan is safe for
// concurrent use.
type Scan struct {
	version string
	size    int64

	mu   sync.Mutex
	next int64 // bytes [0, next) have been scanned
	s    pdfaScanner
}

// Observe passes p, the bytes of the file at offset off. Only bytes that continue what has
// been scanned so far count: a piece that starts past that point, or repeats bytes already
// scanned, is used only for its new part, if any.
func (sc *Scan) Observe(off int64, p []byte) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	end := off + int64(len(p))
	if off > sc.next || end <= sc.next || off < 0 {
		return
	}
	p = p[sc.next-off:]
	if rest := sc.size - sc.next; int64(len(p)) > rest {
		p = p[:rest]
	}
	sc.s.feed(p)
	sc.next += int64(len(p))
}

// Formaat returns the file's final format once all its bytes have been observed; ok is false
// while some are missing (the caller then identifies the file with DetectFormaat).
func (sc *Scan) Formaat() (f Formaat, ok bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.next < sc.size {
		return Formaat{}, false
	}
	return pdfFormaat(sc.version, sc.s.claim), true
}
