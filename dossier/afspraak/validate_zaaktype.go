package afspraak

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"zaakarchief/formaat"
)

func (v *validator) zaaktype(p string, z *Zaaktype) {
	v.required(p+".identificatie", z.Identificatie, "de identificatie van het zaaktype")
	v.required(p+".omschrijving", z.Omschrijving, "wat voor zaak dit is")
	if v.required(p+".vertrouwelijkheidaanduiding", z.Vertrouwelijkheidaanduiding, "de standaard vertrouwelijkheidaanduiding van zijn zaken") {
		v.oneOf(p+".vertrouwelijkheidaanduiding", z.Vertrouwelijkheidaanduiding, vertrouwelijkheden())
	}
	if v.required(p+".doorlooptijd", z.Doorlooptijd, "een ISO 8601-duur zoals P8W") {
		if d, err := ParseDuur(z.Doorlooptijd); err != nil {
			v.errf(p+".doorlooptijd", "%v", err)
		} else if d == (Duur{}) {
			v.errf(p+".doorlooptijd", "moet langer zijn dan nul")
		}
	}
	v.organisatie(p+".bronorganisatie", z.Bronorganisatie)
	v.required(p+".selectielijst.lijst", z.Selectielijst.Lijst, "de uitgave van de selectielijst, bijvoorbeeld selectielijst-2020")
	if z.Selectielijst.Procestype < 1 {
		v.errf(p+".selectielijst.procestype", "is verplicht: het nummer van het procestype in de selectielijst, bijvoorbeeld 11")
	}
	v.typen(p, z)
	v.statustypen(p, z)
	v.overgangen(p, z)
	for i := range z.Statustypen {
		for j := range z.Statustypen[i].Vastleggen {
			v.vastlegging(fmt.Sprintf("%s.statustypen[%d].vastleggen[%d]", p, i, j), z, &z.Statustypen[i].Vastleggen[j])
		}
	}
	v.informatieobjecttypen(p, z)
	v.resultaattypen(p, z)
}

// typen checks the names and value sets of besluittypen, eigenschappen and roltypen.
func (v *validator) typen(p string, z *Zaaktype) {
	seen := map[string]string{}
	for i, b := range z.Besluittypen {
		bp := fmt.Sprintf("%s.besluittypen[%d].omschrijving", p, i)
		v.required(bp, b.Omschrijving, "de naam van het besluittype")
		v.uniek(seen, b.Omschrijving, bp, "besluittype")
	}
	seen = map[string]string{}
	for i, e := range z.Eigenschappen {
		ep := fmt.Sprintf("%s.eigenschappen[%d]", p, i)
		v.required(ep+".naam", e.Naam, "de naam van de eigenschap")
		v.uniek(seen, e.Naam, ep+".naam", "eigenschap")
		if v.required(ep+".formaat", e.Formaat, "een van "+strings.Join(eigenschapFormaten(), ", ")) {
			v.oneOf(ep+".formaat", e.Formaat, eigenschapFormaten())
		}
	}
	seen = map[string]string{}
	for i, r := range z.Roltypen {
		rp := fmt.Sprintf("%s.roltypen[%d]", p, i)
		v.required(rp+".omschrijving", r.Omschrijving, "de naam van het roltype")
		v.uniek(seen, r.Omschrijving, rp+".omschrijving", "roltype")
		if v.required(rp+".omschrijving_generiek", r.OmschrijvingGeneriek, "de generieke ZGW-rol, een van "+strings.Join(roltypenGeneriek(), ", ")) {
			v.oneOf(rp+".omschrijving_generiek", r.OmschrijvingGeneriek, roltypenGeneriek())
		}
	}
}

func (v *validator) statustypen(p string, z *Zaaktype) {
	if len(z.Statustypen) == 0 {
		v.errf(p+".statustypen", "een zaaktype heeft minstens één statustype nodig")
		return
	}
	volgnummers, omschrijvingen := map[string]string{}, map[string]string{}
	var eind []int
	maxNr := 0
	for i := range z.Statustypen {
		st := &z.Statustypen[i]
		sp := fmt.Sprintf("%s.statustypen[%d]", p, i)
		if st.Volgnummer < 1 {
			v.errf(sp+".volgnummer", "moet 1 of meer zijn (de fasen zijn genummerd 1..n)")
		} else {
			v.uniek(volgnummers, strconv.Itoa(st.Volgnummer), sp+".volgnummer", "volgnummer")
		}
		maxNr = max(maxNr, st.Volgnummer)
		if v.required(sp+".omschrijving", st.Omschrijving, "de naam van de fase zoals de klant die ziet") {
			v.uniek(omschrijvingen, strings.ToLower(st.Omschrijving), sp+".omschrijving", "statustype-omschrijving (hoofdletters tellen niet)")
		}
		if st.IsEindstatus {
			eind = append(eind, i)
		}
		v.organisatie(sp+".verantwoordelijke", st.Verantwoordelijke)
		orgs := map[string]string{}
		for j, vl := range st.Vastleggen {
			op := fmt.Sprintf("%s.vastleggen[%d].organisatie", sp, j)
			if first, ok := orgs[vl.Organisatie]; ok && vl.Organisatie != "" {
				v.warnf(op, "tweede vermelding van organisatie %q in deze fase (de eerste staat op regel %d); de vermeldingen worden samengevoegd", vl.Organisatie, v.a.Line(first))
			}
			orgs[vl.Organisatie] = op
		}
	}
	if len(volgnummers) == len(z.Statustypen) {
		for n := 1; n <= len(z.Statustypen); n++ {
			if _, ok := volgnummers[strconv.Itoa(n)]; !ok {
				v.errf(p+".statustypen", "de volgnummers moeten zonder gaten van 1 tot en met %d lopen: %d ontbreekt", len(z.Statustypen), n)
			}
		}
	}
	switch {
	case len(eind) == 0:
		v.errf(p+".statustypen", "geen statustype heeft is_eindstatus: true; precies één fase moet de zaak afsluiten")
	case len(eind) > 1:
		for _, i := range eind[1:] {
			v.errf(fmt.Sprintf("%s.statustypen[%d].is_eindstatus", p, i), "meer dan één eindstatus (de eerste is volgnummer %d); precies één fase sluit de zaak af", z.Statustypen[eind[0]].Volgnummer)
		}
	default:
		if st := &z.Statustypen[eind[0]]; st.Volgnummer != maxNr {
			v.errf(fmt.Sprintf("%s.statustypen[%d].is_eindstatus", p, eind[0]), "de eindstatus moet de laatste fase zijn: volgnummer %d, niet %d", maxNr, st.Volgnummer)
		}
	}
}

// vastlegging checks that an entry names a known organisation and only types of the zaaktype.
func (v *validator) vastlegging(p string, z *Zaaktype, vl *Vastlegging) {
	v.organisatie(p+".organisatie", vl.Organisatie)
	for _, s := range soorten() {
		if s == SoortContactmoment {
			continue
		}
		veld := s.meervoud()
		if s == SoortRol {
			veld = "rollen"
		}
		seen := map[string]string{}
		for k, naam := range vl.namen(s) {
			np := fmt.Sprintf("%s.%s[%d]", p, veld, k)
			if !z.bestaat(s, naam) {
				v.errf(np, "%s %q bestaat niet in zaaktype %s (dat kent: %s)", s, naam, z.Identificatie, strings.Join(z.namenVan(s), ", "))
				continue
			}
			if first, ok := seen[naam]; ok {
				v.warnf(np, "%s %q komt al eerder voor (op regel %d)", s, naam, v.a.Line(first))
			}
			seen[naam] = np
		}
	}
}

// namenVan lists the names of every type of the soort in the zaaktype.
func (z *Zaaktype) namenVan(s Soort) []string {
	var out []string
	switch s {
	case SoortDocument:
		for _, x := range z.Informatieobjecttypen {
			out = append(out, x.Omschrijving)
		}
	case SoortBesluit:
		for _, x := range z.Besluittypen {
			out = append(out, x.Omschrijving)
		}
	case SoortEigenschap:
		for _, x := range z.Eigenschappen {
			out = append(out, x.Naam)
		}
	case SoortResultaat:
		for _, x := range z.Resultaattypen {
			out = append(out, x.Omschrijving)
		}
	case SoortRol:
		for _, x := range z.Roltypen {
			out = append(out, x.Omschrijving)
		}
	}
	if len(out) == 0 {
		return []string{"geen"}
	}
	return out
}

func (v *validator) overgangen(p string, z *Zaaktype) {
	seen := map[string]string{}
	for i, o := range z.Overgangen {
		op := fmt.Sprintf("%s.overgangen[%d]", p, i)
		van, vanOK := z.Statustype(o.Van)
		_, naarOK := z.Statustype(o.Naar)
		if !vanOK {
			v.errf(op+".van", "onbekend volgnummer %d", o.Van)
		}
		if !naarOK {
			v.errf(op+".naar", "onbekend volgnummer %d", o.Naar)
		}
		switch {
		case o.Van == o.Naar:
			v.errf(op+".naar", "van en naar zijn dezelfde fase %d", o.Van)
		case vanOK && naarOK && o.Naar == o.Van+1 && !van.IsEindstatus && len(o.Door) == 0:
			v.warnf(op, "herhaalt de standaardovergang van fase %d naar de volgende fase door de verantwoordelijke", o.Van)
		}
		v.uniek(seen, fmt.Sprintf("%d->%d", o.Van, o.Naar), op, "overgang")
		for j, d := range o.Door {
			v.organisatie(fmt.Sprintf("%s.door[%d]", op, j), d)
		}
		v.required(op+".reden", o.Reden, "waarom de afspraak deze overgang toestaat, bijvoorbeeld aanvulling nodig")
	}
}

// magOoit reports whether anyone may record naam of the soort in a phase for which ok is true.
func (z *Zaaktype) magOoit(soort Soort, naam string, ok func(*Statustype) bool) bool {
	for i := range z.Statustypen {
		if st := &z.Statustypen[i]; ok(st) && len(st.wieMag(soort, naam)) > 0 {
			return true
		}
	}
	return false
}

func (v *validator) informatieobjecttypen(p string, z *Zaaktype) {
	seen := map[string]string{}
	for i := range z.Informatieobjecttypen {
		iot := &z.Informatieobjecttypen[i]
		ip := fmt.Sprintf("%s.informatieobjecttypen[%d]", p, i)
		if v.required(ip+".omschrijving", iot.Omschrijving, "de naam van het informatieobjecttype") {
			v.uniek(seen, iot.Omschrijving, ip+".omschrijving", "informatieobjecttype")
		}
		if v.required(ip+".vertrouwelijkheidaanduiding", iot.Vertrouwelijkheidaanduiding, "de standaard vertrouwelijkheidaanduiding van zijn documenten") {
			v.oneOf(ip+".vertrouwelijkheidaanduiding", iot.Vertrouwelijkheidaanduiding, vertrouwelijkheden())
		}
		v.organisatie(ip+".archivering.organisatie", iot.Archivering.Organisatie)
		fp := ip + ".archivering.definitief_in_fase"
		if iot.Archivering.DefinitiefInFase == 0 {
			v.errf(fp, "is verplicht: het volgnummer van de fase vanaf welke documenten van dit type definitief zijn")
		} else if _, ok := z.Statustype(iot.Archivering.DefinitiefInFase); !ok {
			v.errf(fp, "onbekend volgnummer %d", iot.Archivering.DefinitiefInFase)
		}
		v.formaten(ip+".formaten", iot.Formaten)
		if iot.Omschrijving != "" && !z.magOoit(SoortDocument, iot.Omschrijving, func(*Statustype) bool { return true }) {
			v.warnf(ip, "in geen enkele fase mag een organisatie informatieobjecttype %q vastleggen", iot.Omschrijving)
		}
	}
}

func (v *validator) resultaattypen(p string, z *Zaaktype) {
	if len(z.Resultaattypen) == 0 {
		v.errf(p+".resultaattypen", "een zaaktype heeft minstens één resultaattype nodig: de eindstatus vraagt om een resultaat")
	}
	eind := z.Eindstatus()
	voorEind := func(st *Statustype) bool { return eind == nil || st.Volgnummer < eind.Volgnummer }
	// A zaak closes only with a resultaat recorded before its eindstatus: when no resultaattype
	// can be recorded then, no zaak of this zaaktype can ever close, an error; one resultaattype
	// nobody can record while others can is a warning. Without a single eindstatus in the last
	// phase (reported by statustypen) there is nothing to measure against.
	var onbereikbaar []string
	genoemd := 0
	for i := range z.Resultaattypen {
		if r := &z.Resultaattypen[i]; r.Omschrijving != "" && eenEindstatusAchteraan(z) {
			genoemd++
			if !z.magOoit(SoortResultaat, r.Omschrijving, voorEind) {
				onbereikbaar = append(onbereikbaar, r.Omschrijving)
			}
		}
	}
	nooitAf := genoemd > 0 && len(onbereikbaar) == genoemd
	if nooitAf {
		v.errf(p+".resultaattypen", "geen organisatie mag in een fase vóór de eindstatus een resultaattype vastleggen (%s), dus geen zaak van zaaktype %s kan ooit worden afgesloten",
			strings.Join(onbereikbaar, ", "), z.Identificatie)
	}
	seen := map[string]string{}
	for i := range z.Resultaattypen {
		r := &z.Resultaattypen[i]
		rp := fmt.Sprintf("%s.resultaattypen[%d]", p, i)
		if v.required(rp+".omschrijving", r.Omschrijving, "de naam van het resultaattype") {
			v.uniek(seen, r.Omschrijving, rp+".omschrijving", "resultaattype")
		}
		v.required(rp+".selectielijstklasse", r.Selectielijstklasse, "het volledigNummer van het resultaat in de selectielijst, bijvoorbeeld 11.1.6")
		v.oneOf(rp+".archiefnominatie", r.Archiefnominatie, archiefnominaties())
		if r.Archiefactietermijn != "" {
			v.termijn(rp+".archiefactietermijn", r.Archiefactietermijn)
		}
		if r.BrondatumArchiefprocedure == nil {
			if r.Archiefnominatie == "vernietigen" {
				v.errf(rp+".brondatum_archiefprocedure", "is verplicht, behalve bij archiefnominatie blijvend_bewaren (daar geldt zonder brondatum_archiefprocedure de afleidingswijze afgehandeld)")
			}
		} else {
			v.brondatum(rp+".brondatum_archiefprocedure", z, r.BrondatumArchiefprocedure)
		}
		if r.Afwijking != nil {
			v.required(rp+".afwijking.reden", r.Afwijking.Reden, "waarom dit resultaattype afwijkt van de selectielijst")
		}
		if !nooitAf && slices.Contains(onbereikbaar, r.Omschrijving) {
			v.warnf(rp, "geen organisatie mag resultaattype %q in een fase vóór de eindstatus vastleggen, dus geen zaak kan ermee worden afgesloten", r.Omschrijving)
		}
	}
}

// eenEindstatusAchteraan reports whether exactly one phase of z is the eindstatus and it is the
// last phase.
func eenEindstatusAchteraan(z *Zaaktype) bool {
	n, maxNr, eind := 0, 0, 0
	for _, st := range z.Statustypen {
		maxNr = max(maxNr, st.Volgnummer)
		if st.IsEindstatus {
			n++
			eind = st.Volgnummer
		}
	}
	return n == 1 && eind == maxNr
}

// brondatumVelden returns the sub-fields an afleidingswijze needs; it takes no others.
func brondatumVelden(afleidingswijze string) []string {
	switch afleidingswijze {
	case "termijn":
		return []string{"procestermijn"}
	case "eigenschap":
		return []string{"datumkenmerk"}
	case "zaakobject":
		return []string{"datumkenmerk", "objecttype"}
	case "ander_datumkenmerk":
		return []string{"datumkenmerk", "objecttype", "registratie"}
	}
	return nil
}

func (v *validator) brondatum(bp string, z *Zaaktype, b *BrondatumArchiefprocedure) {
	w := b.Afleidingswijze
	if !v.required(bp+".afleidingswijze", w, "een van "+strings.Join(afleidingswijzen(), ", ")) {
		return
	}
	if !slices.Contains(afleidingswijzen(), w) {
		v.oneOf(bp+".afleidingswijze", w, afleidingswijzen())
		return
	}
	velden := map[string]string{"datumkenmerk": b.Datumkenmerk, "objecttype": b.Objecttype, "registratie": b.Registratie, "procestermijn": b.Procestermijn}
	nodig := brondatumVelden(w)
	for _, veld := range []string{"procestermijn", "datumkenmerk", "objecttype", "registratie"} {
		gezet := strings.TrimSpace(velden[veld]) != ""
		switch {
		case slices.Contains(nodig, veld) && !gezet:
			v.errf(bp+"."+veld, "is verplicht bij afleidingswijze %s", w)
		case !slices.Contains(nodig, veld) && gezet:
			v.errf(bp+"."+veld, "moet leeg zijn bij afleidingswijze %s", w)
		}
	}
	if b.EinddatumBekend && slices.Contains([]string{"afgehandeld", "termijn"}, w) {
		v.errf(bp+".einddatum_bekend", "moet false zijn bij afleidingswijze %s", w)
	}
	if b.Procestermijn != "" {
		v.termijn(bp+".procestermijn", b.Procestermijn)
	}
	if w == "eigenschap" && b.Datumkenmerk != "" {
		e, ok := z.Eigenschap(b.Datumkenmerk)
		switch {
		case !ok:
			v.errf(bp+".datumkenmerk", "eigenschap %q bestaat niet in zaaktype %s (dat kent: %s)", b.Datumkenmerk, z.Identificatie, strings.Join(z.namenVan(SoortEigenschap), ", "))
		case e.Formaat != "datum" && e.Formaat != "datum_tijd":
			v.warnf(bp+".datumkenmerk", "eigenschap %q heeft formaat %s; de brondatum wordt er als datum uit gelezen", e.Naam, e.Formaat)
		}
	}
}

// puidRe is the form of a PRONOM unique identifier.
var puidRe = regexp.MustCompile(`^(x-)?fmt/[0-9]+$`)

// formaten checks the accepted formats of an informatieobjecttype: PRONOM identifiers or the
// word voorkeursformaten, each once. A format outside the voorkeursformaten is a warning: the
// e-Depot check will report such documents.
func (v *validator) formaten(p string, fs []string) {
	voorkeur, err := formaat.Voorkeursformaten()
	if err != nil {
		v.errf(p, "de lijst van voorkeursformaten is niet te lezen: %v", err)
		return
	}
	seen := map[string]bool{}
	for i, f := range fs {
		fp := fmt.Sprintf("%s[%d]", p, i)
		switch {
		case seen[f]:
			v.errf(fp, "%q komt al eerder voor", f)
		case f == Voorkeursformaten:
		case !puidRe.MatchString(f):
			v.errf(fp, "%q is geen PRONOM-identificatie (zoals fmt/95) en niet het woord %s", f, Voorkeursformaten)
		default:
			if _, ok := voorkeur[f]; !ok {
				v.warnf(fp, "%s is geen voorkeursformaat van het Nationaal Archief: de e-Depotcontrole meldt zulke documenten", f)
			}
		}
		seen[f] = true
	}
}
