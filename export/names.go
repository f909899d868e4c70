package export

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"zaakarchief/archive/mdto"
	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
)

// documentenDir is the payload folder of the document files.
const documentenDir = "documenten"

// extRE matches a usable file extension (without the dot).
var extRE = regexp.MustCompile(`^[A-Za-z0-9]{1,16}$`)

// extByMIME gives an extension for the formats the dossier receives most when the bestandsnaam
// has none. A fixed table, not the system's mime.types, so that names are the same everywhere.
var extByMIME = map[string]string{
	"application/pdf": "pdf", "text/plain": "txt", "text/html": "html", "text/xml": "xml",
	"application/xml": "xml", "application/json": "json", "text/csv": "csv", "image/png": "png",
	"image/jpeg": "jpg", "image/tiff": "tif", "image/gif": "gif", "message/rfc822": "eml",
	"application/msword": "doc", "application/vnd.ms-excel": "xls",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":       "xlsx",
	"application/vnd.oasis.opendocument.text":                                 "odt",
	"application/zip": "zip",
}

// placedDocument is a document with the path of its file in the payload (relative to data/).
type placedDocument struct {
	dossier.Document
	// Path is relative to data/, e.g. "documenten/3-Advies_en_ontwerpbesluit/01-Adviesrapport.pdf".
	Path string
	// FaseNaam is the phase the document was recorded in, as "3 Advies en ontwerpbesluit".
	FaseNaam string
}

// faseFolder names the folder of a phase: its volgnummer and the statustype's omschrijving.
func faseFolder(zt *afspraak.Zaaktype, fase int) string {
	if zt != nil {
		if st, ok := zt.Statustype(fase); ok {
			return mdto.SafeName(fmt.Sprintf("%d-%s", fase, st.Omschrijving))
		}
	}
	return fmt.Sprintf("%d-fase", fase)
}

// faseNaam names a phase for people.
func faseNaam(zt *afspraak.Zaaktype, fase int) string {
	if zt != nil {
		if st, ok := zt.Statustype(fase); ok {
			return fmt.Sprintf("%d %s", fase, st.Omschrijving)
		}
	}
	return fmt.Sprintf("fase %d", fase)
}

// placeDocuments gives every document a readable, unique path: the folder of the phase it was
// recorded in, then its number within that phase, its title and its extension
// ("documenten/3-Advies_en_ontwerpbesluit/02-Ontwerpbesluit.pdf"). Names are safe on every
// file system (mdto.SafeName) and unique ignoring case; a collision gets "-2", "-3", ... before
// the extension. The order is the dossier's (by registration).
func placeDocuments(zt *afspraak.Zaaktype, docs []dossier.Document) []placedDocument {
	perFase := map[int]int{}
	for _, d := range docs {
		perFase[d.Fase]++
	}
	seen := map[string]bool{}
	nr := map[int]int{}
	out := make([]placedDocument, 0, len(docs))
	for _, d := range docs {
		nr[d.Fase]++
		width := len(fmt.Sprint(perFase[d.Fase]))
		width = max(width, 2)
		titel := d.Titel
		if strings.TrimSpace(titel) == "" {
			titel = strings.TrimSuffix(d.Bestandsnaam, path.Ext(d.Bestandsnaam))
		}
		name := mdto.SafeName(fmt.Sprintf("%0*d-%s.%s", width, nr[d.Fase], titel, extension(d)))
		dir := path.Join(documentenDir, faseFolder(zt, d.Fase))
		p := uniquePath(seen, dir, name)
		out = append(out, placedDocument{Document: d, Path: p, FaseNaam: faseNaam(zt, d.Fase)})
	}
	return out
}

// uniquePath returns dir/name, or dir/name-2.ext, ... when that path (ignoring case) is taken,
// and marks the result as taken.
func uniquePath(seen map[string]bool, dir, name string) string {
	ext := path.Ext(name)
	base := strings.TrimSuffix(name, ext)
	p := path.Join(dir, name)
	for i := 2; seen[strings.ToLower(p)]; i++ {
		suffix := fmt.Sprintf("-%d", i)
		b := base
		if len(b)+len(suffix)+len(ext) > mdto.MaxNameLength {
			b = b[:mdto.MaxNameLength-len(suffix)-len(ext)]
		}
		p = path.Join(dir, b+suffix+ext)
	}
	seen[strings.ToLower(p)] = true
	return p
}

// extension returns the document's file extension without the dot: the bestandsnaam's when it
// has a usable one, else one for its format, else "bin".
func extension(d dossier.Document) string {
	if e := strings.TrimPrefix(path.Ext(d.Bestandsnaam), "."); extRE.MatchString(e) {
		return strings.ToLower(e)
	}
	mime, _, _ := strings.Cut(d.Formaat, ";")
	if e, ok := extByMIME[strings.TrimSpace(strings.ToLower(mime))]; ok {
		return e
	}
	return "bin"
}

// compressedFormats are extensions whose content is compressed already: stored in the ZIP as
// they are, since deflating them again costs time and gains nothing.
var compressedFormats = map[string]bool{
	"pdf": true, "jpg": true, "jpeg": true, "png": true, "gif": true, "tif": false, "zip": true,
	"docx": true, "xlsx": true, "pptx": true, "odt": true, "ods": true, "odp": true, "mp3": true,
	"mp4": true, "m4a": true, "gz": true, "7z": true, "heic": true, "webp": true, "jp2": true,
}

// storeUncompressed reports whether a payload file is stored rather than deflated.
func storeUncompressed(p string) bool {
	return compressedFormats[strings.ToLower(strings.TrimPrefix(path.Ext(p), "."))]
}
