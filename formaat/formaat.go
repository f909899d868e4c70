// Package formaat identifies file formats by their content (PRONOM identifiers) and finds
// password protection, for the dossier (which refuses at capture what cannot be archived) and
// the archive (which describes each file in MDTO). It imports neither.
package formaat

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Formaat is a file format identified from a file's content: a PRONOM unique identifier (PUID),
// the format's name in PRONOM and its MIME type. An empty PUID means the content matched no
// format this package identifies with certainty; Naam and MIME may still say what it looks like.
// The caller decides what to do with such a file.
type Formaat struct {
	// PUID is the PRONOM identifier, e.g. "fmt/354"; empty when unknown.
	PUID string
	// Naam is the format's name and version as PRONOM gives them.
	Naam string
	// MIME is the format's media type, e.g. "application/pdf".
	MIME string
}

// Known reports whether a PRONOM identifier was found.
func (f Formaat) Known() bool { return f.PUID != "" }

// headSize is how much of a file's start the signatures look at.
const headSize = 8 << 10

// DetectFormaat identifies the format of the size bytes readable from r by their content, never
// by a file name. It recognises PDF 1.0-2.0 and PDF/A (from the pdfaid part and conformance in
// the XMP metadata), PNG, JPEG (JFIF, Exif, raw), TIFF, GIF, the OOXML and ODF office formats and
// other ZIP files, OLE2 office files (Word, Excel, PowerPoint 97-2003), XML, HTML, e-mail, JSON
// and plain text. Anything else gives a Formaat with an empty PUID and a nil error; an error
// means r could not be read.
func DetectFormaat(r io.ReaderAt, size int64) (Formaat, error) {
	f, _, err := detectFormaat(r, size, false)
	return f, err
}

// DetectHead identifies a format as DetectFormaat does, except for the one part that needs
// every byte of the file: whether a PDF claims PDF/A conformance. For a PDF it returns the
// format its header gives together with a Scan; the caller streams the whole file through the
// Scan (typically while it copies the file anyway) and takes the final format from it, so that
// the file is read once instead of twice. For every other format the Scan is nil and the
// format is final.
func DetectHead(r io.ReaderAt, size int64) (Formaat, *Scan, error) {
	return detectFormaat(r, size, true)
}

func detectFormaat(r io.ReaderAt, size int64, deferScan bool) (Formaat, *Scan, error) {
	if size < 0 {
		return Formaat{}, nil, fmt.Errorf("detect formaat: negative size %d", size)
	}
	head := make([]byte, min(size, headSize))
	if _, err := r.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return Formaat{}, nil, fmt.Errorf("detect formaat: read head: %w", err)
	}
	f, scan, err := detect(r, size, head, deferScan)
	if err != nil {
		return Formaat{}, nil, fmt.Errorf("detect formaat: %w", err)
	}
	return f, scan, nil
}

// detect identifies the format from the head and, where the format needs it, further reads.
// The Scan is non-nil only for a PDF when deferScan is set (see DetectHead).
func detect(r io.ReaderAt, size int64, head []byte, deferScan bool) (Formaat, *Scan, error) {
	var f Formaat
	var err error
	switch {
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		f, err = detectPNG(r, size)
	case bytes.HasPrefix(head, []byte("GIF87a")):
		f = fmtGIF87a
	case bytes.HasPrefix(head, []byte("GIF89a")):
		f = fmtGIF89a
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		f = detectJPEG(head)
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		f = fmtTIFF
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		f, err = detectZIP(r, size)
	case bytes.HasPrefix(head, oleSignature):
		f, err = detectOLE(r, size)
	default:
		if i := bytes.Index(head[:min(len(head), 1024)], []byte("%PDF-")); i >= 0 {
			return detectPDF(r, size, head[i:], deferScan)
		}
		f, err = detectText(r, size, head)
	}
	return f, nil, err
}

// Formats recognised by their first bytes alone.
var (
	fmtGIF87a  = Formaat{"fmt/3", "Graphics Interchange Format 87a", "image/gif"}
	fmtGIF89a  = Formaat{"fmt/4", "Graphics Interchange Format 89a", "image/gif"}
	fmtTIFF    = Formaat{"fmt/353", "Tagged Image File Format", "image/tiff"}
	fmtRawJPEG = Formaat{"fmt/41", "Raw JPEG Stream", "image/jpeg"}
)

// detectPNG walks the chunk headers: PNG 1.2 introduced iTXt, PNG 1.1 iCCP, sRGB and sPLT; a file
// with none of them conforms to PNG 1.0.
func detectPNG(r io.ReaderAt, size int64) (Formaat, error) {
	version := "1.0"
	var hdr [8]byte
	off := int64(8)
chunks:
	for range maxPNGChunks {
		if off+8 > size {
			break
		}
		if _, err := r.ReadAt(hdr[:], off); err != nil && !errors.Is(err, io.EOF) {
			return Formaat{}, fmt.Errorf("read png chunk at %d: %w", off, err)
		}
		switch string(hdr[4:8]) {
		case "iTXt":
			version = "1.2"
		case "iCCP", "sRGB", "sPLT":
			if version == "1.0" {
				version = "1.1"
			}
		case "IEND":
			break chunks
		}
		off += 12 + int64(binary.BigEndian.Uint32(hdr[:4]))
	}
	puid := map[string]string{"1.0": "fmt/11", "1.1": "fmt/12", "1.2": "fmt/13"}[version]
	return Formaat{puid, "Portable Network Graphics " + version, "image/png"}, nil
}

// maxPNGChunks bounds the chunk walk of a damaged or hostile PNG.
const maxPNGChunks = 1 << 16

// detectJPEG decides by the first application segment: a JFIF APP0 with its version, an Exif
// APP1 with the Exif version, otherwise a raw JPEG stream.
func detectJPEG(head []byte) Formaat {
	if len(head) < 4 || head[3] < 0xE0 || head[3] > 0xEF || len(head) < 6 {
		return fmtRawJPEG
	}
	seg := head[4:]
	n := int(binary.BigEndian.Uint16(seg[:2]))
	if n < 2 || n > len(seg) {
		return fmtRawJPEG
	}
	seg = seg[2:n]
	switch {
	case head[3] == 0xE0 && len(seg) >= 7 && bytes.HasPrefix(seg, []byte("JFIF\x00")):
		v := fmt.Sprintf("%d.%02d", seg[5], seg[6])
		if puid, ok := map[string]string{"1.00": "fmt/42", "1.01": "fmt/43", "1.02": "fmt/44"}[v]; ok {
			return Formaat{puid, "JPEG File Interchange Format " + v, "image/jpeg"}
		}
	case head[3] == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")):
		if f, ok := exifFormaat(seg[6:]); ok {
			return f
		}
	}
	return fmtRawJPEG
}

var exifPUIDs = map[string]struct{ puid, version string }{
	"0200": {"x-fmt/398", "2.0"}, "0210": {"x-fmt/390", "2.1"}, "0220": {"x-fmt/391", "2.2"},
	"0221": {"fmt/645", "2.21"}, "0230": {"fmt/1507", "2.3.x"}, "0231": {"fmt/1507", "2.3.x"},
	"0232": {"fmt/1507", "2.3.x"},
}

// exifFormaat reads the ExifVersion tag from the TIFF structure inside an Exif APP1 segment.
func exifFormaat(t []byte) (Formaat, bool) {
	if len(t) < 8 {
		return Formaat{}, false
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return Formaat{}, false
	}
	// find returns the 4-byte value field of tag in the IFD at off.
	find := func(off uint32, tag uint16) ([]byte, bool) {
		if int64(off)+2 > int64(len(t)) {
			return nil, false
		}
		count := int(bo.Uint16(t[off:]))
		for i := range count {
			e := int(off) + 2 + 12*i
			if e+12 > len(t) {
				return nil, false
			}
			if bo.Uint16(t[e:]) == tag {
				return t[e+8 : e+12], true
			}
		}
		return nil, false
	}
	ptr, ok := find(bo.Uint32(t[4:8]), 0x8769)
	if !ok {
		return Formaat{}, false
	}
	ver, ok := find(bo.Uint32(ptr), 0x9000)
	if !ok {
		return Formaat{}, false
	}
	e, ok := exifPUIDs[string(ver)]
	if !ok {
		return Formaat{}, false
	}
	return Formaat{e.puid, "Exchangeable Image File Format (Compressed) " + e.version, "image/jpeg"}, true
}
