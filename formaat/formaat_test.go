package formaat

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

// detectionCase is a file's content and the format it must be identified as.
type detectionCase struct {
	name     string
	content  []byte
	wantPUID string
	wantMIME string
}

// detectionCases are the formats DetectFormaat tells apart, with the edge cases of each.
func detectionCases(t *testing.T) []detectionCase {
	const docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	const xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
	const pptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
	const docm = "application/vnd.ms-word.document.macroEnabled.main+xml"
	return []detectionCase{
		{"PDF 1.0", makePDF("1.0", ""), "fmt/14", "application/pdf"},
		{"PDF 1.1", makePDF("1.1", ""), "fmt/15", "application/pdf"},
		{"PDF 1.2", makePDF("1.2", ""), "fmt/16", "application/pdf"},
		{"PDF 1.3", makePDF("1.3", ""), "fmt/17", "application/pdf"},
		{"PDF 1.4", makePDF("1.4", ""), "fmt/18", "application/pdf"},
		{"PDF 1.5", makePDF("1.5", ""), "fmt/19", "application/pdf"},
		{"PDF 1.6", makePDF("1.6", ""), "fmt/20", "application/pdf"},
		{"PDF 1.7", makePDF("1.7", ""), "fmt/276", "application/pdf"},
		{"PDF 2.0", makePDF("2.0", ""), "fmt/1129", "application/pdf"},
		{"PDF/A-1a attributes", makePDF("1.4", xmpAttr("1", "A")), "fmt/95", "application/pdf"},
		{"PDF/A-1b attributes", makePDF("1.4", xmpAttr("1", "B")), "fmt/354", "application/pdf"},
		{"PDF/A-1b elements", makePDF("1.4", xmpElem("1", "B")), "fmt/354", "application/pdf"},
		{"PDF/A-2a", makePDF("1.7", xmpElem("2", "A")), "fmt/476", "application/pdf"},
		{"PDF/A-2b", makePDF("1.7", xmpAttr("2", "B")), "fmt/477", "application/pdf"},
		{"PDF/A-2u", makePDF("1.7", xmpAttr("2", "U")), "fmt/478", "application/pdf"},
		{"PDF/A-3a", makePDF("1.7", xmpAttr("3", "A")), "fmt/479", "application/pdf"},
		{"PDF/A-3b", makePDF("1.7", xmpAttr("3", "B")), "fmt/480", "application/pdf"},
		{"PDF/A-3u", makePDF("1.7", xmpAttr("3", "U")), "fmt/481", "application/pdf"},
		{"PDF/A-4", makePDF("2.0", xmpAttr("4", "")), "fmt/1910", "application/pdf"},
		{"PDF/A claim across the scan chunk boundary", pdfStraddlingChunks(t), "fmt/354", "application/pdf"},
		{"PDF/A claim far into the file", makePDFPadded("1.4", xmpAttr("1", "B"), 3*pdfScanChunk), "fmt/354", "application/pdf"},
		{"PNG 1.0", pngWithChunk(t, ""), "fmt/11", "image/png"},
		{"PNG 1.1 (sRGB)", pngWithChunk(t, "sRGB"), "fmt/12", "image/png"},
		{"PNG 1.2 (iTXt)", pngWithChunk(t, "iTXt"), "fmt/13", "image/png"},
		{"JPEG raw", jpegWith(t, nil), "fmt/41", "image/jpeg"},
		{"JPEG JFIF 1.00", jpegWith(t, jfifAPP0(1, 0)), "fmt/42", "image/jpeg"},
		{"JPEG JFIF 1.01", jpegWith(t, jfifAPP0(1, 1)), "fmt/43", "image/jpeg"},
		{"JPEG JFIF 1.02", jpegWith(t, jfifAPP0(1, 2)), "fmt/44", "image/jpeg"},
		{"JPEG Exif 2.2", jpegWith(t, exifAPP1("0220")), "x-fmt/391", "image/jpeg"},
		{"JPEG Exif 2.21", jpegWith(t, exifAPP1("0221")), "fmt/645", "image/jpeg"},
		{"JPEG Exif 2.32", jpegWith(t, exifAPP1("0232")), "fmt/1507", "image/jpeg"},
		{"TIFF little-endian", makeTIFF(binary.LittleEndian), "fmt/353", "image/tiff"},
		{"TIFF big-endian", makeTIFF(binary.BigEndian), "fmt/353", "image/tiff"},
		{"GIF 89a", makeGIF(t), "fmt/4", "image/gif"},
		{"GIF 87a", append([]byte("GIF87a"), makeGIF(t)[6:]...), "fmt/3", "image/gif"},
		{"DOCX", ooxml(t, docx, "word/document.xml"), "fmt/412", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"DOCM", ooxml(t, docm, "word/document.xml"), "fmt/523", "application/vnd.ms-word.document.macroEnabled.12"},
		{"XLSX", ooxml(t, xlsx, "xl/workbook.xml"), "fmt/214", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"PPTX", ooxml(t, pptx, "ppt/presentation.xml"), "fmt/215", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
		{"ODT 1.1", odf(t, "text", "1.1"), "fmt/290", "application/vnd.oasis.opendocument.text"},
		{"ODT 1.2", odf(t, "text", "1.2"), "fmt/291", "application/vnd.oasis.opendocument.text"},
		{"ODT 1.3", odf(t, "text", "1.3"), "fmt/1756", "application/vnd.oasis.opendocument.text"},
		{"ODS 1.2", odf(t, "spreadsheet", "1.2"), "fmt/295", "application/vnd.oasis.opendocument.spreadsheet"},
		{"ODP 1.2", odf(t, "presentation", "1.2"), "fmt/293", "application/vnd.oasis.opendocument.presentation"},
		{"ODT of unknown version", odf(t, "text", "9.9"), "", "application/vnd.oasis.opendocument.text"},
		{"ZIP", zipOf(t, false, [2]string{"a.txt", "hallo"}, [2]string{"b/c.txt", "wereld"}), "x-fmt/263", "application/zip"},
		{"ZIP without directory", []byte("PK\x03\x04 damaged"), "", "application/zip"},
		{"DOC (OLE2 WordDocument)", makeOLE2("WordDocument", "1Table"), "fmt/40", "application/msword"},
		{"XLS (OLE2 Workbook)", makeOLE2("Workbook"), "fmt/61", "application/vnd.ms-excel"},
		{"PPT (OLE2 PowerPoint Document)", makeOLE2("PowerPoint Document"), "fmt/126", "application/vnd.ms-powerpoint"},
		{"DOC with an embedded workbook", makeOLE2("Workbook", "WordDocument"), "fmt/40", "application/msword"},
		{"other OLE2", makeOLE2("Contents"), "fmt/111", "application/x-ole-storage"},
		{"XML", []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<zaak><id>1</id></zaak>\n"), "fmt/101", "application/xml"},
		{"XML with BOM", []byte("\xEF\xBB\xBF<?xml version=\"1.0\"?><a/>"), "fmt/101", "application/xml"},
		{"SVG is not identified as plain XML", []byte(`<?xml version="1.0"?><!-- x --><svg xmlns="http://www.w3.org/2000/svg"/>`), "", "image/svg+xml"},
		{"SVG without declaration", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>`), "", "image/svg+xml"},
		{"HTML 5", []byte("<!DOCTYPE html>\n<html lang=\"nl\"><head><title>x</title></head><body></body></html>"), "fmt/471", "text/html"},
		{"HTML 5 lowercase doctype", []byte("<!doctype html><html></html>"), "fmt/471", "text/html"},
		{"HTML 4.01", []byte(`<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd"><html></html>`), "fmt/100", "text/html"},
		{"XHTML 1.0", []byte(`<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x"><html xmlns="http://www.w3.org/1999/xhtml"></html>`), "fmt/102", "application/xhtml+xml"},
		{"HTML without doctype", []byte("<html><body>hallo</body></html>"), "fmt/96", "text/html"},
		{"MIME e-mail", []byte("From: a@example.nl\r\nTo: b@example.nl\r\nSubject: Aanvraag\r\nDate: Mon, 15 Jan 2024 09:12:00 +0100\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nGoedemorgen,\r\n"), "fmt/950", "message/rfc822"},
		{"RFC 822 e-mail without MIME", []byte("Received: from x by y\nFrom: a@example.nl\nSubject: Aanvraag\n\t(vervolg)\n\nTekst\n"), "fmt/278", "message/rfc822"},
		{"JSON object", []byte(`{"zaak": {"id": 1, "documenten": [1, 2, 3]}}`), "fmt/817", "application/json"},
		{"two JSON values are text", []byte(`{"a":1} {"b":2}`), "x-fmt/111", "text/plain"},
		{"broken JSON is text", []byte(`{"a": }`), "x-fmt/111", "text/plain"},
		{"plain text UTF-8", []byte("Aanvraag omgevingsvergunning\nCafé ’t Hoekje\n"), "x-fmt/111", "text/plain"},
		{"plain text Windows-1252", []byte("Caf\xe9 \x93Hoekje\x94\r\n"), "x-fmt/111", "text/plain"},
		{"key: value text is not e-mail", []byte("Naam: Jansen\nAdres: Dorpsstraat 1\n\nOpmerking\n"), "x-fmt/111", "text/plain"},
		{"RTF is not plain text", []byte(`{\rtf1\ansi hallo}`), "", "application/rtf"},
		{"binary", []byte{0x00, 0x01, 0x02, 0x03, 0xFF, 0xFE, 'a', 'b'}, "", ""},
		{"empty", nil, "", ""},
	}
}

func TestDetectFormaatFromContent(t *testing.T) {
	cases := detectionCases(t)
	// Each case is detected from memory and from a file on disk (which the PDF/A scan maps).
	for _, c := range cases {
		path := filepath.Join(t.TempDir(), "inhoud")
		if err := os.WriteFile(path, c.content, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, src := range []string{"memory", "file"} {
			t.Run(c.name+"/"+src, func(t *testing.T) {
				var r io.ReaderAt = bytes.NewReader(c.content)
				if src == "file" {
					fh, err := os.Open(path)
					if err != nil {
						t.Fatal(err)
					}
					defer fh.Close()
					r = fh
				}
				f, err := DetectFormaat(r, int64(len(c.content)))
				if err != nil {
					t.Fatalf("DetectFormaat: %v", err)
				}
				if f.PUID != c.wantPUID || f.MIME != c.wantMIME {
					t.Errorf("DetectFormaat = %+v, want PUID %q MIME %q", f, c.wantPUID, c.wantMIME)
				}
				if f.Known() != (c.wantPUID != "") {
					t.Errorf("Known() = %v for PUID %q", f.Known(), f.PUID)
				}
			})
		}
	}
}

func TestDetectFormaatReportsReadErrors(t *testing.T) {
	_, err := DetectFormaat(failingReaderAt{}, 100)
	if err == nil || !strings.Contains(err.Error(), "device gone") {
		t.Errorf("error = %v, want the reader's error", err)
	}
}

type failingReaderAt struct{}

func (failingReaderAt) ReadAt([]byte, int64) (int, error) { return 0, fmt.Errorf("device gone") }

// makePDF builds a small but well-formed PDF: catalog, page tree, one empty page and, when xmp is
// given, an uncompressed XMP metadata stream, with a correct cross-reference table.
func makePDF(version, xmp string) []byte { return makePDFPadded(version, xmp, 0) }

// makePDFPadded puts a comment of pad bytes before the objects, to move the XMP further in.
func makePDFPadded(version, xmp string, pad int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%%PDF-%s\n%%\xe2\xe3\xcf\xd3\n", version)
	if pad > 0 {
		b.WriteString("%" + strings.Repeat("x", pad) + "\n")
	}
	catalog := "<< /Type /Catalog /Pages 2 0 R >>"
	if xmp != "" {
		catalog = "<< /Type /Catalog /Pages 2 0 R /Metadata 4 0 R >>"
	}
	objs := []string{
		catalog,
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
	}
	if xmp != "" {
		objs = append(objs, fmt.Sprintf("<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n%s\nendstream", len(xmp), xmp))
	}
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// pdfStraddlingChunks places "pdfaid:part" so that it starts 5 bytes before the end of the first
// scan chunk: only the chunks' overlap sees it whole.
func pdfStraddlingChunks(t *testing.T) []byte {
	t.Helper()
	xmp := xmpAttr("1", "B")
	i := bytes.Index(makePDF("1.4", xmp), []byte("pdfaid:part"))
	b := makePDFPadded("1.4", xmp, pdfScanChunk-5-i-2) // the padding comment adds pad+2 bytes
	if j := bytes.Index(b, []byte("pdfaid:part")); j != pdfScanChunk-5 {
		t.Fatalf("pdfaid:part at %d, want %d", j, pdfScanChunk-5)
	}
	return b
}

func xmpAttr(part, conformance string) string {
	c := ""
	if conformance != "" {
		c = fmt.Sprintf(` pdfaid:conformance="%s"`, conformance)
	}
	return `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">` +
		`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""` +
		` xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" pdfaid:part="` + part + `"` + c + `/>` +
		`</rdf:RDF></x:xmpmeta><?xpacket end="w"?>`
}

func xmpElem(part, conformance string) string {
	return `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
		`<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">` +
		"\n  <pdfaid:part>" + part + "</pdfaid:part>\n  <pdfaid:conformance>" + conformance + "</pdfaid:conformance>\n" +
		`</rdf:Description></rdf:RDF></x:xmpmeta>`
}

func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	for x := range 4 {
		for y := range 3 {
			img.Set(x, y, color.RGBA{uint8(60 * x), uint8(80 * y), 120, 255})
		}
	}
	return img
}

// pngWithChunk encodes a real PNG and, when typ is set, inserts an ancillary chunk of that type
// after IHDR. The result must still decode.
func pngWithChunk(t *testing.T, typ string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, testImage()); err != nil {
		t.Fatal(err)
	}
	out := b.Bytes()
	if typ != "" {
		data := map[string][]byte{"sRGB": {0}, "iTXt": []byte("Title\x00\x00\x00nl\x00Titel\x00Besluit")}[typ]
		chunk := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		chunk = append(chunk, typ...)
		chunk = append(chunk, data...)
		chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
		const afterIHDR = 8 + 8 + 13 + 4
		out = append(append(append([]byte{}, out[:afterIHDR]...), chunk...), out[afterIHDR:]...)
	}
	if _, err := png.Decode(bytes.NewReader(out)); err != nil {
		t.Fatalf("built PNG does not decode: %v", err)
	}
	return out
}

// jpegWith encodes a real JPEG (which has no APPn segment) and inserts app right after SOI.
func jpegWith(t *testing.T, app []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	out := append(append(append([]byte{}, b.Bytes()[:2]...), app...), b.Bytes()[2:]...)
	if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
		t.Fatalf("built JPEG does not decode: %v", err)
	}
	return out
}

func segment(marker byte, payload []byte) []byte {
	s := []byte{0xFF, marker}
	s = binary.BigEndian.AppendUint16(s, uint16(len(payload)+2))
	return append(s, payload...)
}

func jfifAPP0(major, minor byte) []byte {
	return segment(0xE0, []byte{'J', 'F', 'I', 'F', 0, major, minor, 1, 0, 72, 0, 72, 0, 0})
}

// exifAPP1 builds an Exif segment whose IFD0 points to an Exif IFD holding ExifVersion.
func exifAPP1(version string) []byte {
	le := binary.LittleEndian
	tiff := []byte("II*\x00")
	tiff = le.AppendUint32(tiff, 8)
	// IFD0 at 8: one entry, ExifIFDPointer (0x8769, LONG) to offset 26.
	tiff = le.AppendUint16(tiff, 1)
	tiff = le.AppendUint16(tiff, 0x8769)
	tiff = le.AppendUint16(tiff, 4)
	tiff = le.AppendUint32(tiff, 1)
	tiff = le.AppendUint32(tiff, 26)
	tiff = le.AppendUint32(tiff, 0)
	// Exif IFD at 26: ExifVersion (0x9000, UNDEFINED, 4 bytes inline).
	tiff = le.AppendUint16(tiff, 1)
	tiff = le.AppendUint16(tiff, 0x9000)
	tiff = le.AppendUint16(tiff, 7)
	tiff = le.AppendUint32(tiff, 4)
	tiff = append(tiff, version...)
	tiff = le.AppendUint32(tiff, 0)
	return segment(0xE1, append([]byte("Exif\x00\x00"), tiff...))
}

// makeTIFF builds a 1x1 bilevel uncompressed baseline TIFF.
func makeTIFF(bo binary.AppendByteOrder) []byte {
	var b []byte
	if bo == binary.LittleEndian {
		b = []byte("II*\x00")
	} else {
		b = []byte("MM\x00*")
	}
	b = bo.AppendUint32(b, 8)
	entries := [][3]uint32{{256, 3, 1}, {257, 3, 1}, {258, 3, 1}, {259, 3, 1}, {262, 3, 0}, {273, 4, 0}, {278, 3, 1}, {279, 4, 1}}
	dataOff := uint32(8 + 2 + 12*len(entries) + 4)
	b = bo.AppendUint16(b, uint16(len(entries)))
	for _, e := range entries {
		b = bo.AppendUint16(b, uint16(e[0]))
		b = bo.AppendUint16(b, uint16(e[1]))
		b = bo.AppendUint32(b, 1)
		v := e[2]
		if e[0] == 273 {
			v = dataOff
		}
		if e[1] == 3 {
			b = bo.AppendUint16(b, uint16(v))
			b = bo.AppendUint16(b, 0)
		} else {
			b = bo.AppendUint32(b, v)
		}
	}
	b = bo.AppendUint32(b, 0)
	return append(b, 0x80)
}

func makeGIF(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gif.Encode(&b, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// zipOf builds a ZIP; with mimetypeFirst the first entry is stored uncompressed, as ODF requires.
func zipOf(t *testing.T, mimetypeFirst bool, entries ...[2]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i, e := range entries {
		h := &zip.FileHeader{Name: e[0], Method: zip.Deflate}
		if i == 0 && mimetypeFirst {
			h.Method = zip.Store
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// ooxml builds the skeleton of an Office Open XML package with the given main part.
func ooxml(t *testing.T, mainType, mainPart string) []byte {
	types := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/` + mainPart + `" ContentType="` + mainType + `"/></Types>`
	rels := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="` + mainPart + `"/></Relationships>`
	return zipOf(t, false, [2]string{"[Content_Types].xml", types}, [2]string{"_rels/.rels", rels},
		[2]string{mainPart, `<?xml version="1.0"?><root/>`})
}

// odf builds the skeleton of an OpenDocument package of the given kind and version.
func odf(t *testing.T, kind, version string) []byte {
	mt := "application/vnd.oasis.opendocument." + kind
	content := `<?xml version="1.0" encoding="UTF-8"?><office:document-content ` +
		`xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="` + version + `"><office:body/></office:document-content>`
	manifest := `<?xml version="1.0" encoding="UTF-8"?><manifest:manifest ` +
		`xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="` + version + `">` +
		`<manifest:file-entry manifest:full-path="/" manifest:media-type="` + mt + `"/></manifest:manifest>`
	return zipOf(t, true, [2]string{"mimetype", mt}, [2]string{"content.xml", content},
		[2]string{"META-INF/manifest.xml", manifest})
}

// makeOLE2 builds a minimal compound file (512-byte sectors): header, one FAT sector and one
// directory sector with the root entry and the named streams (up to three).
func makeOLE2(streams ...string) []byte {
	le := binary.LittleEndian
	h := make([]byte, 512)
	copy(h, oleSignature)
	le.PutUint16(h[0x18:], 0x3E)          // minor version
	le.PutUint16(h[0x1A:], 3)             // major version
	le.PutUint16(h[0x1C:], 0xFFFE)        // little-endian
	le.PutUint16(h[0x1E:], 9)             // 512-byte sectors
	le.PutUint16(h[0x20:], 6)             // 64-byte mini sectors
	le.PutUint32(h[0x2C:], 1)             // one FAT sector
	le.PutUint32(h[0x30:], 1)             // directory starts at sector 1
	le.PutUint32(h[0x38:], 4096)          // mini stream cutoff
	le.PutUint32(h[0x3C:], oleEndOfChain) // no mini FAT
	le.PutUint32(h[0x44:], oleEndOfChain) // no DIFAT sectors
	for i := range 109 {
		le.PutUint32(h[0x4C+4*i:], oleFree)
	}
	le.PutUint32(h[0x4C:], 0) // the FAT is sector 0

	fat := make([]byte, 512)
	for i := range 128 {
		le.PutUint32(fat[4*i:], oleFree)
	}
	le.PutUint32(fat[0:], 0xFFFFFFFD) // sector 0: FAT
	le.PutUint32(fat[4:], oleEndOfChain)

	dir := make([]byte, 512)
	entry := func(i int, name string, typ byte) {
		e := dir[128*i : 128*(i+1)]
		u := utf16.Encode([]rune(name))
		for j, c := range u {
			le.PutUint16(e[2*j:], c)
		}
		le.PutUint16(e[0x40:], uint16(2*(len(u)+1)))
		e[0x42] = typ
		le.PutUint32(e[0x44:], oleFree)
		le.PutUint32(e[0x48:], oleFree)
		le.PutUint32(e[0x4C:], oleFree)
		le.PutUint32(e[0x74:], oleEndOfChain)
	}
	entry(0, "Root Entry", 5)
	for i, s := range streams {
		entry(i+1, s, 2)
	}
	return append(append(h, fat...), dir...)
}

// A file that shrinks while the PDF/A scan has it mapped makes the scan fail with an error,
// not end the process with a fault.
func TestScanOfMappedFileThatShrinksFails(t *testing.T) {
	content := makePDFPadded("1.4", xmpAttr("1", "B"), 4*pdfScanChunk)
	path := filepath.Join(t.TempDir(), "krimpt.pdf")
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data, unmap, ok := mapFile(f, int64(len(content)))
	if !ok {
		t.Skip("files are not mapped on this platform")
	}
	defer unmap()
	if c, err := scanPDFAMapped(data); err != nil || c.part != "1" {
		t.Fatalf("scan of the whole file: part %q, %v", c.part, err)
	}
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := scanPDFAMapped(data); err == nil {
		t.Fatal("scan of a file truncated under its mapping succeeded")
	} else {
		t.Logf("scan after truncation: %v", err)
	}
}

// DetectHead with its Scan fed the file as a copy reads it (in pieces, retried, out of order)
// gives what DetectFormaat gives; until every byte has been seen it gives nothing.
func TestDetectHeadAndScanAgreeWithDetectFormaat(t *testing.T) {
	type feed func(sc *Scan, b []byte)
	inPieces := func(n int) feed {
		return func(sc *Scan, b []byte) {
			for off := 0; off < len(b); off += n {
				sc.Observe(int64(off), b[off:min(off+n, len(b))])
			}
		}
	}
	feeds := []struct {
		name string
		feed feed
	}{
		{"whole", func(sc *Scan, b []byte) { sc.Observe(0, b) }},
		{"7-byte pieces", inPieces(7)},
		{"4093-byte pieces", inPieces(4093)},
		{"32 KiB pieces", inPieces(32 << 10)},
		{"a retry from the start", func(sc *Scan, b []byte) {
			inPieces(1000)(sc, b[:len(b)/2])
			inPieces(32<<10)(sc, b)
		}},
		{"out of order and overlapping", func(sc *Scan, b []byte) {
			h := len(b) / 2
			sc.Observe(int64(h), b[h:]) // a probe of the end: not in order, ignored
			sc.Observe(0, b[:min(len(b), h+10)])
			sc.Observe(int64(max(0, h-10)), b[max(0, h-10):])
		}},
	}
	for _, c := range detectionCases(t) {
		want, err := DetectFormaat(bytes.NewReader(c.content), int64(len(c.content)))
		if err != nil {
			t.Fatalf("%s: DetectFormaat: %v", c.name, err)
		}
		head, sc, err := DetectHead(bytes.NewReader(c.content), int64(len(c.content)))
		if err != nil {
			t.Fatalf("%s: DetectHead: %v", c.name, err)
		}
		if sc == nil {
			if head != want {
				t.Errorf("%s: DetectHead = %+v without a scan, DetectFormaat = %+v", c.name, head, want)
			}
			continue
		}
		if !strings.HasPrefix(c.name, "PDF") {
			t.Errorf("%s: a scan for a format that is not PDF", c.name)
		}
		for _, f := range feeds {
			t.Run(c.name+"/"+f.name, func(t *testing.T) {
				_, sc, _ := DetectHead(bytes.NewReader(c.content), int64(len(c.content)))
				if len(c.content) > 0 {
					sc.Observe(0, c.content[:len(c.content)-1])
					if got, ok := sc.Formaat(); ok {
						t.Fatalf("Formaat before the last byte = %+v, want none", got)
					}
				}
				f.feed(sc, c.content)
				got, ok := sc.Formaat()
				if !ok || got != want {
					t.Errorf("Formaat = %+v, %v; DetectFormaat = %+v", got, ok, want)
				}
			})
		}
	}
}

// A PDF/A claim is found wherever it falls relative to the pieces the scan is fed, and the last
// claim in the file wins.
func TestScanFindsClaimAcrossPieceBoundaries(t *testing.T) {
	xmp := xmpElem("2", "U") + " " + xmpAttr("3", "B")
	base := makePDF("1.7", xmp)
	i := bytes.LastIndex(base, []byte("pdfaid:")) // the conformance of the last claim: nothing after it
	for _, piece := range []int{7, 64, 4096} {
		for shift := -30; shift <= 10; shift++ {
			pad := piece + shift - i - 2 // that key starts at piece+shift
			if pad < 1 {
				continue
			}
			b := makePDFPadded("1.7", xmp, pad)
			_, sc, err := DetectHead(bytes.NewReader(b), int64(len(b)))
			if err != nil || sc == nil {
				t.Fatalf("DetectHead: %v, scan %v", err, sc)
			}
			for off := 0; off < len(b); off += piece {
				sc.Observe(int64(off), b[off:min(off+piece, len(b))])
			}
			if got, ok := sc.Formaat(); !ok || got.PUID != "fmt/480" {
				t.Errorf("piece %d, claim at %d: Formaat = %+v, %v, want fmt/480 (PDF/A-3b, the last claim)", piece, piece+shift, got, ok)
			}
		}
	}
}
