package retention

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrBrondatumOnbekend reports that the brondatum cannot be derived from the facts of the zaak in
// a way that refuses the eindstatus (a missing hoofdzaak, besluit or related zaak, a value that is
// not a date, an incomplete rule). Derive wraps it with the details; the dossier maps it to a
// problem response.
var ErrBrondatumOnbekend = errors.New("brondatum archiefprocedure niet te bepalen")

// Feiten are the facts of one zaak that the derivation reads, as they are when the eindstatus is
// set. All dates are calendar dates; the time of day is ignored.
type Feiten struct {
	// Einddatum is the date of the eindstatus; required.
	Einddatum time.Time
	// StartdatumBewaartermijn is a brondatum a client set before; when present it is used as is.
	StartdatumBewaartermijn *time.Time
	// Eigenschappen are the zaak's eigenschap values by naam.
	Eigenschappen map[string]string
	// Besluiten are the zaak's besluiten.
	Besluiten []Besluit
	// Hoofdzaak is the zaak this zaak is a deelzaak of; nil when it has none.
	Hoofdzaak *Hoofdzaak
	// GerelateerdeZaken holds the einddatum of every related zaak; nil for one still open.
	GerelateerdeZaken []*time.Time
	// Zaakobjecten are the objects the zaak is about, with their data.
	Zaakobjecten []Zaakobject
}

// Besluit is what the derivation needs of a besluit.
type Besluit struct {
	Ingangsdatum time.Time
	// Vervaldatum is nil when the besluit has none (yet).
	Vervaldatum *time.Time
}

// Hoofdzaak is what the derivation needs of the hoofdzaak of a deelzaak.
type Hoofdzaak struct {
	// Brondatum is the hoofdzaak's brondatum (startdatumBewaartermijn); nil while it is open or
	// has none yet. A deelzaak takes this date, not the hoofdzaak's einddatum.
	Brondatum *time.Time
}

// Zaakobject is an object of a zaak: its objecttype and its data, in which a datumkenmerk is a
// dotted path (e.g. "vergunning.vervaldatum"; a numeric part indexes a list).
type Zaakobject struct {
	Objecttype string
	Data       map[string]any
}

// Uitkomst is the result of a derivation: what the zaak gets when the eindstatus is set.
type Uitkomst struct {
	Archiefnominatie string `json:"archiefnominatie"`
	// Brondatum is stored as the zaak's startdatumBewaartermijn; nil when not (yet) known.
	Brondatum *time.Time `json:"brondatum"`
	// Archiefactiedatum is Brondatum + Archiefactietermijn; nil when either is missing.
	Archiefactiedatum *time.Time `json:"archiefactiedatum"`
	Archiefstatus     string     `json:"archiefstatus"`
	// Uitgesteld says the zaak closes without a brondatum: a fact is missing now (a vervaldatum,
	// an eigenschap, a closed hoofdzaak, a date to be set by hand), or a blijvend_bewaren zaak's
	// brondatum could not be derived. Derive again when the facts change.
	Uitgesteld bool `json:"uitgesteld"`
	// Reden says, in Dutch, what is missing when Uitgesteld.
	Reden string `json:"reden,omitempty"`
	// Stappen explain the derivation step by step.
	Stappen []Stap `json:"stappen"`
}

// Stap is one step of a derivation, for people: the rule applied, what it read and what came out.
type Stap struct {
	Regel     string    `json:"regel"`
	Invoer    []Gegeven `json:"invoer,omitempty"`
	Resultaat string    `json:"resultaat"`
}

// Gegeven is one named input of a Stap.
type Gegeven struct {
	Naam   string `json:"naam"`
	Waarde string `json:"waarde"`
}

func (u *Uitkomst) stap(regel, resultaat string, invoer ...Gegeven) {
	u.Stappen = append(u.Stappen, Stap{Regel: regel, Invoer: invoer, Resultaat: resultaat})
}

// datumTekst formats a date for people and steps.
func datumTekst(t time.Time) string { return t.Format(time.DateOnly) }

// Derive computes the archiefnominatie, brondatum and archiefactiedatum of a zaak whose eindstatus
// is set, as the ZGW Zaken API's reference implementation (Open Zaak, its BrondatumCalculator and
// the eindstatus validation of its zaken API) does: a preset StartdatumBewaartermijn is used as
// is, otherwise the brondatum follows from the afleidingswijze; archiefactiedatum = brondatum +
// archiefactietermijn with month-end clamping.
//
// Three outcomes: dates (Uitgesteld false); postponed (Uitgesteld with a Reden, no error: the
// zaak closes and the dates are derived when the missing fact arrives); refused (an error
// wrapping ErrBrondatumOnbekend: the eindstatus must not be set).
//   - A rule that cannot find its fact (no procestermijn, hoofdzaak, besluit, related zaak or
//     zaakobject; a value that is not a date) refuses, whatever the archiefnominatie.
//   - Where the rule gives no date without such an error, vervaldatum_besluit, eigenschap,
//     ander_datumkenmerk and hoofdzaak (a deelzaak gets its dates when the hoofdzaak closes)
//     postpone; for the other rules a blijvend_bewaren zaak closes without dates and a
//     vernietigen zaak is refused.
//   - Without an archiefactietermijn (a blijvend_bewaren resultaattype that sets none) there is
//     no archiefactiedatum, and, as in Open Zaak, where no term is computed nothing refuses: the
//     brondatum is derived when it can be, for the Archiefwet transfer date, which is a fact of its
//     own (see Overbrenging).
func Derive(r Regel, f Feiten) (Uitkomst, error) {
	u := Uitkomst{Archiefnominatie: r.Archiefnominatie, Archiefstatus: ArchiefstatusNogTeArchiveren}
	if f.Einddatum.IsZero() {
		return u, errors.New("derive: einddatum ontbreekt; de afleiding hoort bij het zetten van de eindstatus")
	}
	einddatum := dag(f.Einddatum)

	bron := "resultaattype"
	if r.NominatieUitSelectielijst {
		bron = "selectielijst resultaat " + r.Selectielijstklasse + " (waardering)"
	}
	u.stap("archiefnominatie uit het resultaattype; leeg = waardering van de selectielijst", r.Archiefnominatie,
		Gegeven{"resultaattype", r.Resultaattype}, Gegeven{"bron", bron})
	if r.Archiefactietermijn != nil {
		bron = "resultaattype"
		if r.TermijnUitSelectielijst {
			bron = "selectielijst resultaat " + r.Selectielijstklasse + " (bewaartermijn)"
		}
		u.stap("archiefactietermijn uit het resultaattype; leeg of P0D = bewaartermijn van de selectielijst", r.Archiefactietermijn.String(),
			Gegeven{"bron", bron})
	} else {
		u.stap("archiefactietermijn uit het resultaattype; leeg of P0D = bewaartermijn van de selectielijst", "geen termijn")
	}

	var brondatum *time.Time
	var geen geenDatum
	var err error
	if f.StartdatumBewaartermijn != nil {
		b := dag(*f.StartdatumBewaartermijn)
		brondatum = &b
		u.stap("startdatumBewaartermijn was al gezet: die geldt als brondatum", datumTekst(b),
			Gegeven{"startdatumBewaartermijn", datumTekst(b)})
	} else {
		brondatum, geen, err = leidAf(r, f, einddatum, &u)
	}
	geenTermijn := r.Archiefactietermijn == nil
	switch {
	case err != nil && geenTermijn:
		u.Uitgesteld = true
		u.Reden = err.Error()
		u.stap("geen archiefactietermijn: er wordt geen archiefactiedatum berekend, dus de eindstatus wordt niet geweigerd",
			"geen brondatum, geen archiefactiedatum")
		return u, nil
	case err != nil:
		return u, err
	case brondatum == nil && (geen.uitstel || geenTermijn || r.Archiefnominatie == NominatieBlijvendBewaren):
		u.Uitgesteld = true
		u.Reden = geen.reden
		if geen.uitstel {
			u.stap("brondatum nog niet bekend: de zaak sluit zonder archiefactiedatum", "uitgesteld: "+geen.reden)
		} else {
			u.stap("geen brondatum: een blijvend te bewaren zaak sluit zonder data", "geen data: "+geen.reden)
		}
		return u, nil
	case brondatum == nil:
		return u, onbekend(r.Afleidingswijze, "%s; een te vernietigen zaak sluit niet zonder archiefactiedatum", geen.reden)
	}
	u.Brondatum = brondatum
	if geenTermijn {
		u.stap("archiefactiedatum = brondatum + archiefactietermijn", "geen archiefactiedatum: er is geen termijn (blijvend bewaren; de overbrengingsdatum volgt de Archiefwet)",
			Gegeven{"brondatum", datumTekst(*brondatum)})
		return u, nil
	}
	a := r.Archiefactietermijn.AddTo(*brondatum)
	u.Archiefactiedatum = &a
	u.stap("archiefactiedatum = brondatum + archiefactietermijn (dag begrensd op het einde van de maand)", datumTekst(a),
		Gegeven{"brondatum", datumTekst(*brondatum)}, Gegeven{"archiefactietermijn", r.Archiefactietermijn.String()})
	return u, nil
}

// geenDatum says why a rule gave no date without an error, and whether that postpones the
// derivation (the fact may still come) or leaves the zaak without dates.
type geenDatum struct {
	reden   string
	uitstel bool
}

// onbekend returns an error wrapping ErrBrondatumOnbekend for afleidingswijze a.
func onbekend(a, format string, args ...any) error {
	return fmt.Errorf("%w: afleidingswijze %s: %s", ErrBrondatumOnbekend, a, fmt.Sprintf(format, args...))
}

// laatste returns the latest of the dates, or nil when there is none.
func laatste(dates []*time.Time) *time.Time {
	var l *time.Time
	for _, t := range dates {
		if t == nil {
			continue
		}
		d := dag(*t)
		if l == nil || d.After(*l) {
			l = &d
		}
	}
	return l
}

// leidAf derives the brondatum by afleidingswijze. It returns the date; or nil and why there is
// none (without an error); or an error that refuses the eindstatus.
func leidAf(r Regel, f Feiten, einddatum time.Time, u *Uitkomst) (*time.Time, geenDatum, error) {
	a := r.Afleidingswijze
	regel := "brondatum volgens afleidingswijze " + a
	if r.AfleidingAangenomen {
		regel += " (geen brondatum_archiefprocedure: bij blijvend_bewaren geldt afgehandeld)"
	}
	switch a {
	case AfleidingAfgehandeld:
		u.stap(regel+": de einddatum van de zaak", datumTekst(einddatum), Gegeven{"einddatum", datumTekst(einddatum)})
		return &einddatum, geenDatum{}, nil

	case AfleidingTermijn:
		if r.Procestermijn == nil {
			return nil, geenDatum{}, onbekend(a, "het resultaattype heeft geen procestermijn")
		}
		b := r.Procestermijn.AddTo(einddatum)
		u.stap(regel+": einddatum + procestermijn", datumTekst(b),
			Gegeven{"einddatum", datumTekst(einddatum)}, Gegeven{"procestermijn", r.Procestermijn.String()})
		return &b, geenDatum{}, nil

	case AfleidingHoofdzaak:
		if f.Hoofdzaak == nil {
			return nil, geenDatum{}, onbekend(a, "de zaak heeft geen hoofdzaak")
		}
		if f.Hoofdzaak.Brondatum == nil {
			return nil, geenDatum{reden: "een deelzaak krijgt haar data als de hoofdzaak sluit; de hoofdzaak heeft nog geen brondatum", uitstel: true}, nil
		}
		b := dag(*f.Hoofdzaak.Brondatum)
		u.stap(regel+": de brondatum van de hoofdzaak", datumTekst(b), Gegeven{"brondatum hoofdzaak", datumTekst(b)})
		return &b, geenDatum{}, nil

	case AfleidingEigenschap:
		if r.Datumkenmerk == "" {
			return nil, geenDatum{}, onbekend(a, "het resultaattype noemt geen datumkenmerk (de naam van de eigenschap)")
		}
		v := strings.TrimSpace(f.Eigenschappen[r.Datumkenmerk])
		if v == "" {
			return nil, geenDatum{reden: fmt.Sprintf("eigenschap %q is nog niet ingevuld", r.Datumkenmerk), uitstel: true}, nil
		}
		b, err := ParseDatumLenient(v)
		if err != nil {
			return nil, geenDatum{}, onbekend(a, "eigenschap %q: %v", r.Datumkenmerk, err)
		}
		u.stap(regel+": de datum in eigenschap "+strconv.Quote(r.Datumkenmerk), datumTekst(b), Gegeven{r.Datumkenmerk, v})
		return &b, geenDatum{}, nil

	case AfleidingIngangsdatumBesluit:
		if len(f.Besluiten) == 0 {
			return nil, geenDatum{}, onbekend(a, "de zaak heeft geen besluit")
		}
		ds := make([]*time.Time, 0, len(f.Besluiten))
		for i := range f.Besluiten {
			if !f.Besluiten[i].Ingangsdatum.IsZero() {
				ds = append(ds, &f.Besluiten[i].Ingangsdatum)
			}
		}
		l := laatste(ds)
		if l == nil {
			return nil, geenDatum{reden: "geen besluit heeft een ingangsdatum"}, nil
		}
		u.stap(regel+": de laatste ingangsdatum van de besluiten", datumTekst(*l),
			Gegeven{"besluiten", strconv.Itoa(len(f.Besluiten))})
		return l, geenDatum{}, nil

	case AfleidingVervaldatumBesluit:
		if len(f.Besluiten) == 0 {
			return nil, geenDatum{reden: "de zaak heeft nog geen besluit; de brondatum volgt als er een besluit met vervaldatum is", uitstel: true}, nil
		}
		ds := make([]*time.Time, 0, len(f.Besluiten))
		for _, bs := range f.Besluiten {
			ds = append(ds, bs.Vervaldatum)
		}
		l := laatste(ds)
		if l == nil {
			return nil, geenDatum{reden: "geen besluit heeft een vervaldatum; de brondatum volgt als die wordt vastgelegd", uitstel: true}, nil
		}
		u.stap(regel+": de laatste vervaldatum van de besluiten (zonder extra dag)", datumTekst(*l),
			Gegeven{"besluiten", strconv.Itoa(len(f.Besluiten))})
		return l, geenDatum{}, nil

	case AfleidingGerelateerdeZaak:
		if len(f.GerelateerdeZaken) == 0 {
			return nil, geenDatum{}, onbekend(a, "de zaak heeft geen gerelateerde zaken")
		}
		l := laatste(f.GerelateerdeZaken)
		if l == nil {
			return nil, geenDatum{reden: "geen gerelateerde zaak is afgesloten"}, nil
		}
		u.stap(regel+" (verouderd): de laatste einddatum van de afgesloten gerelateerde zaken", datumTekst(*l),
			Gegeven{"gerelateerde zaken", strconv.Itoa(len(f.GerelateerdeZaken))})
		return l, geenDatum{}, nil

	case AfleidingZaakobject:
		b, err := zaakobjectDatum(r, f)
		if err != nil {
			return nil, geenDatum{}, onbekend(a, "%v", err)
		}
		u.stap(regel+": de laatste datum op pad "+strconv.Quote(r.Datumkenmerk)+" in de zaakobjecten van type "+strconv.Quote(r.Objecttype),
			datumTekst(b), Gegeven{"objecttype", r.Objecttype}, Gegeven{"datumkenmerk", r.Datumkenmerk})
		return &b, geenDatum{}, nil

	case AfleidingAnderDatumkenmerk:
		return nil, geenDatum{reden: fmt.Sprintf("de brondatum (datumkenmerk %q in registratie %q) wordt niet afgeleid maar met de hand vastgelegd", r.Datumkenmerk, r.Registratie), uitstel: true}, nil
	}
	return nil, geenDatum{}, onbekend(a, "onbekende afleidingswijze")
}

// zaakobjectDatum returns the latest date at path r.Datumkenmerk among the zaakobjecten of type
// r.Objecttype. As in Open Zaak, a matching object without a date there is an error.
func zaakobjectDatum(r Regel, f Feiten) (time.Time, error) {
	if r.Objecttype == "" {
		return time.Time{}, errors.New("het resultaattype noemt geen objecttype")
	}
	if r.Datumkenmerk == "" {
		return time.Time{}, errors.New("het resultaattype noemt geen datumkenmerk")
	}
	var laatste time.Time
	n := 0
	for i, zo := range f.Zaakobjecten {
		if zo.Objecttype != r.Objecttype {
			continue
		}
		n++
		v, ok := opPad(zo.Data, r.Datumkenmerk)
		if !ok || v == nil {
			return time.Time{}, fmt.Errorf("zaakobject %d van type %q heeft niets op pad %q", i, r.Objecttype, r.Datumkenmerk)
		}
		var d time.Time
		switch x := v.(type) {
		case string:
			p, err := ParseDatumLenient(x)
			if err != nil {
				return time.Time{}, fmt.Errorf("zaakobject %d, pad %q: %w", i, r.Datumkenmerk, err)
			}
			d = p
		case time.Time:
			d = dag(x)
		default:
			return time.Time{}, fmt.Errorf("zaakobject %d, pad %q: %v (%T): %w", i, r.Datumkenmerk, v, v, ErrGeenDatum)
		}
		if d.After(laatste) {
			laatste = d
		}
	}
	if n == 0 {
		return time.Time{}, fmt.Errorf("de zaak heeft geen zaakobject van type %q", r.Objecttype)
	}
	return laatste, nil
}

// opPad follows a dotted path into nested maps (and lists, by numeric part).
func opPad(data map[string]any, pad string) (any, bool) {
	var cur any = data
	for _, deel := range strings.Split(pad, ".") {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[deel]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(deel)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}
