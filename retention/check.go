package retention

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"zaakarchief/dossier/afspraak"
)

// CheckAfspraak checks the retention rules of an agreement against the selectielijsten it names:
// the list and the procestype exist; every resultaattype's selectielijstklasse exists and belongs
// to the zaaktype's procestype; the afleidingswijze fits the selectielijst procestermijn (nihil
// needs afgehandeld, ingeschatte_bestaansduur_procesobject needs termijn, any other procestermijn
// forbids afgehandeld) and has the sub-fields it needs and no others; a nominatie or term that
// contradicts the selectielijst is an error, or a warning quoting the reason when the resultaattype
// records an afwijking; brondatum_archiefprocedure is required unless the nominatie is
// blijvend_bewaren. lijsten loads a selectielijst by name (e.g. (*Lijsten).Lijst). Findings come
// as afspraak.Fout with the path and, for a parsed agreement, the file and line; warnings have
// Warning set. An empty result means the agreement passes.
func CheckAfspraak(a *afspraak.Afspraak, lijsten func(name string) (*Selectielijst, error)) []afspraak.Fout {
	c := checker{a: a}
	for zi := range a.Zaaktypen {
		c.zaaktype(fmt.Sprintf("zaaktypen[%d]", zi), &a.Zaaktypen[zi], lijsten)
	}
	return c.out
}

// checker collects the findings of CheckAfspraak.
type checker struct {
	a   *afspraak.Afspraak
	out []afspraak.Fout
}

func (c *checker) fout(path, format string, args ...any) {
	c.out = append(c.out, c.a.FoutBij(path, format, args...))
}

func (c *checker) waarschuwing(path, format string, args ...any) {
	c.out = append(c.out, c.a.WaarschuwingBij(path, format, args...))
}

func (c *checker) zaaktype(zp string, zt *afspraak.Zaaktype, lijsten func(string) (*Selectielijst, error)) {
	var lijst *Selectielijst
	ref := zt.Selectielijst
	switch {
	case ref.Lijst == "":
		c.fout(zp+".selectielijst.lijst", "zaaktype %q noemt geen selectielijst (bijvoorbeeld selectielijst-2020)", zt.Identificatie)
	default:
		l, err := lijsten(ref.Lijst)
		if errors.Is(err, fs.ErrNotExist) {
			c.fout(zp+".selectielijst.lijst", "selectielijst %q bestaat niet; noem een uitgave die zaakarchief kent, zoals selectielijst-2020", ref.Lijst)
			break
		}
		if err != nil {
			c.fout(zp+".selectielijst.lijst", "selectielijst %q niet te laden: %v", ref.Lijst, err)
			break
		}
		lijst = l
		if ref.Procestype < 1 {
			// The resultaten cannot be held against a procestype that is not named: only
			// this is reported, not a mismatch per resultaattype.
			c.fout(zp+".selectielijst.procestype", "zaaktype %q noemt geen procestype (het nummer in de selectielijst, bijvoorbeeld 11)", zt.Identificatie)
		} else if _, ok := lijst.Procestype(ref.Procestype); !ok {
			c.fout(zp+".selectielijst.procestype", "procestype %d bestaat niet in %s %d", ref.Procestype, lijst.Naam, lijst.Jaar)
		}
	}
	for ri := range zt.Resultaattypen {
		c.resultaattype(fmt.Sprintf("%s.resultaattypen[%d]", zp, ri), zt, &zt.Resultaattypen[ri], lijst)
	}
}

func (c *checker) resultaattype(rp string, zt *afspraak.Zaaktype, rt *afspraak.Resultaattype, lijst *Selectielijst) {
	naam := rt.Omschrijving
	var sr *Resultaat
	switch {
	case rt.Selectielijstklasse == "":
		c.fout(rp+".selectielijstklasse", "resultaattype %q noemt geen selectielijstklasse", naam)
	case lijst == nil:
		// The list itself is missing: reported on the zaaktype.
	default:
		r, ok := lijst.Resultaat(rt.Selectielijstklasse)
		switch {
		case !ok:
			c.fout(rp+".selectielijstklasse", "resultaat %s bestaat niet in %s %d", rt.Selectielijstklasse, lijst.Naam, lijst.Jaar)
		case zt.Selectielijst.Procestype >= 1 && r.ProcestypeNummer != zt.Selectielijst.Procestype:
			c.fout(rp+".selectielijstklasse", "resultaat %s hoort bij procestype %d, niet bij procestype %d van het zaaktype",
				rt.Selectielijstklasse, r.ProcestypeNummer, zt.Selectielijst.Procestype)
			sr = r
		case r.Vervallen():
			c.fout(rp+".selectielijstklasse", "resultaat %s is vervallen (%s); kies het resultaat dat ervoor in de plaats kwam",
				rt.Selectielijstklasse, strings.TrimSpace(r.Omschrijving+" "+r.Toelichting))
		default:
			sr = r
		}
	}

	reden := ""
	if rt.Afwijking != nil {
		reden = strings.TrimSpace(rt.Afwijking.Reden)
		if reden == "" {
			c.fout(rp+".afwijking.reden", "een afwijking van de selectielijst heeft een reden nodig")
		}
	}
	afwijkingen := 0
	// tegenspraak reports a contradiction with the selectielijst: a warning with the recorded
	// reason, an error without one.
	tegenspraak := func(path, format string, args ...any) {
		afwijkingen++
		msg := fmt.Sprintf(format, args...)
		if reden != "" {
			c.waarschuwing(path, "%s; afwijking: %s", msg, reden)
			return
		}
		c.fout(path, "%s (leg een afwijking met reden vast als dit zo bedoeld is)", msg)
	}

	// Archiefnominatie.
	nominatie := rt.Archiefnominatie
	switch nominatie {
	case "", NominatieVernietigen, NominatieBlijvendBewaren:
	default:
		c.fout(rp+".archiefnominatie", "onbekende archiefnominatie %q (verwacht vernietigen of blijvend_bewaren)", nominatie)
		nominatie = ""
	}
	if sr != nil {
		if nominatie == "" {
			nominatie = sr.Waardering
		} else if nominatie != sr.Waardering {
			tegenspraak(rp+".archiefnominatie", "archiefnominatie %s spreekt de waardering %s van selectielijst resultaat %s tegen",
				nominatie, sr.Waardering, sr.VolledigNummer)
		}
	}

	// Archiefactietermijn.
	var termijn *Termijn
	if rt.Archiefactietermijn != "" {
		t, err := ParseTermijn(rt.Archiefactietermijn)
		if err != nil {
			c.fout(rp+".archiefactietermijn", "%v", err)
		} else {
			termijn = &t
		}
	}
	if sr != nil {
		st, heeft := sr.Termijn()
		switch {
		case termijn == nil && rt.Archiefactietermijn == "" && heeft:
			termijn = &st
		case termijn != nil && !heeft:
			tegenspraak(rp+".archiefactietermijn", "archiefactietermijn %s terwijl selectielijst resultaat %s (%s) geen bewaartermijn heeft",
				termijn, sr.VolledigNummer, sr.Waardering)
		case termijn != nil && *termijn != st:
			tegenspraak(rp+".archiefactietermijn", "archiefactietermijn %s spreekt de bewaartermijn %s van selectielijst resultaat %s tegen",
				termijn, st, sr.VolledigNummer)
		}
	}
	if nominatie == NominatieVernietigen && termijn == nil && rt.Archiefactietermijn == "" {
		c.fout(rp+".archiefactietermijn", "archiefnominatie vernietigen zonder archiefactietermijn")
	}
	if rt.Afwijking != nil && reden != "" && afwijkingen == 0 && sr != nil {
		c.waarschuwing(rp+".afwijking", "afwijking vastgelegd, maar het resultaattype volgt selectielijst resultaat %s", sr.VolledigNummer)
	}

	// Brondatum archiefprocedure.
	b := rt.BrondatumArchiefprocedure
	afleiding := ""
	if b == nil {
		if nominatie != NominatieBlijvendBewaren {
			c.fout(rp+".brondatum_archiefprocedure", "brondatum_archiefprocedure is verplicht (alleen bij blijvend_bewaren geldt zonder haar afgehandeld)")
			return
		}
		afleiding = AfleidingAfgehandeld
	} else {
		afleiding = b.Afleidingswijze
		c.afleiding(rp+".brondatum_archiefprocedure", zt, b)
	}
	if sr == nil || !isAfleidingswijze(afleiding) {
		return
	}
	ap := rp + ".brondatum_archiefprocedure.afleidingswijze"
	if b == nil {
		ap = rp + ".brondatum_archiefprocedure"
	}
	switch pt := sr.Procestermijn; {
	case pt == ProcestermijnNihil && afleiding != AfleidingAfgehandeld:
		c.fout(ap, "selectielijst resultaat %s heeft procestermijn nihil: afleidingswijze moet afgehandeld zijn, niet %s", sr.VolledigNummer, afleiding)
	case pt == ProcestermijnIngeschatteBestaansduur && afleiding != AfleidingTermijn:
		c.fout(ap, "selectielijst resultaat %s heeft procestermijn %s: afleidingswijze moet termijn zijn, niet %s", sr.VolledigNummer, pt, afleiding)
	case pt != ProcestermijnGeen && pt != ProcestermijnNihil && afleiding == AfleidingAfgehandeld:
		c.fout(ap, "selectielijst resultaat %s heeft procestermijn %s: afleidingswijze afgehandeld past daar niet bij", sr.VolledigNummer, pt)
	}
}

// afleiding checks the afleidingswijze and its required and forbidden sub-fields.
func (c *checker) afleiding(bp string, zt *afspraak.Zaaktype, b *afspraak.BrondatumArchiefprocedure) {
	if !isAfleidingswijze(b.Afleidingswijze) {
		c.fout(bp+".afleidingswijze", "onbekende afleidingswijze %q (toegestaan: %s)", b.Afleidingswijze, strings.Join(Afleidingswijzen, ", "))
		return
	}
	var nodig []string
	switch b.Afleidingswijze {
	case AfleidingTermijn:
		nodig = []string{"procestermijn"}
	case AfleidingEigenschap:
		nodig = []string{"datumkenmerk"}
	case AfleidingZaakobject:
		nodig = []string{"datumkenmerk", "objecttype"}
	case AfleidingAnderDatumkenmerk:
		nodig = []string{"datumkenmerk", "objecttype", "registratie"}
	case AfleidingGerelateerdeZaak:
		c.waarschuwing(bp+".afleidingswijze", "afleidingswijze gerelateerde_zaak is verouderd in de ZGW-standaard")
	}
	velden := []struct{ naam, waarde string }{
		{"procestermijn", b.Procestermijn}, {"datumkenmerk", b.Datumkenmerk},
		{"objecttype", b.Objecttype}, {"registratie", b.Registratie},
	}
	for _, v := range velden {
		moet := contains(nodig, v.naam)
		switch {
		case moet && v.waarde == "":
			c.fout(bp+"."+v.naam, "afleidingswijze %s vraagt om %s", b.Afleidingswijze, v.naam)
		case !moet && v.waarde != "":
			c.fout(bp+"."+v.naam, "afleidingswijze %s gebruikt geen %s; laat het weg", b.Afleidingswijze, v.naam)
		}
	}
	if b.Afleidingswijze == AfleidingTermijn && b.Procestermijn != "" {
		if _, err := ParseTermijn(b.Procestermijn); err != nil {
			c.fout(bp+".procestermijn", "%v", err)
		}
	}
	if b.Afleidingswijze == AfleidingEigenschap && b.Datumkenmerk != "" {
		c.eigenschap(bp+".datumkenmerk", zt, b.Datumkenmerk)
	}
}

// eigenschap checks that the datumkenmerk of afleidingswijze eigenschap names a date eigenschap
// of the zaaktype; otherwise the brondatum would be postponed forever.
func (c *checker) eigenschap(path string, zt *afspraak.Zaaktype, naam string) {
	for _, e := range zt.Eigenschappen {
		if e.Naam != naam {
			continue
		}
		if e.Formaat != "datum" && e.Formaat != "datum_tijd" {
			c.waarschuwing(path, "eigenschap %q heeft formaat %q; de brondatum vraagt een datum", naam, e.Formaat)
		}
		return
	}
	c.fout(path, "datumkenmerk %q noemt geen eigenschap van zaaktype %q", naam, zt.Identificatie)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
