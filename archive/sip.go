package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"strings"

	"zaakarchief/archive/mdto"
	"zaakarchief/archive/sipcheck"
)

// SIP layout. A package folder holds the package's own bookkeeping (pakbon.json,
// manifest.json), delivered beside the SIP and not part of it, and the SIP itself: the
// aggregation levels as folders, from the Archief of the archiefvormer through the Serie of the
// zaaktype and the Dossier of the zaak to an Archiefstuk per document with its file:
//
//	<zaak>/pakbon.json
//	<zaak>/manifest.json
//	<zaak>/<archief>/<archief>.mdto.xml                      Archief (the zaaktype's bronorganisatie)
//	<zaak>/<archief>/<serie>/<serie>.mdto.xml                Serie (the zaaktype)
//	<zaak>/<archief>/<serie>/<zaak>/<zaak>.mdto.xml          Dossier (the zaak)
//	<zaak>/<archief>/<serie>/<zaak>/<document>/...           Archiefstuk and Bestand
//
// Names and paths stay within the limits of the e-Depot checks (package sipcheck: 255
// characters for a name and for a full path), counted over the whole key including the
// package folder, which leaves the receiving archive room of at least that folder's length.
// Shortening is deterministic (see kort): the archief, serie and dossier folders are cut to
// MaxMapNaam, a document's folder to MaxStukNaam, and a document's file name to what is left of
// the 255 for its longest path (its bestand sidecar); each cut name keeps its extension and ends
// in "-" and eight hex digits of the SHA-256 of the uncut name, and names are made unique per
// folder without regard to case afterwards ("-2", "-3").
const (
	// MaxMapNaam is the longest name of the archief, serie and dossier folders.
	MaxMapNaam = 48
	// MaxStukNaam is the longest name of a document's folder.
	MaxStukNaam = 64
	// MaxSleutel is the longest key of an object of a package, package folder included.
	MaxSleutel = sipcheck.MaxPad
	// minBestandNaam is the shortest file name the shortening leaves room for.
	minBestandNaam = 24
)

// Boekhouding are the names of the package's own files in its folder, beside the SIP: the
// e-Depot checks skip them (sipcheck.Opties.Boekhouding).
var Boekhouding = []string{PakbonNaam, ManifestNaam}

// kort returns name when it has at most limit bytes, or else name cut to limit bytes: the base
// trimmed, then "-" and eight hex digits of the SHA-256 of the whole name, then the extension
// SafeName kept (up to 16 letters and digits after the last "."). The same name always gives
// the same result; two long names with a common start stay apart by their hash.
func kort(name string, limit int) string {
	if len(name) <= limit {
		return name
	}
	base, ext := name, ""
	if i := strings.LastIndexByte(name, '.'); i > 0 && len(name)-i <= 17 {
		base, ext = name[:i], name[i:]
	}
	sum := sha256.Sum256([]byte(name))
	h := "-" + hex.EncodeToString(sum[:4])
	keep := limit - len(ext) - len(h)
	if keep < 1 {
		keep, ext = limit-len(h), ""
	}
	return strings.TrimRight(base[:min(len(base), keep)], "_-.") + h + ext
}

// uniekKort is unique for names of at most limit bytes: name shortened by kort, then made unique in
// used without regard to case by "-2", "-3", ... before the extension, cutting the base so that
// the result stays within limit.
func uniekKort(name string, limit int, used map[string]bool) string {
	name = kort(name, limit)
	if !used[strings.ToLower(name)] {
		used[strings.ToLower(name)] = true
		return name
	}
	base, ext := name, ""
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		base, ext = name[:i], name[i:]
	}
	for n := 2; ; n++ {
		suffix := fmt.Sprintf("-%d", n)
		b := base
		if over := len(b) + len(suffix) + len(ext) - limit; over > 0 {
			b = b[:max(0, len(b)-over)]
		}
		cand := b + suffix + ext
		if !used[strings.ToLower(cand)] {
			used[strings.ToLower(cand)] = true
			return cand
		}
	}
}

// sipMappen returns the folder of a zaak's Dossier within its package folder pkg,
// "<archief>/<serie>/<dossier>", and the folders of the Archief and the Serie.
func (m *meta) sipMappen(pkg string) (archief, serie, dos string) {
	archief = kort(mdto.SafeName(m.archiefNaam()), MaxMapNaam)
	serie = path.Join(archief, kort(mdto.SafeName(m.zt.Identificatie), MaxMapNaam))
	dos = path.Join(serie, kort(mdto.SafeName(m.d.Zaak.Identificatie), MaxMapNaam))
	return archief, serie, dos
}

// stukRuimte is the room left for a document's file name under folder (its key without the
// file), so that its bestand sidecar's key stays within MaxSleutel.
func stukRuimte(folder string) int {
	return min(mdto.MaxNameLength, MaxSleutel-len(folder)-1-len(mdto.SidecarSuffix))
}

// archiefNaam names the organisation whose archief the zaak belongs to: the zaaktype's
// bronorganisatie.
func (m *meta) archiefNaam() string {
	if org, ok := m.ag.Organisatie(m.zt.Bronorganisatie); ok {
		return org.Naam
	}
	return m.zt.Bronorganisatie
}

// archiefID identifies the Archief of the zaaktype's bronorganisatie.
func (m *meta) archiefID() mdto.Identificatie {
	org, ok := m.ag.Organisatie(m.zt.Bronorganisatie)
	if !ok {
		return mdto.Identificatie{Kenmerk: "archief/" + m.zt.Bronorganisatie, Bron: m.ag.Naam}
	}
	return mdto.Identificatie{Kenmerk: "archief/" + org.RSIN, Bron: fmt.Sprintf("%s (RSIN %s)", org.Naam, org.RSIN)}
}

// serieID identifies the Serie of the zaaktype: its identificatie in the agreement.
func (m *meta) serieID() mdto.Identificatie {
	return mdto.Identificatie{Kenmerk: "zaaktype/" + m.zt.Identificatie, Bron: fmt.Sprintf("%s, versie %s", m.ag.Naam, m.ag.Versie)}
}

func (m *meta) archiefRef() mdto.Verwijzing {
	id := m.archiefID()
	return mdto.Verwijzing{Naam: "Archief " + m.archiefNaam(), Identificatie: &id}
}

func (m *meta) serieRef() mdto.Verwijzing {
	id := m.serieID()
	return mdto.Verwijzing{Naam: m.zt.Omschrijving, Identificatie: &id}
}

func (m *meta) dossierRef() mdto.Verwijzing {
	return mdto.Verwijzing{Naam: m.d.Zaak.Omschrijving, Identificatie: &m.dosID}
}

// archiefObject is the Archief of the zaaktype's bronorganisatie, as far as this package holds
// it: the serie of the zaak's zaaktype. Its description itself is public; the waardering is the
// dossier's, the only one the package delivers.
func (m *meta) archiefObject(waardering mdto.Begrip) mdto.Informatieobject {
	agg := mdto.Aggregatieniveau(mdto.AggregatieniveauArchief)
	return mdto.Informatieobject{
		Identificatie:    []mdto.Identificatie{m.archiefID()},
		Naam:             "Archief " + m.archiefNaam(),
		Aggregatieniveau: &agg,
		Omschrijving:     []string{fmt.Sprintf("Zaken van %s, gearchiveerd volgens %s (versie %s).", m.archiefNaam(), m.ag.Naam, m.ag.Versie)},
		Waardering:       waardering,
		BevatOnderdeel:   []mdto.Verwijzing{m.serieRef()},
		Archiefvormer:    []mdto.Verwijzing{m.orgRef(m.zt.Bronorganisatie)},
		BeperkingGebruik: []mdto.BeperkingGebruik{Openbaarheid("openbaar")},
	}
}

// serieObject is the Serie of the zaaktype: part of the Archief, holding the zaak's dossier.
func (m *meta) serieObject(waardering mdto.Begrip) mdto.Informatieobject {
	agg := mdto.Aggregatieniveau(mdto.AggregatieniveauSerie)
	return mdto.Informatieobject{
		Identificatie:    []mdto.Identificatie{m.serieID()},
		Naam:             m.zt.Omschrijving,
		Aggregatieniveau: &agg,
		Classificatie: []mdto.Begrip{{Label: m.zt.Omschrijving, Code: m.zt.Identificatie,
			Begrippenlijst: mdto.Verwijzing{Naam: fmt.Sprintf("Zaaktypen %s, versie %s", m.ag.Naam, m.ag.Versie)}}},
		Waardering:          waardering,
		Informatiecategorie: m.informatiecategorie(),
		IsOnderdeelVan:      []mdto.Verwijzing{m.archiefRef()},
		BevatOnderdeel:      []mdto.Verwijzing{m.dossierRef()},
		Archiefvormer:       []mdto.Verwijzing{m.orgRef(m.zt.Bronorganisatie)},
		BeperkingGebruik:    []mdto.BeperkingGebruik{Openbaarheid("openbaar")},
	}
}

// OpenbaarheidBegrippen returns BegrippenlijstOpenbaarheid as the e-Depot checks take it
// (sipcheck.Opties.Beperkingen): every code with its label.
func OpenbaarheidBegrippen() map[string]map[string]string {
	l := map[string]string{"Openbaarheid/NietOpenbaar/Onbekend": "Niet openbaar"}
	for _, m := range openbaarheid {
		l[m.code] = m.label
	}
	return map[string]map[string]string{BegrippenlijstOpenbaarheid: l}
}

// SIPOpties are the options the archive checks its packages with: the bookkeeping beside the
// SIP, and the openbaarheid begrippen it writes.
func SIPOpties() sipcheck.Opties {
	return sipcheck.Opties{Boekhouding: Boekhouding, Beperkingen: OpenbaarheidBegrippen()}
}
