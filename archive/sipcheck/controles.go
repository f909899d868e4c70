package sipcheck

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"zaakarchief/archive/mdto"
)

var (
	// verbodenRE are the characters NamingValidationHandler.cs refuses in an MDTO package's
	// names (`[\?*:"|/<>#&\s]`), the same list as the MDTO SIP specification ("< > : " / \ | ?
	// * # & of spatie").
	verbodenRE = regexp.MustCompile(`[\\?*:"|/<>#&\s]`)
	// dosRE are the names NamingValidationHandler.cs refuses: Windows device names and names made
	// of dots only. It is applied to the whole name and to the part before the first dot (Windows
	// reserves "NUL.txt" as well).
	dosRE = regexp.MustCompile(`(?i)^(PRN|AUX|NUL|CON|COM[0-9]|LPT[0-9]|\.+)$`)
)

// naamgeving checks every name and path (NamingValidationHandler.cs, check 2.2 of the NHA).
func (p *pakket) naamgeving() Resultaat {
	var r Resultaat
	for _, e := range p.entries {
		r.Gecontroleerd++
		naam := path.Base(e.pad)
		if verbodenRE.MatchString(naam) || strings.IndexFunc(naam, unicode.IsControl) >= 0 {
			r.Fouten = append(r.Fouten, Fout{e.pad, fmt.Sprintf("naam %q bevat een of meer niet-toegestane tekens (< > : \" / \\ | ? * # & of witruimte)", naam)})
		}
		stem, _, _ := strings.Cut(naam, ".")
		if dosRE.MatchString(naam) || (stem != "" && dosRE.MatchString(stem)) {
			r.Fouten = append(r.Fouten, Fout{e.pad, fmt.Sprintf("naam %q is niet toegestaan (apparaatnaam of alleen punten)", naam)})
		}
		if n := utf8.RuneCountInString(naam); n > MaxNaam {
			r.Fouten = append(r.Fouten, Fout{e.pad, fmt.Sprintf("naam is %d tekens lang, hoogstens %d toegestaan", n, MaxNaam)})
		}
		if n := utf8.RuneCountInString(e.pad); n > MaxPad {
			r.Fouten = append(r.Fouten, Fout{e.pad, fmt.Sprintf("volledig pad is %d tekens lang, hoogstens %d toegestaan", n, MaxPad)})
		}
	}
	return r
}

// sidecarstructuur checks the sidecar structure (SidecarValidationHandler.cs, ValidateStructure): every
// object has its sidecar, every sidecar its object, and no folder lacks a file below it.
func (p *pakket) sidecarstructuur() Resultaat {
	var r Resultaat
	paired := map[string]bool{}
	for _, e := range p.objecten() {
		r.Gecontroleerd++
		soort := "bestand"
		if e.dir {
			soort = "map"
		}
		if path.Dir(e.pad) == "." && !e.dir {
			r.Fouten = append(r.Fouten, Fout{e.pad, "bestand ligt buiten de mappen van de aggregatieniveaus (in de hoofdmap van het pakket)"})
		}
		pad, ok := p.vindSidecar(e)
		if !ok {
			r.Fouten = append(r.Fouten, Fout{e.pad, fmt.Sprintf("geen bijbehorend MDTO-bestand gevonden voor %s, verwacht %s", soort, sidecarVan(e))})
			continue
		}
		paired[pad] = true
	}
	for pad := range p.sidecars {
		r.Gecontroleerd++
		if !paired[pad] {
			r.Fouten = append(r.Fouten, Fout{pad, "MDTO-bestand zonder bijbehorend object: geen bestand ernaast en niet genoemd naar de map waarin het ligt"})
		}
	}
	// A folder needs a content file somewhere below it ("op de laagste niveau van de
	// aggregatiestructuur wordt 'Bestand' verwacht").
	heeftBestand := map[string]bool{}
	for _, e := range p.objecten() {
		if e.dir {
			continue
		}
		for d := path.Dir(e.pad); d != "."; d = path.Dir(d) {
			heeftBestand[d] = true
		}
	}
	for _, e := range p.entries {
		if e.dir && !heeftBestand[e.pad] {
			r.Fouten = append(r.Fouten, Fout{e.pad, "map bevat geen bestand (alleen MDTO-bestanden of niets): op het laagste niveau wordt een Bestand verwacht"})
		}
	}
	if len(p.objecten()) == 0 {
		r.Fouten = append(r.Fouten, Fout{"", "pakket bevat geen objecten"})
	}
	return r
}

// codering reports the encoding findings of every sidecar (EncodingHandler.cs).
func (p *pakket) codering() Resultaat {
	var r Resultaat
	for pad, s := range p.sidecars {
		r.Gecontroleerd++
		for _, c := range s.codering {
			r.Fouten = append(r.Fouten, Fout{pad, c})
		}
	}
	return r
}

// aggregatieRE is the nesting of aggregatieniveaus SidecarValidationHandler.cs accepts for MDTO
// (ValidateAggregation), top-down from the package root to a file.
var aggregatieRE = regexp.MustCompile(`^Archief\|(Serie\|)*Dossier\|(Zaak\|)?(Archiefstuk\|)+Bestand$|^Archief\|Zaak\|(Archiefstuk\|)+Bestand$|^Archief\|(Serie\|)*Archiefstuk\|Bestand$`)

// niveaus are the aggregatieniveau labels mdto.sch accepts.
var niveaus = map[string]bool{mdto.AggregatieniveauArchief: true, mdto.AggregatieniveauSerie: true,
	mdto.AggregatieniveauDossier: true, "Zaak": true, mdto.AggregatieniveauArchiefstuk: true}

// aggregatie checks the aggregatieniveau of every informatieobject (mdto.sch: exactly one, from
// the list), the nesting from every file up to the root (SidecarValidationHandler.cs), and the
// hierarchical relation the MDTO SIP specification requires in the metadata: an informatieobject
// below the top isOnderdeelVan the informatieobject of its folder's parent, a bestand
// isRepresentatieVan the informatieobject of its folder.
func (p *pakket) aggregatie() Resultaat {
	var r Resultaat
	for _, e := range p.objecten() {
		pad, ok := p.vindSidecar(e)
		if !ok {
			continue // reported by the sidecar check
		}
		s := p.sidecars[pad]
		r.Gecontroleerd++
		if !e.dir {
			if s.bestand == nil {
				if s.io != nil {
					r.Fouten = append(r.Fouten, Fout{pad, "MDTO-bestand naast een bestand beschrijft een informatieobject, verwacht een bestand"})
				}
				continue
			}
			if ouder := p.mapSidecar(path.Dir(e.pad)); ouder != nil && ouder.io != nil && !refersTo(s.bestand.IsRepresentatieVan, ouder.io.Identificatie) {
				r.Fouten = append(r.Fouten, Fout{pad, fmt.Sprintf("isRepresentatieVan verwijst niet naar het informatieobject van de map (%s)", idString(ouder.io.Identificatie))})
			}
			var keten []string
			for d := path.Dir(e.pad); d != "."; d = path.Dir(d) {
				keten = append([]string{p.niveau(d)}, keten...)
			}
			keten = append(keten, "Bestand")
			if k := strings.Join(keten, "|"); !aggregatieRE.MatchString(k) {
				r.Fouten = append(r.Fouten, Fout{e.pad, fmt.Sprintf("ongeldige nesting van aggregatieniveaus %s (van boven naar beneden); verwacht Archief|Serie*|Dossier|Archiefstuk+|Bestand", k)})
			}
			continue
		}
		if s.io == nil {
			if s.bestand != nil {
				r.Fouten = append(r.Fouten, Fout{pad, "MDTO-bestand van een map beschrijft een bestand, verwacht een informatieobject"})
			}
			continue
		}
		switch n := len(s.io.Aggregatieniveau); {
		case n != 1:
			r.Fouten = append(r.Fouten, Fout{pad, fmt.Sprintf("heeft %d aggregatieniveaus, verwacht precies één", n)})
		case !niveaus[s.io.Aggregatieniveau[0].Label]:
			r.Fouten = append(r.Fouten, Fout{pad, fmt.Sprintf("aggregatieniveau %q is niet Archief, Serie, Dossier, Zaak of Archiefstuk", s.io.Aggregatieniveau[0].Label)})
		case s.io.Aggregatieniveau[0].Lijst.Naam != mdto.BegrippenlijstAggregatieniveaus:
			r.Fouten = append(r.Fouten, Fout{pad, fmt.Sprintf("aggregatieniveau komt uit %q, verwacht %q", s.io.Aggregatieniveau[0].Lijst.Naam, mdto.BegrippenlijstAggregatieniveaus)})
		}
		parent := path.Dir(e.pad)
		if parent == "." {
			if p.niveau(e.pad) != mdto.AggregatieniveauArchief {
				r.Fouten = append(r.Fouten, Fout{pad, fmt.Sprintf("bovenste map heeft aggregatieniveau %s, verwacht Archief", p.niveau(e.pad))})
			}
			continue
		}
		ouder := p.mapSidecar(parent)
		if ouder == nil || ouder.io == nil {
			continue // the parent's sidecar is missing or broken: reported elsewhere
		}
		switch n := len(s.io.IsOnderdeelVan); {
		case n != 1:
			r.Fouten = append(r.Fouten, Fout{pad, fmt.Sprintf("heeft %d isOnderdeelVan, verwacht precies één: het informatieobject van de bovenliggende map (%s)", n, idString(ouder.io.Identificatie))})
		case !refersTo(s.io.IsOnderdeelVan[0], ouder.io.Identificatie):
			r.Fouten = append(r.Fouten, Fout{pad, fmt.Sprintf("isOnderdeelVan verwijst niet naar het informatieobject van de bovenliggende map (%s)", idString(ouder.io.Identificatie))})
		}
	}
	return r
}

// niveau is the aggregatieniveau label of folder dir, or "?" when it has none.
func (p *pakket) niveau(dir string) string {
	s := p.mapSidecar(dir)
	if s == nil || s.io == nil || len(s.io.Aggregatieniveau) != 1 {
		return "?"
	}
	return s.io.Aggregatieniveau[0].Label
}

// uniek checks that every informatieobject and bestand is in the package once
// (SidecarValidationHandler.cs, ValidateIdUniqueness; MDTO SIP specification: "Een
// informatieobject is uniek en kan maar één keer in de SIP voorkomen") and that no two entries
// of a folder share a name without regard to case.
func (p *pakket) uniek() Resultaat {
	var r Resultaat
	seen := map[string]string{}
	for _, pad := range sortedKeys(p.sidecars) {
		s := p.sidecars[pad]
		var soort, key string
		var ids []xIdentificatie
		switch {
		case s.io != nil:
			soort, ids = "informatieobject", s.io.Identificatie
		case s.bestand != nil:
			soort, ids = "bestand", s.bestand.Identificatie
		default:
			continue
		}
		r.Gecontroleerd++
		if len(ids) == 0 {
			r.Fouten = append(r.Fouten, Fout{pad, soort + " heeft geen identificatie"})
			continue
		}
		key = soort + "\x02" + idKey(ids)
		if first, ok := seen[key]; ok {
			r.Fouten = append(r.Fouten, Fout{pad, fmt.Sprintf("%s met identificatie %s komt ook voor in %s", soort, idString(ids), first)})
			continue
		}
		seen[key] = pad
	}
	names := map[string]string{}
	for _, e := range p.entries {
		k := path.Dir(e.pad) + "/" + strings.ToLower(path.Base(e.pad))
		if first, ok := names[k]; ok {
			r.Fouten = append(r.Fouten, Fout{e.pad, fmt.Sprintf("naam verschilt alleen in hoofdletters van %s", first)})
			continue
		}
		names[k] = e.pad
	}
	return r
}

// beperkingGebruik applies the business rules on beperkingGebruik and openbaarheid of mdto.sch:
// an informatieobject has exactly one beperkingGebruik, whose beperkingGebruikType has a
// begripLabel and a begripCode; a type from a begrippenlijst in lijsten carries a code of that
// list with its label (the combination check mdto.sch has for the Archiefwet 1995 list); and a
// restriction other than openbaar explains itself in beperkingGebruikNadereBeschrijving.
func (p *pakket) beperkingGebruik(lijsten map[string]map[string]string) Resultaat {
	var r Resultaat
	for _, pad := range sortedKeys(p.sidecars) {
		s := p.sidecars[pad]
		if s.io == nil {
			continue
		}
		r.Gecontroleerd++
		if n := len(s.io.BeperkingGebruik); n != 1 {
			r.Fouten = append(r.Fouten, Fout{pad, fmt.Sprintf("heeft %d beperkingGebruik, verwacht precies één", n)})
			continue
		}
		b := s.io.BeperkingGebruik[0]
		if len(b.Type) != 1 {
			r.Fouten = append(r.Fouten, Fout{pad, fmt.Sprintf("beperkingGebruik heeft %d beperkingGebruikType, verwacht precies één", len(b.Type))})
			continue
		}
		t := b.Type[0]
		if strings.TrimSpace(t.Label) == "" || t.Code == nil || strings.TrimSpace(*t.Code) == "" {
			r.Fouten = append(r.Fouten, Fout{pad, "beperkingGebruikType heeft geen begripLabel of geen begripCode; beide zijn vereist"})
			continue
		}
		lijst, bekend := lijsten[t.Lijst.Naam]
		if !bekend {
			continue
		}
		label, ok := lijst[*t.Code]
		switch {
		case !ok:
			r.Fouten = append(r.Fouten, Fout{pad, fmt.Sprintf("begripCode %q komt niet voor in %q", *t.Code, t.Lijst.Naam)})
		case label != t.Label:
			r.Fouten = append(r.Fouten, Fout{pad, fmt.Sprintf("combinatie begripCode %q en begripLabel %q staat niet in %q (verwacht label %q)", *t.Code, t.Label, t.Lijst.Naam, label)})
		case !openbaar(*t.Code) && strings.TrimSpace(b.Nadere) == "":
			r.Fouten = append(r.Fouten, Fout{pad, fmt.Sprintf("beperking %q zonder beperkingGebruikNadereBeschrijving: de reden van de beperking ontbreekt", t.Label)})
		}
	}
	return r
}

// openbaar reports whether a beperkingGebruikType code means no restriction.
func openbaar(code string) bool {
	c := strings.ToLower(code)
	return strings.HasSuffix(c, "/openbaar") || strings.Contains(c, "/openbaar/") || strings.HasSuffix(c, "geenbeperking")
}

// formaten checks every bestand's format against the list of preferred formats
// (GreenListHandler.cs, with preingest-mdto-utilities' voorkeursformaten.csv).
func (p *pakket) formaten(lijst map[string]string) Resultaat {
	var r Resultaat
	for _, pad := range sortedKeys(p.sidecars) {
		s := p.sidecars[pad]
		if s.bestand == nil {
			continue
		}
		r.Gecontroleerd++
		f := s.bestand.Bestandsformaat
		code := ""
		if f.Code != nil {
			code = strings.TrimSpace(*f.Code)
		}
		switch {
		case f.Lijst.Naam != mdto.PRONOMRegister:
			r.Fouten = append(r.Fouten, Fout{pad, fmt.Sprintf("bestandsformaat komt uit %q, verwacht %q", f.Lijst.Naam, mdto.PRONOMRegister)})
		case code == "":
			r.Fouten = append(r.Fouten, Fout{pad, "bestandsformaat heeft geen PRONOM-identificatie (begripCode)"})
		case lijst[code] == "":
			r.Fouten = append(r.Fouten, Fout{pad, fmt.Sprintf("bestandsformaat %s (%s) staat niet op de lijst van voorkeursformaten", code, f.Label)})
		}
	}
	return r
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}
