package sipcheck

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"
)

// The parts of an MDTO document the checks read. encoding/xml matches the local names, in
// whatever namespace; the XSD check sees to the namespace.
type (
	xIdentificatie struct {
		Kenmerk string `xml:"identificatieKenmerk"`
		Bron    string `xml:"identificatieBron"`
	}
	xVerwijzing struct {
		Naam          string          `xml:"verwijzingNaam"`
		Identificatie *xIdentificatie `xml:"verwijzingIdentificatie"`
	}
	xBegrip struct {
		Label string      `xml:"begripLabel"`
		Code  *string     `xml:"begripCode"`
		Lijst xVerwijzing `xml:"begripBegrippenlijst"`
	}
	xBeperking struct {
		Type   []xBegrip `xml:"beperkingGebruikType"`
		Nadere string    `xml:"beperkingGebruikNadereBeschrijving"`
	}
	xInformatieobject struct {
		Identificatie    []xIdentificatie `xml:"identificatie"`
		Naam             string           `xml:"naam"`
		Aggregatieniveau []xBegrip        `xml:"aggregatieniveau"`
		IsOnderdeelVan   []xVerwijzing    `xml:"isOnderdeelVan"`
		BeperkingGebruik []xBeperking     `xml:"beperkingGebruik"`
	}
	xChecksum struct {
		Algoritme xBegrip `xml:"checksumAlgoritme"`
		Waarde    string  `xml:"checksumWaarde"`
	}
	xBestand struct {
		Identificatie      []xIdentificatie `xml:"identificatie"`
		Naam               string           `xml:"naam"`
		Omvang             string           `xml:"omvang"`
		Bestandsformaat    xBegrip          `xml:"bestandsformaat"`
		Checksum           []xChecksum      `xml:"checksum"`
		IsRepresentatieVan xVerwijzing      `xml:"isRepresentatieVan"`
	}
	xMDTO struct {
		XMLName          xml.Name
		Informatieobject []xInformatieobject `xml:"informatieobject"`
		Bestand          []xBestand          `xml:"bestand"`
	}
)

// sidecar is a parsed MDTO file: its encoding findings, and its object when it parsed.
type sidecar struct {
	codering []string // findings of the encoding check
	io       *xInformatieobject
	bestand  *xBestand
}

var (
	// declRE reads the encoding of an XML declaration.
	declRE = regexp.MustCompile(`^<\?xml[^?]*encoding\s*=\s*["']([^"']+)["']`)
	boms   = []struct {
		naam string
		b    []byte
	}{
		{"UTF-8", []byte{0xEF, 0xBB, 0xBF}},
		{"UTF-32 (little-endian)", []byte{0xFF, 0xFE, 0x00, 0x00}},
		{"UTF-32 (big-endian)", []byte{0x00, 0x00, 0xFE, 0xFF}},
		{"UTF-16 (little-endian)", []byte{0xFF, 0xFE}},
		{"UTF-16 (big-endian)", []byte{0xFE, 0xFF}},
	}
)

// parseSidecar checks the encoding of an MDTO file (the NHA EncodingHandler refuses a byte-order
// mark and anything but UTF-8) and parses it.
func parseSidecar(b []byte) *sidecar {
	s := &sidecar{}
	for _, bom := range boms {
		if bytes.HasPrefix(b, bom.b) {
			s.codering = append(s.codering, fmt.Sprintf("begint met een byte-order mark (%s)", bom.naam))
			b = b[len(bom.b):]
			break
		}
	}
	if !utf8.Valid(b) {
		s.codering = append(s.codering, "is geen geldige UTF-8")
		return s
	}
	if m := declRE.FindSubmatch(b); m != nil && !strings.EqualFold(string(m[1]), "UTF-8") {
		s.codering = append(s.codering, fmt.Sprintf("XML-declaratie noemt codering %q, verwacht UTF-8", m[1]))
	}
	var doc xMDTO
	dec := xml.NewDecoder(bytes.NewReader(b))
	// The bytes are valid UTF-8 (checked above); a declaration naming another encoding is
	// reported above and the document read as UTF-8 all the same.
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	if err := dec.Decode(&doc); err != nil {
		s.codering = append(s.codering, "is geen welgevormde XML: "+err.Error())
		return s
	}
	if doc.XMLName.Local != "MDTO" {
		s.codering = append(s.codering, fmt.Sprintf("wortelelement is <%s>, verwacht <MDTO>", doc.XMLName.Local))
		return s
	}
	switch {
	case len(doc.Informatieobject)+len(doc.Bestand) != 1:
		s.codering = append(s.codering, fmt.Sprintf("bevat %d informatieobject(en) en %d bestand(en), verwacht precies één object",
			len(doc.Informatieobject), len(doc.Bestand)))
	case len(doc.Informatieobject) == 1:
		s.io = &doc.Informatieobject[0]
	default:
		s.bestand = &doc.Bestand[0]
	}
	return s
}

// idKey is an identificatie as one comparable string.
func idKey(ids []xIdentificatie) string {
	var parts []string
	for _, id := range ids {
		parts = append(parts, strings.TrimSpace(id.Kenmerk)+"\x00"+strings.TrimSpace(id.Bron))
	}
	return strings.Join(parts, "\x01")
}

// refersTo reports whether verwijzing v names an object with identificaties ids.
func refersTo(v xVerwijzing, ids []xIdentificatie) bool {
	if v.Identificatie == nil {
		return false
	}
	for _, id := range ids {
		if strings.TrimSpace(id.Kenmerk) == strings.TrimSpace(v.Identificatie.Kenmerk) &&
			strings.TrimSpace(id.Bron) == strings.TrimSpace(v.Identificatie.Bron) {
			return true
		}
	}
	return false
}

func idString(ids []xIdentificatie) string {
	var parts []string
	for _, id := range ids {
		parts = append(parts, fmt.Sprintf("%s (%s)", id.Kenmerk, id.Bron))
	}
	return strings.Join(parts, ", ")
}
