package formaat

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf16"
)

var fmtZIP = Formaat{"x-fmt/263", "ZIP Format", "application/zip"}

// ooxmlMain maps the content type of an OOXML package's main part to its format.
var ooxmlMain = []struct {
	contentType string
	formaat     Formaat
}{
	{"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", Formaat{
		"fmt/412", "Microsoft Word for Windows 2007 onwards",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document"}},
	{"application/vnd.ms-word.document.macroEnabled.main+xml", Formaat{
		"fmt/523", "Macro enabled Microsoft Word Document OOXML 2007 onwards",
		"application/vnd.ms-word.document.macroEnabled.12"}},
	{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", Formaat{
		"fmt/214", "Microsoft Excel for Windows 2007 onwards",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}},
	{"application/vnd.ms-excel.sheet.macroEnabled.main+xml", Formaat{
		"fmt/445", "Microsoft Excel Macro-Enabled 2007 onwards",
		"application/vnd.ms-excel.sheet.macroEnabled.12"}},
	{"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml", Formaat{
		"fmt/215", "Microsoft Powerpoint for Windows 2007 onwards",
		"application/vnd.openxmlformats-officedocument.presentationml.presentation"}},
	{"application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml", Formaat{
		"fmt/487", "Macro Enabled Microsoft Powerpoint 2007 onwards",
		"application/vnd.ms-powerpoint.presentation.macroEnabled.12"}},
}

// odfPUIDs maps an ODF mimetype and office:version to a PUID.
var odfPUIDs = map[string]struct {
	naam  string
	puids map[string]string
}{
	"application/vnd.oasis.opendocument.text": {"OpenDocument Text", map[string]string{
		"1.0": "fmt/136", "1.1": "fmt/290", "1.2": "fmt/291", "1.3": "fmt/1756"}},
	"application/vnd.oasis.opendocument.spreadsheet": {"OpenDocument Spreadsheet", map[string]string{
		"1.0": "fmt/137", "1.1": "fmt/294", "1.2": "fmt/295", "1.3": "fmt/1755"}},
	"application/vnd.oasis.opendocument.presentation": {"OpenDocument Presentation", map[string]string{
		"1.0": "fmt/138", "1.1": "fmt/292", "1.2": "fmt/293", "1.3": "fmt/1754"}},
}

// maxZipPart bounds how much of a ZIP member is read to identify the package.
const maxZipPart = 1 << 20

// detectZIP reads the ZIP directory: an ODF package names its type in the first member
// "mimetype", an OOXML package in "[Content_Types].xml"; any other ZIP is a plain ZIP.
func detectZIP(r io.ReaderAt, size int64) (Formaat, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		// Starts like a ZIP but has no readable directory: damaged or truncated.
		return Formaat{Naam: "ZIP Format (unreadable directory)", MIME: "application/zip"}, nil
	}
	members := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		members[f.Name] = f
	}
	if f := members["mimetype"]; f != nil {
		mt, err := readZipPart(f, 256)
		if err != nil {
			return Formaat{}, err
		}
		return detectODF(strings.TrimSpace(string(mt)), members)
	}
	if f := members["[Content_Types].xml"]; f != nil {
		ct, err := readZipPart(f, maxZipPart)
		if err != nil {
			return Formaat{}, err
		}
		for _, m := range ooxmlMain {
			if bytes.Contains(ct, []byte(`"`+m.contentType+`"`)) {
				return m.formaat, nil
			}
		}
		return Formaat{Naam: "Office Open XML package (unrecognised main part)", MIME: "application/zip"}, nil
	}
	return fmtZIP, nil
}

// detectODF finds the ODF version in the office:version attribute of content.xml's root, or else
// of META-INF/manifest.xml's root (manifest:version).
func detectODF(mimetype string, members map[string]*zip.File) (Formaat, error) {
	odf, ok := odfPUIDs[mimetype]
	if !ok {
		return Formaat{Naam: "ZIP package of type " + mimetype, MIME: mimetype}, nil
	}
	version := ""
	for _, name := range []string{"content.xml", "META-INF/manifest.xml"} {
		f := members[name]
		if f == nil {
			continue
		}
		b, err := readZipPart(f, maxZipPart)
		if err != nil {
			return Formaat{}, err
		}
		if version = rootAttr(b, "version"); version != "" {
			break
		}
	}
	if puid, ok := odf.puids[version]; ok {
		return Formaat{puid, odf.naam + " " + version, mimetype}, nil
	}
	return Formaat{Naam: strings.TrimSpace(odf.naam + " " + version), MIME: mimetype}, nil
}

// rootAttr returns the value of the root element's attribute with the given local name.
func rootAttr(doc []byte, local string) string {
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := d.RawToken()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok {
			for _, a := range se.Attr {
				if a.Name.Local == local {
					return a.Value
				}
			}
			return ""
		}
	}
}

func readZipPart(f *zip.File, limit int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("open zip member %s: %w", f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit))
	if err != nil {
		return nil, fmt.Errorf("read zip member %s: %w", f.Name, err)
	}
	return b, nil
}

// oleSignature starts every OLE2 compound file (Word, Excel, PowerPoint 97-2003, Outlook msg).
var oleSignature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

var fmtOLE2 = Formaat{"fmt/111", "OLE2 Compound Document Format", "application/x-ole-storage"}

// oleStreams maps a stream in the root storage to the application that wrote the file.
var oleStreams = map[string]Formaat{
	"WordDocument":        {"fmt/40", "Microsoft Word Document 97-2003", "application/msword"},
	"Workbook":            {"fmt/61", "Microsoft Excel 97 Workbook (xls) 8", "application/vnd.ms-excel"},
	"PowerPoint Document": {"fmt/126", "Microsoft Powerpoint Presentation 97-2003", "application/vnd.ms-powerpoint"},
}

// OLE2 sector numbers with a special meaning.
const (
	oleEndOfChain = 0xFFFFFFFE
	oleFree       = 0xFFFFFFFF
	maxOLESectors = 1 << 16
)

// detectOLE reads the compound file's directory and looks for the stream that names the
// application: WordDocument, Workbook or "PowerPoint Document".
func detectOLE(r io.ReaderAt, size int64) (Formaat, error) {
	names, err := oleRootStreams(r, size)
	if err != nil {
		if errors.Is(err, errOLEDamaged) {
			return Formaat{Naam: "OLE2 Compound Document Format (damaged)", MIME: "application/x-ole-storage"}, nil
		}
		return Formaat{}, err
	}
	// Embedded objects add their own storages, so a Word file may also list a Workbook stream:
	// decide by priority, not by directory order.
	for _, want := range []string{"WordDocument", "PowerPoint Document", "Workbook"} {
		if slices.Contains(names, want) {
			return oleStreams[want], nil
		}
	}
	return fmtOLE2, nil
}

var errOLEDamaged = errors.New("damaged OLE2 file")

// oleRootStreams returns the names of the streams in the compound file's directory.
func oleRootStreams(r io.ReaderAt, size int64) ([]string, error) {
	var h [512]byte
	if _, err := r.ReadAt(h[:], 0); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errOLEDamaged
		}
		return nil, fmt.Errorf("read ole2 header: %w", err)
	}
	le := binary.LittleEndian
	shift := le.Uint16(h[0x1E:])
	if shift != 9 && shift != 12 {
		return nil, errOLEDamaged
	}
	secSize := int64(1) << shift
	perSector := secSize / 4
	sectorOff := func(n uint32) int64 { return (int64(n) + 1) * secSize }

	// The FAT's own sectors: 109 in the header, the rest in the DIFAT chain.
	var fatSectors []uint32
	for i := range 109 {
		if s := le.Uint32(h[0x4C+4*i:]); s != oleFree {
			fatSectors = append(fatSectors, s)
		}
	}
	buf := make([]byte, secSize)
	difat := le.Uint32(h[0x44:])
	for n := 0; difat != oleEndOfChain && difat != oleFree; n++ {
		if n > maxOLESectors || sectorOff(difat)+secSize > size {
			return nil, errOLEDamaged
		}
		if _, err := r.ReadAt(buf, sectorOff(difat)); err != nil {
			return nil, fmt.Errorf("read ole2 difat: %w", err)
		}
		for i := int64(0); i < perSector-1; i++ {
			if s := le.Uint32(buf[4*i:]); s != oleFree {
				fatSectors = append(fatSectors, s)
			}
		}
		difat = le.Uint32(buf[secSize-4:])
	}
	next := func(n uint32) (uint32, error) {
		i := int64(n) / perSector
		if i >= int64(len(fatSectors)) {
			return 0, errOLEDamaged
		}
		var e [4]byte
		if _, err := r.ReadAt(e[:], sectorOff(fatSectors[i])+4*(int64(n)%perSector)); err != nil {
			return 0, errOLEDamaged
		}
		return le.Uint32(e[:]), nil
	}

	var names []string
	dir := le.Uint32(h[0x30:])
	for n := 0; dir != oleEndOfChain; n++ {
		if n > maxOLESectors || sectorOff(dir)+secSize > size {
			return nil, errOLEDamaged
		}
		if _, err := r.ReadAt(buf, sectorOff(dir)); err != nil {
			return nil, fmt.Errorf("read ole2 directory: %w", err)
		}
		for e := int64(0); e+128 <= secSize; e += 128 {
			entry := buf[e : e+128]
			nameLen := int(le.Uint16(entry[0x40:]))
			if entry[0x42] != 2 || nameLen < 2 || nameLen > 64 {
				continue // not a stream, or an unused entry
			}
			u := make([]uint16, nameLen/2-1)
			for i := range u {
				u[i] = le.Uint16(entry[2*i:])
			}
			names = append(names, string(utf16.Decode(u)))
		}
		var err error
		if dir, err = next(dir); err != nil {
			return nil, err
		}
	}
	return names, nil
}
