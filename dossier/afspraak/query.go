package afspraak

import (
	"fmt"
	"slices"
	"strings"
)

// Soort is a kind of zaak information an organisation records in a phase.
type Soort string

// The kinds of zaak information the agreement distributes over the organisations and phases.
const (
	SoortDocument      Soort = "informatieobjecttype"
	SoortBesluit       Soort = "besluittype"
	SoortEigenschap    Soort = "eigenschap"
	SoortResultaat     Soort = "resultaattype"
	SoortRol           Soort = "roltype"
	SoortContactmoment Soort = "contactmoment"
)

// soorten lists every Soort in the order tables and rules name them.
func soorten() []Soort {
	return []Soort{SoortDocument, SoortBesluit, SoortEigenschap, SoortResultaat, SoortRol, SoortContactmoment}
}

// meervoud is the plural the agreement's YAML uses for the soort.
func (s Soort) meervoud() string {
	switch s {
	case SoortEigenschap:
		return "eigenschappen"
	case SoortContactmoment:
		return "contactmomenten"
	default:
		return string(s) + "n" // informatieobjecttypen, besluittypen, resultaattypen, roltypen
	}
}

// wat names one item of the soort in a rule: informatieobjecttype "adviesrapport", contactmomenten.
func (s Soort) wat(naam string) string {
	if s == SoortContactmoment {
		return "contactmomenten"
	}
	return fmt.Sprintf("%s %q", s, naam)
}

// namen returns the names the Vastlegging allows for soort; for SoortContactmoment a one-item
// list when contactmomenten are allowed.
func (v *Vastlegging) namen(soort Soort) []string {
	switch soort {
	case SoortDocument:
		return v.Informatieobjecttypen
	case SoortBesluit:
		return v.Besluittypen
	case SoortEigenschap:
		return v.Eigenschappen
	case SoortResultaat:
		return v.Resultaattypen
	case SoortRol:
		return v.Rollen
	case SoortContactmoment:
		if v.Contactmomenten {
			return []string{""}
		}
	}
	return nil
}

// Zaaktype returns the zaaktype with identificatie id.
func (a *Afspraak) Zaaktype(id string) (*Zaaktype, bool) {
	for i := range a.Zaaktypen {
		if a.Zaaktypen[i].Identificatie == id {
			return &a.Zaaktypen[i], true
		}
	}
	return nil, false
}

// Organisatie returns the organisation with the given ID.
func (a *Afspraak) Organisatie(id string) (*Organisatie, bool) {
	for i := range a.Organisaties {
		if a.Organisaties[i].ID == id {
			return &a.Organisaties[i], true
		}
	}
	return nil, false
}

// Statustype returns the phase with the given volgnummer.
func (z *Zaaktype) Statustype(volgnummer int) (*Statustype, bool) {
	for i := range z.Statustypen {
		if z.Statustypen[i].Volgnummer == volgnummer {
			return &z.Statustypen[i], true
		}
	}
	return nil, false
}

// StatustypeByOmschrijving returns the phase with the given omschrijving, ignoring case.
func (z *Zaaktype) StatustypeByOmschrijving(s string) (*Statustype, bool) {
	for i := range z.Statustypen {
		if strings.EqualFold(z.Statustypen[i].Omschrijving, s) {
			return &z.Statustypen[i], true
		}
	}
	return nil, false
}

// Eerste returns the phase a new zaak starts in: the lowest volgnummer; nil without phases.
func (z *Zaaktype) Eerste() *Statustype {
	var e *Statustype
	for i := range z.Statustypen {
		if e == nil || z.Statustypen[i].Volgnummer < e.Volgnummer {
			e = &z.Statustypen[i]
		}
	}
	return e
}

// Eindstatus returns the phase that closes a zaak; nil when the zaaktype has none (Validate
// refuses that).
func (z *Zaaktype) Eindstatus() *Statustype {
	for i := range z.Statustypen {
		if z.Statustypen[i].IsEindstatus {
			return &z.Statustypen[i]
		}
	}
	return nil
}

// Informatieobjecttype returns the document type with the given omschrijving.
func (z *Zaaktype) Informatieobjecttype(omschrijving string) (*Informatieobjecttype, bool) {
	return find(z.Informatieobjecttypen, func(x *Informatieobjecttype) bool { return x.Omschrijving == omschrijving })
}

// Besluittype returns the decision type with the given omschrijving.
func (z *Zaaktype) Besluittype(omschrijving string) (*Besluittype, bool) {
	return find(z.Besluittypen, func(x *Besluittype) bool { return x.Omschrijving == omschrijving })
}

// Eigenschap returns the property with the given naam.
func (z *Zaaktype) Eigenschap(naam string) (*Eigenschap, bool) {
	return find(z.Eigenschappen, func(x *Eigenschap) bool { return x.Naam == naam })
}

// Resultaattype returns the result type with the given omschrijving.
func (z *Zaaktype) Resultaattype(omschrijving string) (*Resultaattype, bool) {
	return find(z.Resultaattypen, func(x *Resultaattype) bool { return x.Omschrijving == omschrijving })
}

// Roltype returns the role type with the given omschrijving.
func (z *Zaaktype) Roltype(omschrijving string) (*Roltype, bool) {
	return find(z.Roltypen, func(x *Roltype) bool { return x.Omschrijving == omschrijving })
}

func find[T any](s []T, match func(*T) bool) (*T, bool) {
	for i := range s {
		if match(&s[i]) {
			return &s[i], true
		}
	}
	return nil, false
}

// bestaat reports whether the zaaktype defines naam of the soort.
func (z *Zaaktype) bestaat(soort Soort, naam string) bool {
	var ok bool
	switch soort {
	case SoortDocument:
		_, ok = z.Informatieobjecttype(naam)
	case SoortBesluit:
		_, ok = z.Besluittype(naam)
	case SoortEigenschap:
		_, ok = z.Eigenschap(naam)
	case SoortResultaat:
		_, ok = z.Resultaattype(naam)
	case SoortRol:
		_, ok = z.Roltype(naam)
	case SoortContactmoment:
		ok = true
	}
	return ok
}

// wieMag returns the organisations that may record naam of the soort in this phase, in the
// order the agreement names them.
func (st *Statustype) wieMag(soort Soort, naam string) []string {
	var wie []string
	for i := range st.Vastleggen {
		v := &st.Vastleggen[i]
		if slices.Contains(wie, v.Organisatie) {
			continue
		}
		if n := v.namen(soort); len(n) > 0 && (soort == SoortContactmoment || slices.Contains(n, naam)) {
			wie = append(wie, v.Organisatie)
		}
	}
	return wie
}

// MagVastleggen reports whether organisatie may record naam of the soort (for
// SoortContactmoment naam is ignored) while a zaak of this type is in phase fase, with the rule
// of the agreement that decides it in words, e.g. `in fase 3 "Advies en ontwerpbesluit" mag
// omgevingsdienst informatieobjecttype "adviesrapport" vastleggen`. A refusal says who may, or in
// which phases it can be recorded, and what organisatie may record in this phase.
func (z *Zaaktype) MagVastleggen(fase int, organisatie string, soort Soort, naam string) (bool, string) {
	if !slices.Contains(soorten(), soort) {
		return false, fmt.Sprintf("onbekende soort zaakinformatie %q", soort)
	}
	st, ok := z.Statustype(fase)
	if !ok {
		return false, fmt.Sprintf("zaaktype %s kent geen fase %d", z.Identificatie, fase)
	}
	wat := soort.wat(naam)
	if !z.bestaat(soort, naam) {
		return false, fmt.Sprintf("%s bestaat niet in zaaktype %s", wat, z.Identificatie)
	}
	in := fmt.Sprintf("in fase %d %q", st.Volgnummer, st.Omschrijving)
	wie := st.wieMag(soort, naam)
	if slices.Contains(wie, organisatie) {
		return true, fmt.Sprintf("%s mag %s %s vastleggen", in, organisatie, wat)
	}
	var rule string
	if len(wie) > 0 {
		rule = fmt.Sprintf("%s mag alleen %s %s vastleggen", in, enLijst(wie), wat)
	} else {
		rule = fmt.Sprintf("%s mag niemand %s vastleggen", in, wat)
		var elders []string
		for i := range z.Statustypen {
			o := &z.Statustypen[i]
			if w := o.wieMag(soort, naam); len(w) > 0 {
				elders = append(elders, fmt.Sprintf("in fase %d %q door %s", o.Volgnummer, o.Omschrijving, enLijst(w)))
			}
		}
		if len(elders) > 0 {
			rule += "; wel " + strings.Join(elders, ", ")
		}
	}
	return false, rule + "; " + st.watMag(organisatie)
}

// watMag says in words what organisatie may record in this phase.
func (st *Statustype) watMag(organisatie string) string {
	var delen []string
	for _, s := range soorten() {
		var namen []string
		for i := range st.Vastleggen {
			v := &st.Vastleggen[i]
			if v.Organisatie != organisatie {
				continue
			}
			for _, n := range v.namen(s) {
				if q := fmt.Sprintf("%q", n); !slices.Contains(namen, q) {
					namen = append(namen, q)
				}
			}
		}
		switch {
		case len(namen) == 0:
		case s == SoortContactmoment:
			delen = append(delen, "contactmomenten")
		default:
			delen = append(delen, s.meervoud()+" "+strings.Join(namen, ", "))
		}
	}
	if len(delen) == 0 {
		return fmt.Sprintf("%s mag in deze fase niets vastleggen", organisatie)
	}
	return fmt.Sprintf("%s mag in deze fase vastleggen: %s", organisatie, strings.Join(delen, "; "))
}

// overgangRegel is one way the agreement allows a transition: who may make it and why.
type overgangRegel struct {
	door  []string
	reden string
}

// overgangRegels returns the rules that allow van -> naar: the default step to the next
// volgnummer by the organisation responsible for van, and the extra Overgangen.
func (z *Zaaktype) overgangRegels(van *Statustype, naar int) []overgangRegel {
	var regels []overgangRegel
	if naar == van.Volgnummer+1 && !van.IsEindstatus {
		regels = append(regels, overgangRegel{door: []string{van.Verantwoordelijke},
			reden: fmt.Sprintf("volgende fase, door de verantwoordelijke voor fase %d", van.Volgnummer)})
	}
	for _, o := range z.Overgangen {
		if o.Van != van.Volgnummer || o.Naar != naar {
			continue
		}
		r := overgangRegel{door: o.Door, reden: o.Reden}
		if len(r.door) == 0 {
			r.door = []string{van.Verantwoordelijke}
		}
		regels = append(regels, r)
	}
	return regels
}

// MagOvergang reports whether organisatie may move a zaak of this type from phase van to phase
// naar. known is false when the agreement has no such transition at all (a conflict with the
// zaak's state rather than a refusal); rule says the deciding rule in words.
func (z *Zaaktype) MagOvergang(van, naar int, organisatie string) (allowed bool, known bool, rule string) {
	vanSt, ok := z.Statustype(van)
	if !ok {
		return false, false, fmt.Sprintf("zaaktype %s kent geen fase %d", z.Identificatie, van)
	}
	naarSt, ok := z.Statustype(naar)
	if !ok {
		return false, false, fmt.Sprintf("zaaktype %s kent geen fase %d", z.Identificatie, naar)
	}
	overgang := fmt.Sprintf("overgang van fase %d %q naar fase %d %q", van, vanSt.Omschrijving, naar, naarSt.Omschrijving)
	regels := z.overgangRegels(vanSt, naar)
	if len(regels) == 0 {
		var doelen []string
		for i := range z.Statustypen {
			o := &z.Statustypen[i]
			if len(z.overgangRegels(vanSt, o.Volgnummer)) > 0 {
				doelen = append(doelen, fmt.Sprintf("fase %d %q", o.Volgnummer, o.Omschrijving))
			}
		}
		rule = fmt.Sprintf("zaaktype %s kent geen %s", z.Identificatie, overgang)
		if len(doelen) == 0 {
			return false, false, rule + fmt.Sprintf("; vanuit fase %d is geen overgang mogelijk", van)
		}
		return false, false, rule + fmt.Sprintf("; vanuit fase %d kan alleen naar %s", van, strings.Join(doelen, " of "))
	}
	var wie, redenen []string
	for _, r := range regels {
		if slices.Contains(r.door, organisatie) {
			return true, true, fmt.Sprintf("%s mag door %s (%s)", overgang, organisatie, r.reden)
		}
		for _, d := range r.door {
			if !slices.Contains(wie, d) {
				wie = append(wie, d)
			}
		}
		redenen = append(redenen, r.reden)
	}
	return false, true, fmt.Sprintf("%s mag alleen door %s (%s)", overgang, enLijst(wie), strings.Join(redenen, "; "))
}

// enLijst joins names the Dutch way: "a", "a en b", "a, b en c".
func enLijst(s []string) string {
	if len(s) <= 1 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " en " + s[len(s)-1]
}
