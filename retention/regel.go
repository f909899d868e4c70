package retention

import (
	"fmt"

	"zaakarchief/dossier/afspraak"
)

// Afleidingswijzen of the brondatumArchiefprocedure: how the date a retention term starts from
// (the brondatum) is derived.
const (
	AfleidingAfgehandeld         = "afgehandeld"
	AfleidingTermijn             = "termijn"
	AfleidingHoofdzaak           = "hoofdzaak"
	AfleidingEigenschap          = "eigenschap"
	AfleidingIngangsdatumBesluit = "ingangsdatum_besluit"
	AfleidingVervaldatumBesluit  = "vervaldatum_besluit"
	AfleidingGerelateerdeZaak    = "gerelateerde_zaak"
	AfleidingZaakobject          = "zaakobject"
	AfleidingAnderDatumkenmerk   = "ander_datumkenmerk"
)

// Afleidingswijzen lists every afleidingswijze, in the order of the ZGW standard's table.
var Afleidingswijzen = []string{
	AfleidingAfgehandeld, AfleidingTermijn, AfleidingHoofdzaak, AfleidingEigenschap,
	AfleidingIngangsdatumBesluit, AfleidingVervaldatumBesluit, AfleidingGerelateerdeZaak,
	AfleidingZaakobject, AfleidingAnderDatumkenmerk,
}

// ArchiefstatusNogTeArchiveren is the archiefstatus a zaak gets when it closes.
const ArchiefstatusNogTeArchiveren = "nog_te_archiveren"

// Regel is the retention rule of one resultaattype with the selectielijst's defaults filled in:
// what Derive needs, and where each value came from (for explanations).
type Regel struct {
	// Resultaattype is the omschrijving of the resultaattype.
	Resultaattype string
	// Selectielijstklasse is the volledigNummer of the selectielijst resultaat, e.g. "11.1.6".
	Selectielijstklasse string
	// Archiefnominatie is blijvend_bewaren or vernietigen.
	Archiefnominatie string
	// NominatieUitSelectielijst says the nominatie was taken from the selectielijst waardering.
	NominatieUitSelectielijst bool
	// Archiefactietermijn is the term after the brondatum; nil when there is none (blijvend
	// bewaren: the transfer date follows from the Archiefwet, see Overbrenging).
	Archiefactietermijn *Termijn
	// TermijnUitSelectielijst says the term was taken from the selectielijst bewaartermijn.
	TermijnUitSelectielijst bool
	// Afleidingswijze is one of the Afleiding* constants.
	Afleidingswijze string
	// AfleidingAangenomen says the resultaattype had no brondatumArchiefprocedure and
	// afgehandeld was assumed (allowed for blijvend_bewaren only).
	AfleidingAangenomen bool
	// Datumkenmerk names the eigenschap (eigenschap) or the dotted path into the object
	// (zaakobject, ander_datumkenmerk) that holds the date.
	Datumkenmerk string
	// Objecttype selects the zaakobjecten (zaakobject, ander_datumkenmerk).
	Objecttype string
	// Registratie names the registration that holds the object (ander_datumkenmerk).
	Registratie string
	// Procestermijn is added to the einddatum for afleidingswijze termijn; nil when not given.
	Procestermijn *Termijn
}

// NewRegel builds the Regel of a resultaattype: an empty archiefnominatie takes the selectielijst
// waardering, an empty archiefactietermijn its bewaartermijn, and a missing
// brondatumArchiefprocedure means afgehandeld for blijvend_bewaren. sr is the selectielijst
// resultaat named by the resultaattype's selectielijstklasse; it may be nil only when the
// resultaattype sets everything itself. NewRegel refuses malformed values (unknown nominatie or
// afleidingswijze, unparsable terms) and a rule that can never give a destruction date
// (vernietigen without term or brondatum procedure). Missing sub-fields such as a datumkenmerk are
// left to Derive, which refuses the eindstatus for them as Open Zaak does, and to CheckAfspraak.
func NewRegel(rt afspraak.Resultaattype, sr *Resultaat) (Regel, error) {
	r := Regel{Resultaattype: rt.Omschrijving, Selectielijstklasse: rt.Selectielijstklasse}
	fail := func(format string, args ...any) (Regel, error) {
		return Regel{}, fmt.Errorf("resultaattype %q: %s", rt.Omschrijving, fmt.Sprintf(format, args...))
	}
	if sr != nil && sr.VolledigNummer != rt.Selectielijstklasse {
		return fail("selectielijst resultaat %s hoort niet bij selectielijstklasse %q", sr.VolledigNummer, rt.Selectielijstklasse)
	}

	switch rt.Archiefnominatie {
	case NominatieVernietigen, NominatieBlijvendBewaren:
		r.Archiefnominatie = rt.Archiefnominatie
	case "":
		switch {
		case sr == nil:
			return fail("geen archiefnominatie en geen selectielijst resultaat om haar uit te halen")
		case sr.Vervallen():
			return fail("geen archiefnominatie en selectielijst resultaat %s is vervallen (heeft geen waardering)", sr.VolledigNummer)
		}
		r.Archiefnominatie = sr.Waardering
		r.NominatieUitSelectielijst = true
	default:
		return fail("onbekende archiefnominatie %q (verwacht vernietigen of blijvend_bewaren)", rt.Archiefnominatie)
	}

	// An archiefactietermijn of P0D counts as empty, as in Open Zaak: the selectielijst's
	// bewaartermijn applies.
	if rt.Archiefactietermijn != "" {
		t, err := ParseTermijn(rt.Archiefactietermijn)
		if err != nil {
			return fail("archiefactietermijn: %v", err)
		}
		if t != (Termijn{}) {
			r.Archiefactietermijn = &t
		}
	}
	switch {
	case r.Archiefactietermijn != nil:
	case sr != nil && sr.Bewaartermijn != "":
		t, err := ParseTermijn(sr.Bewaartermijn)
		if err != nil {
			return fail("bewaartermijn van selectielijst resultaat %s: %v", sr.VolledigNummer, err)
		}
		r.Archiefactietermijn = &t
		r.TermijnUitSelectielijst = true
	}
	if r.Archiefnominatie == NominatieVernietigen && r.Archiefactietermijn == nil {
		return fail("archiefnominatie vernietigen zonder archiefactietermijn (en de selectielijst geeft geen bewaartermijn)")
	}

	b := rt.BrondatumArchiefprocedure
	if b == nil {
		if r.Archiefnominatie != NominatieBlijvendBewaren {
			return fail("brondatum_archiefprocedure ontbreekt; die is alleen bij blijvend_bewaren niet nodig")
		}
		r.Afleidingswijze = AfleidingAfgehandeld
		r.AfleidingAangenomen = true
		return r, nil
	}
	if !isAfleidingswijze(b.Afleidingswijze) {
		return fail("onbekende afleidingswijze %q", b.Afleidingswijze)
	}
	r.Afleidingswijze = b.Afleidingswijze
	r.Datumkenmerk = b.Datumkenmerk
	r.Objecttype = b.Objecttype
	r.Registratie = b.Registratie
	if b.Procestermijn != "" {
		t, err := ParseTermijn(b.Procestermijn)
		if err != nil {
			return fail("procestermijn: %v", err)
		}
		r.Procestermijn = &t
	}
	return r, nil
}

// isAfleidingswijze reports whether s is one of the Afleidingswijzen.
func isAfleidingswijze(s string) bool {
	for _, a := range Afleidingswijzen {
		if s == a {
			return true
		}
	}
	return false
}
