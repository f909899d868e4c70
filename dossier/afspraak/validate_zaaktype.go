package afspraak

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

func (v *validator) zaaktype(p string, z *Zaaktype) {
	v.required(p+".identificatie", z.Identificatie, "the zaaktype's identificatie")
	v.required(p+".omschrijving", z.Omschrijving, "what kind of zaak this is")
	if v.required(p+".vertrouwelijkheidaanduiding", z.Vertrouwelijkheidaanduiding, "the default confidentiality of its zaken") {
		v.oneOf(p+".vertrouwelijkheidaanduiding", z.Vertrouwelijkheidaanduiding, vertrouwelijkheden())
	}
	if v.required(p+".doorlooptijd", z.Doorlooptijd, "an ISO 8601 duration such as P8W") {
		if d, err := ParseDuur(z.Doorlooptijd); err != nil {
			v.errf(p+".doorlooptijd", "%v", err)
		} else if d == (Duur{}) {
			v.errf(p+".doorlooptijd", "must be longer than zero")
		}
	}
	v.organisatie(p+".bronorganisatie", z.Bronorganisatie)
	v.required(p+".selectielijst.lijst", z.Selectielijst.Lijst, "the selectielijst edition, e.g. selectielijst-2020")
	if z.Selectielijst.Procestype < 1 {
		v.errf(p+".selectielijst.procestype", "is required: the procestype nummer in the selectielijst, e.g. 11")
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
		v.required(bp, b.Omschrijving, "the name of the besluittype")
		v.uniek(seen, b.Omschrijving, bp, "besluittype")
	}
	seen = map[string]string{}
	for i, e := range z.Eigenschappen {
		ep := fmt.Sprintf("%s.eigenschappen[%d]", p, i)
		v.required(ep+".naam", e.Naam, "the name of the eigenschap")
		v.uniek(seen, e.Naam, ep+".naam", "eigenschap")
		if v.required(ep+".formaat", e.Formaat, "one of "+strings.Join(eigenschapFormaten(), ", ")) {
			v.oneOf(ep+".formaat", e.Formaat, eigenschapFormaten())
		}
	}
	seen = map[string]string{}
	for i, r := range z.Roltypen {
		rp := fmt.Sprintf("%s.roltypen[%d]", p, i)
		v.required(rp+".omschrijving", r.Omschrijving, "the name of the roltype")
		v.uniek(seen, r.Omschrijving, rp+".omschrijving", "roltype")
		if v.required(rp+".omschrijving_generiek", r.OmschrijvingGeneriek, "the ZGW generic role, one of "+strings.Join(roltypenGeneriek(), ", ")) {
			v.oneOf(rp+".omschrijving_generiek", r.OmschrijvingGeneriek, roltypenGeneriek())
		}
	}
}

func (v *validator) statustypen(p string, z *Zaaktype) {
	if len(z.Statustypen) == 0 {
		v.errf(p+".statustypen", "a zaaktype needs at least one statustype")
		return
	}
	volgnummers, omschrijvingen := map[string]string{}, map[string]string{}
	var eind []int
	maxNr := 0
	for i := range z.Statustypen {
		st := &z.Statustypen[i]
		sp := fmt.Sprintf("%s.statustypen[%d]", p, i)
		if st.Volgnummer < 1 {
			v.errf(sp+".volgnummer", "must be 1 or more (phases are numbered 1..n)")
		} else {
			v.uniek(volgnummers, strconv.Itoa(st.Volgnummer), sp+".volgnummer", "volgnummer")
		}
		maxNr = max(maxNr, st.Volgnummer)
		if v.required(sp+".omschrijving", st.Omschrijving, "the name of the phase as the client sees it") {
			v.uniek(omschrijvingen, strings.ToLower(st.Omschrijving), sp+".omschrijving", "statustype omschrijving (ignoring case)")
		}
		if st.IsEindstatus {
			eind = append(eind, i)
		}
		v.organisatie(sp+".verantwoordelijke", st.Verantwoordelijke)
		orgs := map[string]string{}
		for j, vl := range st.Vastleggen {
			op := fmt.Sprintf("%s.vastleggen[%d].organisatie", sp, j)
			if first, ok := orgs[vl.Organisatie]; ok && vl.Organisatie != "" {
				v.warnf(op, "second entry for organisatie %q in this phase (first at line %d); the entries are combined", vl.Organisatie, v.a.Line(first))
			}
			orgs[vl.Organisatie] = op
		}
	}
	if len(volgnummers) == len(z.Statustypen) {
		for n := 1; n <= len(z.Statustypen); n++ {
			if _, ok := volgnummers[strconv.Itoa(n)]; !ok {
				v.errf(p+".statustypen", "volgnummers must run 1..%d without gaps: %d is missing", len(z.Statustypen), n)
			}
		}
	}
	switch {
	case len(eind) == 0:
		v.errf(p+".statustypen", "no statustype has is_eindstatus: true; exactly one phase must close the zaak")
	case len(eind) > 1:
		for _, i := range eind[1:] {
			v.errf(fmt.Sprintf("%s.statustypen[%d].is_eindstatus", p, i), "more than one eindstatus (the first is volgnummer %d); exactly one phase closes the zaak", z.Statustypen[eind[0]].Volgnummer)
		}
	default:
		if st := &z.Statustypen[eind[0]]; st.Volgnummer != maxNr {
			v.errf(fmt.Sprintf("%s.statustypen[%d].is_eindstatus", p, eind[0]), "the eindstatus must be the last phase: volgnummer %d, not %d", maxNr, st.Volgnummer)
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
				v.errf(np, "unknown %s %q (zaaktype %s has: %s)", s, naam, z.Identificatie, strings.Join(z.namenVan(s), ", "))
				continue
			}
			if first, ok := seen[naam]; ok {
				v.warnf(np, "%s %q is listed twice (first at line %d)", s, naam, v.a.Line(first))
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
		return []string{"none"}
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
			v.errf(op+".van", "unknown volgnummer %d", o.Van)
		}
		if !naarOK {
			v.errf(op+".naar", "unknown volgnummer %d", o.Naar)
		}
		switch {
		case o.Van == o.Naar:
			v.errf(op+".naar", "van and naar are the same phase %d", o.Van)
		case vanOK && naarOK && o.Naar == o.Van+1 && !van.IsEindstatus && len(o.Door) == 0:
			v.warnf(op, "repeats the default transition from %d to the next phase by its verantwoordelijke", o.Van)
		}
		v.uniek(seen, fmt.Sprintf("%d->%d", o.Van, o.Naar), op, "overgang")
		for j, d := range o.Door {
			v.organisatie(fmt.Sprintf("%s.door[%d]", op, j), d)
		}
		v.required(op+".reden", o.Reden, "why the agreement allows this transition, e.g. aanvulling nodig")
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
		if v.required(ip+".omschrijving", iot.Omschrijving, "the name of the document type") {
			v.uniek(seen, iot.Omschrijving, ip+".omschrijving", "informatieobjecttype")
		}
		if v.required(ip+".vertrouwelijkheidaanduiding", iot.Vertrouwelijkheidaanduiding, "the default confidentiality of its documents") {
			v.oneOf(ip+".vertrouwelijkheidaanduiding", iot.Vertrouwelijkheidaanduiding, vertrouwelijkheden())
		}
		v.organisatie(ip+".archivering.organisatie", iot.Archivering.Organisatie)
		fp := ip + ".archivering.definitief_in_fase"
		if iot.Archivering.DefinitiefInFase == 0 {
			v.errf(fp, "is required: the volgnummer of the phase from which documents of this type are definitief")
		} else if _, ok := z.Statustype(iot.Archivering.DefinitiefInFase); !ok {
			v.errf(fp, "unknown volgnummer %d", iot.Archivering.DefinitiefInFase)
		}
		if iot.Omschrijving != "" && !z.magOoit(SoortDocument, iot.Omschrijving, func(*Statustype) bool { return true }) {
			v.warnf(ip, "no organisatie may record informatieobjecttype %q in any phase", iot.Omschrijving)
		}
	}
}

func (v *validator) resultaattypen(p string, z *Zaaktype) {
	if len(z.Resultaattypen) == 0 {
		v.errf(p+".resultaattypen", "a zaaktype needs at least one resultaattype: the eindstatus requires a resultaat")
	}
	eind := z.Eindstatus()
	seen := map[string]string{}
	for i := range z.Resultaattypen {
		r := &z.Resultaattypen[i]
		rp := fmt.Sprintf("%s.resultaattypen[%d]", p, i)
		if v.required(rp+".omschrijving", r.Omschrijving, "the name of the resultaattype") {
			v.uniek(seen, r.Omschrijving, rp+".omschrijving", "resultaattype")
		}
		v.required(rp+".selectielijstklasse", r.Selectielijstklasse, "the volledigNummer of the selectielijst resultaat, e.g. 11.1.6")
		v.oneOf(rp+".archiefnominatie", r.Archiefnominatie, archiefnominaties())
		if r.Archiefactietermijn != "" {
			v.termijn(rp+".archiefactietermijn", r.Archiefactietermijn)
		}
		if r.BrondatumArchiefprocedure == nil {
			if r.Archiefnominatie == "vernietigen" {
				v.errf(rp, "brondatum_archiefprocedure is required unless the archiefnominatie is blijvend_bewaren")
			}
		} else {
			v.brondatum(rp+".brondatum_archiefprocedure", z, r.BrondatumArchiefprocedure)
		}
		if r.Afwijking != nil {
			v.required(rp+".afwijking.reden", r.Afwijking.Reden, "why this resultaattype deviates from the selectielijst")
		}
		voorEind := func(st *Statustype) bool { return eind == nil || st.Volgnummer < eind.Volgnummer }
		if r.Omschrijving != "" && !z.magOoit(SoortResultaat, r.Omschrijving, voorEind) {
			v.warnf(rp, "no organisatie may record resultaattype %q in a phase before the eindstatus, so no zaak can close with it", r.Omschrijving)
		}
	}
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
	if !v.required(bp+".afleidingswijze", w, "one of "+strings.Join(afleidingswijzen(), ", ")) {
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
			v.errf(bp+"."+veld, "is required for afleidingswijze %s", w)
		case !slices.Contains(nodig, veld) && gezet:
			v.errf(bp+"."+veld, "must be empty for afleidingswijze %s", w)
		}
	}
	if b.EinddatumBekend && slices.Contains([]string{"afgehandeld", "termijn"}, w) {
		v.errf(bp+".einddatum_bekend", "must be false for afleidingswijze %s", w)
	}
	if b.Procestermijn != "" {
		v.termijn(bp+".procestermijn", b.Procestermijn)
	}
	if w == "eigenschap" && b.Datumkenmerk != "" {
		e, ok := z.Eigenschap(b.Datumkenmerk)
		switch {
		case !ok:
			v.errf(bp+".datumkenmerk", "unknown eigenschap %q (zaaktype %s has: %s)", b.Datumkenmerk, z.Identificatie, strings.Join(z.namenVan(SoortEigenschap), ", "))
		case e.Formaat != "datum" && e.Formaat != "datum_tijd":
			v.warnf(bp+".datumkenmerk", "eigenschap %q has formaat %s; the brondatum is read from it as a date", e.Naam, e.Formaat)
		}
	}
}
