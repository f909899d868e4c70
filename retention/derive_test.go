package retention

import (
	"errors"
	"strings"
	"testing"
	"time"

	"zaakarchief/dossier/afspraak"
)

func dp(y int, m time.Month, d int) *time.Time {
	t := Datum(y, m, d)
	return &t
}

func tp(s string) *Termijn {
	t, err := ParseTermijn(s)
	if err != nil {
		panic(err)
	}
	return &t
}

// vernietig returns a rule: vernietigen after P5Y, with afleidingswijze a.
func vernietig(a string) Regel {
	return Regel{Resultaattype: "Geweigerd", Selectielijstklasse: "11.2", Archiefnominatie: NominatieVernietigen,
		Archiefactietermijn: tp("P5Y"), Afleidingswijze: a}
}

func with(r Regel, f func(*Regel)) Regel {
	f(&r)
	return r
}

func TestDeriveByAfleidingswijze(t *testing.T) {
	eind := Datum(2024, 1, 31)
	tests := []struct {
		name       string
		regel      Regel
		feiten     Feiten
		brondatum  *time.Time
		actiedatum *time.Time
		uitgesteld string // part of Reden when postponed
		fout       string // part of the error when refused
		// oz names the place in Open Zaak (src/openzaak/components/zaken/) whose behaviour the
		// case pins, as described in the domain notes of August 2026.
		oz string
	}{
		{name: "afgehandeld: einddatum", regel: vernietig(AfleidingAfgehandeld),
			oz:     "zaken/brondatum.py, afleidingswijze afgehandeld: the einddatum (the date the eindstatus is set)",
			feiten: Feiten{Einddatum: eind}, brondatum: dp(2024, 1, 31), actiedatum: dp(2029, 1, 31)},
		{name: "afgehandeld: time of day of einddatum ignored", regel: vernietig(AfleidingAfgehandeld),
			oz:     "zaken/brondatum.py, afleidingswijze afgehandeld: the einddatum (the date the eindstatus is set)",
			feiten: Feiten{Einddatum: time.Date(2024, 2, 29, 23, 59, 0, 0, time.UTC)}, brondatum: dp(2024, 2, 29), actiedatum: dp(2029, 2, 28)},
		{name: "afgehandeld: P1M clamps", regel: with(vernietig(AfleidingAfgehandeld), func(r *Regel) { r.Archiefactietermijn = tp("P1M") }),
			oz:     "zaken/brondatum.py, afleidingswijze afgehandeld: the einddatum (the date the eindstatus is set)",
			feiten: Feiten{Einddatum: eind}, brondatum: dp(2024, 1, 31), actiedatum: dp(2024, 2, 29)},
		{name: "preset startdatumBewaartermijn used as is", regel: vernietig(AfleidingHoofdzaak),
			oz:        "zaken/brondatum.py BrondatumCalculator: a startdatumBewaartermijn set before is used as is",
			feiten:    Feiten{Einddatum: eind, StartdatumBewaartermijn: dp(2020, 2, 29)},
			brondatum: dp(2020, 2, 29), actiedatum: dp(2025, 2, 28)},
		{name: "preset startdatumBewaartermijn beats ander_datumkenmerk", regel: vernietig(AfleidingAnderDatumkenmerk),
			oz:        "zaken/brondatum.py BrondatumCalculator: a startdatumBewaartermijn set before is used as is",
			feiten:    Feiten{Einddatum: eind, StartdatumBewaartermijn: dp(2030, 6, 1)},
			brondatum: dp(2030, 6, 1), actiedatum: dp(2035, 6, 1)},

		{name: "termijn: einddatum + procestermijn", regel: with(vernietig(AfleidingTermijn), func(r *Regel) { r.Procestermijn = tp("P1M") }),
			oz:     "zaken/brondatum.py, afleidingswijze termijn: einddatum + procestermijn (relativedelta); no procestermijn raises",
			feiten: Feiten{Einddatum: eind}, brondatum: dp(2024, 2, 29), actiedatum: dp(2029, 2, 28)},
		{name: "termijn: P10Y from a leap day", regel: with(vernietig(AfleidingTermijn), func(r *Regel) { r.Procestermijn = tp("P10Y") }),
			oz:     "zaken/brondatum.py, afleidingswijze termijn: einddatum + procestermijn (relativedelta); no procestermijn raises",
			feiten: Feiten{Einddatum: Datum(2024, 2, 29)}, brondatum: dp(2034, 2, 28), actiedatum: dp(2039, 2, 28)},
		{name: "termijn: no procestermijn refuses", regel: vernietig(AfleidingTermijn),
			oz:     "zaken/brondatum.py, afleidingswijze termijn: einddatum + procestermijn (relativedelta); no procestermijn raises",
			feiten: Feiten{Einddatum: eind}, fout: "geen procestermijn"},

		{name: "hoofdzaak: the hoofdzaak's brondatum, not its einddatum", regel: vernietig(AfleidingHoofdzaak),
			oz:        "zaken/brondatum.py, afleidingswijze hoofdzaak: the deelzaak takes the hoofdzaak's brondatum when the hoofdzaak closes",
			feiten:    Feiten{Einddatum: eind, Hoofdzaak: &Hoofdzaak{Brondatum: dp(2024, 3, 15)}},
			brondatum: dp(2024, 3, 15), actiedatum: dp(2029, 3, 15)},
		{name: "hoofdzaak: a deelzaak closing before its hoofdzaak postpones", regel: vernietig(AfleidingHoofdzaak),
			oz:     "zaken/brondatum.py, afleidingswijze hoofdzaak: a deelzaak derives nothing when it closes itself",
			feiten: Feiten{Einddatum: eind, Hoofdzaak: &Hoofdzaak{}}, uitgesteld: "als de hoofdzaak sluit"},
		{name: "hoofdzaak: none refuses", regel: vernietig(AfleidingHoofdzaak),
			oz:     "zaken/brondatum.py, afleidingswijze hoofdzaak: no hoofdzaak raises",
			feiten: Feiten{Einddatum: eind}, fout: "geen hoofdzaak"},

		{name: "eigenschap: ISO date", regel: with(vernietig(AfleidingEigenschap), func(r *Regel) { r.Datumkenmerk = "vervaldatum" }),
			oz:        "zaken/brondatum.py, afleidingswijze eigenschap: not recorded or empty returns no date; not a date raises",
			feiten:    Feiten{Einddatum: eind, Eigenschappen: map[string]string{"vervaldatum": "2026-08-31"}},
			brondatum: dp(2026, 8, 31), actiedatum: dp(2031, 8, 31)},
		{name: "eigenschap: compact date", regel: with(vernietig(AfleidingEigenschap), func(r *Regel) { r.Datumkenmerk = "vervaldatum" }),
			oz:        "zaken/brondatum.py, afleidingswijze eigenschap: not recorded or empty returns no date; not a date raises",
			feiten:    Feiten{Einddatum: eind, Eigenschappen: map[string]string{"vervaldatum": "20260831"}},
			brondatum: dp(2026, 8, 31), actiedatum: dp(2031, 8, 31)},
		{name: "eigenschap: datetime", regel: with(vernietig(AfleidingEigenschap), func(r *Regel) { r.Datumkenmerk = "vervaldatum" }),
			oz:        "zaken/brondatum.py, afleidingswijze eigenschap: not recorded or empty returns no date; not a date raises",
			feiten:    Feiten{Einddatum: eind, Eigenschappen: map[string]string{"vervaldatum": "2026-08-31T23:00:00+02:00"}},
			brondatum: dp(2026, 8, 31), actiedatum: dp(2031, 8, 31)},
		{name: "eigenschap: ZGW datum_tijd form", regel: with(vernietig(AfleidingEigenschap), func(r *Regel) { r.Datumkenmerk = "vervaldatum" }),
			oz:        "zaken/brondatum.py, afleidingswijze eigenschap: the value is parsed leniently, the datum_tijd form yyyymmddhhmmss included",
			feiten:    Feiten{Einddatum: eind, Eigenschappen: map[string]string{"vervaldatum": "20260831235959"}},
			brondatum: dp(2026, 8, 31), actiedatum: dp(2031, 8, 31)},
		{name: "eigenschap: missing postpones", regel: with(vernietig(AfleidingEigenschap), func(r *Regel) { r.Datumkenmerk = "vervaldatum" }),
			oz:     "zaken/brondatum.py, afleidingswijze eigenschap: not recorded or empty returns no date; not a date raises",
			feiten: Feiten{Einddatum: eind, Eigenschappen: map[string]string{"andere": "2026-08-31"}}, uitgesteld: `eigenschap "vervaldatum" is nog niet ingevuld`},
		{name: "eigenschap: empty postpones", regel: with(vernietig(AfleidingEigenschap), func(r *Regel) { r.Datumkenmerk = "vervaldatum" }),
			oz:     "zaken/brondatum.py, afleidingswijze eigenschap: not recorded or empty returns no date; not a date raises",
			feiten: Feiten{Einddatum: eind, Eigenschappen: map[string]string{"vervaldatum": " "}}, uitgesteld: "nog niet ingevuld"},
		{name: "eigenschap: not a date refuses", regel: with(vernietig(AfleidingEigenschap), func(r *Regel) { r.Datumkenmerk = "vervaldatum" }),
			oz:     "zaken/brondatum.py, afleidingswijze eigenschap: not recorded or empty returns no date; not a date raises",
			feiten: Feiten{Einddatum: eind, Eigenschappen: map[string]string{"vervaldatum": "volgend jaar"}}, fout: `"volgend jaar": geen datum`},
		{name: "eigenschap: no datumkenmerk refuses", regel: vernietig(AfleidingEigenschap),
			oz:     "zaken/brondatum.py, afleidingswijze eigenschap: not recorded or empty returns no date; not a date raises",
			feiten: Feiten{Einddatum: eind}, fout: "geen datumkenmerk"},

		{name: "ingangsdatum_besluit: the latest", regel: vernietig(AfleidingIngangsdatumBesluit),
			oz:        "zaken/brondatum.py, afleidingswijze ingangsdatum_besluit: the latest ingangsdatum; no besluit raises",
			feiten:    Feiten{Einddatum: eind, Besluiten: []Besluit{{Ingangsdatum: Datum(2023, 12, 1)}, {Ingangsdatum: Datum(2024, 2, 29)}, {Ingangsdatum: Datum(2024, 1, 2)}}},
			brondatum: dp(2024, 2, 29), actiedatum: dp(2029, 2, 28)},
		{name: "ingangsdatum_besluit: no besluit refuses", regel: vernietig(AfleidingIngangsdatumBesluit),
			oz:     "zaken/brondatum.py, afleidingswijze ingangsdatum_besluit: the latest ingangsdatum; no besluit raises",
			feiten: Feiten{Einddatum: eind}, fout: "geen besluit"},

		{name: "vervaldatum_besluit: the latest, no extra day", regel: vernietig(AfleidingVervaldatumBesluit),
			oz: "zaken/brondatum.py, afleidingswijze vervaldatum_besluit: the latest vervaldatum, no extra day; none returns no date",
			feiten: Feiten{Einddatum: eind, Besluiten: []Besluit{
				{Ingangsdatum: Datum(2024, 1, 1), Vervaldatum: dp(2027, 12, 31)},
				{Ingangsdatum: Datum(2024, 1, 1)},
				{Ingangsdatum: Datum(2024, 1, 1), Vervaldatum: dp(2028, 6, 30)},
			}},
			brondatum: dp(2028, 6, 30), actiedatum: dp(2033, 6, 30)},
		{name: "vervaldatum_besluit: none has one postpones", regel: vernietig(AfleidingVervaldatumBesluit),
			oz:     "zaken/brondatum.py, afleidingswijze vervaldatum_besluit: the latest vervaldatum, no extra day; none returns no date",
			feiten: Feiten{Einddatum: eind, Besluiten: []Besluit{{Ingangsdatum: Datum(2024, 1, 1)}}}, uitgesteld: "geen besluit heeft een vervaldatum"},
		{name: "vervaldatum_besluit: no besluit postpones", regel: vernietig(AfleidingVervaldatumBesluit),
			oz:     "zaken/brondatum.py, afleidingswijze vervaldatum_besluit: no besluit returns no date (since February 2026), it no longer raises",
			feiten: Feiten{Einddatum: eind}, uitgesteld: "nog geen besluit"},

		{name: "gerelateerde_zaak: latest einddatum", regel: vernietig(AfleidingGerelateerdeZaak),
			oz:        "zaken/brondatum.py, afleidingswijze gerelateerde_zaak: the latest einddatum; no related zaak raises",
			feiten:    Feiten{Einddatum: eind, GerelateerdeZaken: []*time.Time{dp(2023, 5, 1), nil, dp(2024, 8, 31)}},
			brondatum: dp(2024, 8, 31), actiedatum: dp(2029, 8, 31)},
		{name: "gerelateerde_zaak: all open gives no date, so a vernietigen zaak is refused", regel: vernietig(AfleidingGerelateerdeZaak),
			oz:     "zaken/brondatum.py max_with_none over open related zaken is None; the eindstatus validation then refuses vernietigen without archiefactiedatum",
			feiten: Feiten{Einddatum: eind, GerelateerdeZaken: []*time.Time{nil}}, fout: "geen gerelateerde zaak is afgesloten"},
		{name: "gerelateerde_zaak: none refuses", regel: vernietig(AfleidingGerelateerdeZaak),
			oz:     "zaken/brondatum.py, afleidingswijze gerelateerde_zaak: the latest einddatum; no related zaak raises",
			feiten: Feiten{Einddatum: eind}, fout: "geen gerelateerde zaken"},

		{name: "zaakobject: latest date at the path among objects of the type",
			oz:    "zaken/brondatum.py, afleidingswijze zaakobject: the latest date at datumkenmerk of the objecttype; none, or one without it, raises",
			regel: with(vernietig(AfleidingZaakobject), func(r *Regel) { r.Objecttype = "vergunning"; r.Datumkenmerk = "geldigheid.tot" }),
			feiten: Feiten{Einddatum: eind, Zaakobjecten: []Zaakobject{
				{Objecttype: "vergunning", Data: map[string]any{"geldigheid": map[string]any{"tot": "2030-01-31"}}},
				{Objecttype: "adres", Data: map[string]any{"geldigheid": map[string]any{"tot": "2099-01-01"}}},
				{Objecttype: "vergunning", Data: map[string]any{"geldigheid": map[string]any{"tot": "2031-03-31T12:00:00Z"}}},
				{Objecttype: "vergunning", Data: map[string]any{"geldigheid": map[string]any{"tot": Datum(2029, 1, 1)}}},
			}},
			brondatum: dp(2031, 3, 31), actiedatum: dp(2036, 3, 31)},
		{name: "zaakobject: path through a list",
			oz:    "zaken/brondatum.py, afleidingswijze zaakobject: the latest date at datumkenmerk of the objecttype; none, or one without it, raises",
			regel: with(vernietig(AfleidingZaakobject), func(r *Regel) { r.Objecttype = "vergunning"; r.Datumkenmerk = "perioden.1.eind" }),
			feiten: Feiten{Einddatum: eind, Zaakobjecten: []Zaakobject{
				{Objecttype: "vergunning", Data: map[string]any{"perioden": []any{map[string]any{"eind": "2025-01-01"}, map[string]any{"eind": "20270101"}}}},
			}},
			brondatum: dp(2027, 1, 1), actiedatum: dp(2032, 1, 1)},
		{name: "zaakobject: none of the type refuses",
			oz:     "zaken/brondatum.py, afleidingswijze zaakobject: the latest date at datumkenmerk of the objecttype; none, or one without it, raises",
			regel:  with(vernietig(AfleidingZaakobject), func(r *Regel) { r.Objecttype = "vergunning"; r.Datumkenmerk = "tot" }),
			feiten: Feiten{Einddatum: eind, Zaakobjecten: []Zaakobject{{Objecttype: "adres", Data: map[string]any{"tot": "2030-01-01"}}}},
			fout:   `geen zaakobject van type "vergunning"`},
		{name: "zaakobject: an object without the attribute refuses",
			oz:    "zaken/brondatum.py, afleidingswijze zaakobject: the latest date at datumkenmerk of the objecttype; none, or one without it, raises",
			regel: with(vernietig(AfleidingZaakobject), func(r *Regel) { r.Objecttype = "vergunning"; r.Datumkenmerk = "tot" }),
			feiten: Feiten{Einddatum: eind, Zaakobjecten: []Zaakobject{
				{Objecttype: "vergunning", Data: map[string]any{"tot": "2030-01-01"}},
				{Objecttype: "vergunning", Data: map[string]any{"van": "2020-01-01"}},
			}},
			fout: `heeft niets op pad "tot"`},
		{name: "zaakobject: not a date refuses",
			oz:     "zaken/brondatum.py, afleidingswijze zaakobject: the latest date at datumkenmerk of the objecttype; none, or one without it, raises",
			regel:  with(vernietig(AfleidingZaakobject), func(r *Regel) { r.Objecttype = "vergunning"; r.Datumkenmerk = "tot" }),
			feiten: Feiten{Einddatum: eind, Zaakobjecten: []Zaakobject{{Objecttype: "vergunning", Data: map[string]any{"tot": 2030}}}},
			fout:   "geen datum"},
		{name: "zaakobject: no objecttype in the rule refuses", regel: with(vernietig(AfleidingZaakobject), func(r *Regel) { r.Datumkenmerk = "tot" }),
			oz:     "zaken/brondatum.py, afleidingswijze zaakobject: the latest date at datumkenmerk of the objecttype; none, or one without it, raises",
			feiten: Feiten{Einddatum: eind}, fout: "geen objecttype"},

		{name: "ander_datumkenmerk: postponed, set by hand",
			oz:     "zaken/brondatum.py, afleidingswijze ander_datumkenmerk: never derived, set by hand",
			regel:  with(vernietig(AfleidingAnderDatumkenmerk), func(r *Regel) { r.Datumkenmerk = "sloopdatum"; r.Registratie = "BAG" }),
			feiten: Feiten{Einddatum: eind}, uitgesteld: "met de hand"},

		{name: "unknown afleidingswijze refuses", regel: vernietig("wanneer_het_uitkomt"),
			oz:     "zaken/brondatum.py: an unknown afleidingswijze raises",
			feiten: Feiten{Einddatum: eind}, fout: "onbekende afleidingswijze"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.oz == "" {
				t.Fatal("the case names no place in Open Zaak whose behaviour it pins")
			}
			u, err := Derive(tt.regel, tt.feiten)
			if tt.fout != "" {
				if !errors.Is(err, ErrBrondatumOnbekend) {
					t.Fatalf("Derive error = %v, want ErrBrondatumOnbekend", err)
				}
				if !strings.Contains(err.Error(), tt.fout) {
					t.Errorf("error %q does not say %q", err, tt.fout)
				}
				return
			}
			if err != nil {
				t.Fatalf("Derive: %v", err)
			}
			if u.Archiefnominatie != NominatieVernietigen || u.Archiefstatus != ArchiefstatusNogTeArchiveren {
				t.Errorf("nominatie %q, status %q", u.Archiefnominatie, u.Archiefstatus)
			}
			if tt.uitgesteld != "" {
				if !u.Uitgesteld || !strings.Contains(u.Reden, tt.uitgesteld) || u.Brondatum != nil || u.Archiefactiedatum != nil {
					t.Errorf("want postponed with reason %q, got %+v", tt.uitgesteld, u)
				}
				return
			}
			if u.Uitgesteld || u.Reden != "" {
				t.Errorf("unexpectedly postponed: %q", u.Reden)
			}
			if !sameDate(u.Brondatum, tt.brondatum) || !sameDate(u.Archiefactiedatum, tt.actiedatum) {
				t.Errorf("brondatum %s, archiefactiedatum %s; want %s, %s",
					fmtDate(u.Brondatum), fmtDate(u.Archiefactiedatum), fmtDate(tt.brondatum), fmtDate(tt.actiedatum))
			}
			if len(u.Stappen) < 3 {
				t.Errorf("only %d steps: %+v", len(u.Stappen), u.Stappen)
			}
			last := u.Stappen[len(u.Stappen)-1]
			if !strings.Contains(last.Resultaat, fmtDate(tt.actiedatum)) {
				t.Errorf("last step %+v does not give the archiefactiedatum", last)
			}
		})
	}
}

func TestDeriveBlijvendBewarenClosesWithoutDateWhenBrondatumUnknown(t *testing.T) {
	r := Regel{Resultaattype: "Verleend", Selectielijstklasse: "11.1.6", Archiefnominatie: NominatieBlijvendBewaren,
		Afleidingswijze: AfleidingIngangsdatumBesluit}
	u, err := Derive(r, Feiten{Einddatum: Datum(2024, 1, 31)})
	if err != nil {
		t.Fatalf("Derive refused a blijvend_bewaren zaak: %v", err)
	}
	if u.Brondatum != nil || u.Archiefactiedatum != nil || !u.Uitgesteld || !strings.Contains(u.Reden, "geen besluit") {
		t.Errorf("got %+v", u)
	}
	if u.Archiefnominatie != NominatieBlijvendBewaren {
		t.Errorf("nominatie = %q", u.Archiefnominatie)
	}
}

func TestDeriveBlijvendBewarenGetsBrondatumButNoActiedatum(t *testing.T) {
	sl := mustLijst(t, "selectielijst-2020")
	sr, _ := sl.Resultaat("11.1.6")
	r, err := NewRegel(afspraak.Resultaattype{Omschrijving: "Verleend", Selectielijstklasse: "11.1.6"}, sr)
	if err != nil {
		t.Fatal(err)
	}
	u, err := Derive(r, Feiten{Einddatum: Datum(2024, 5, 17)})
	if err != nil {
		t.Fatal(err)
	}
	if !sameDate(u.Brondatum, dp(2024, 5, 17)) || u.Archiefactiedatum != nil || u.Uitgesteld {
		t.Errorf("got %+v", u)
	}
	if u.Archiefnominatie != NominatieBlijvendBewaren {
		t.Errorf("nominatie = %q", u.Archiefnominatie)
	}
	if !strings.Contains(u.Stappen[0].Invoer[1].Waarde, "11.1.6") {
		t.Errorf("first step does not name the selectielijst as source: %+v", u.Stappen[0])
	}
}

// TestDeriveBlijvendBewarenWithATermFollowsTheRules pins that a blijvend_bewaren zaak whose
// resultaattype sets a term is refused like any other when its rule raises (zaken/brondatum.py
// raises whatever the archiefnominatie), and closes without dates when the rule gives no date
// without raising (the eindstatus validation refuses only vernietigen without archiefactiedatum).
func TestDeriveBlijvendBewarenWithATermFollowsTheRules(t *testing.T) {
	blijvend := func(a string) Regel {
		return Regel{Resultaattype: "Verleend", Selectielijstklasse: "11.1.6", Archiefnominatie: NominatieBlijvendBewaren,
			Archiefactietermijn: tp("P20Y"), Afleidingswijze: a}
	}
	eind := Datum(2024, 1, 31)
	if _, err := Derive(blijvend(AfleidingIngangsdatumBesluit), Feiten{Einddatum: eind}); !errors.Is(err, ErrBrondatumOnbekend) {
		t.Errorf("ingangsdatum_besluit without besluit on blijvend_bewaren with a term: err = %v, want a refusal", err)
	}
	if _, err := Derive(blijvend(AfleidingHoofdzaak), Feiten{Einddatum: eind}); !errors.Is(err, ErrBrondatumOnbekend) {
		t.Errorf("hoofdzaak without hoofdzaak on blijvend_bewaren: err = %v, want a refusal", err)
	}
	u, err := Derive(blijvend(AfleidingGerelateerdeZaak), Feiten{Einddatum: eind, GerelateerdeZaken: []*time.Time{nil}})
	if err != nil || u.Brondatum != nil || u.Archiefactiedatum != nil || !strings.Contains(u.Reden, "geen gerelateerde zaak is afgesloten") {
		t.Errorf("blijvend_bewaren with only open related zaken: %+v, %v; want closed without dates", u, err)
	}
	u, err = Derive(blijvend(AfleidingAfgehandeld), Feiten{Einddatum: eind})
	if err != nil || !sameDate(u.Archiefactiedatum, dp(2044, 1, 31)) {
		t.Errorf("blijvend_bewaren with P20Y: %+v, %v", u, err)
	}
}

func TestDeriveWithoutEinddatumIsAnErrorNotARefusal(t *testing.T) {
	_, err := Derive(vernietig(AfleidingAfgehandeld), Feiten{})
	if err == nil || errors.Is(err, ErrBrondatumOnbekend) {
		t.Errorf("err = %v", err)
	}
}

func TestNewRegelFillsFromSelectielijst(t *testing.T) {
	sl := mustLijst(t, "selectielijst-2020")
	res := func(n string) *Resultaat {
		r, ok := sl.Resultaat(n)
		if !ok {
			t.Fatalf("no %s", n)
		}
		return r
	}
	tests := []struct {
		name      string
		rt        afspraak.Resultaattype
		sr        *Resultaat
		nominatie string
		termijn   string // "" = nil
		afleiding string
		uitLijst  [2]bool
		aangenom  bool
		fout      string
	}{
		{name: "all from the list", sr: res("11.2"),
			rt:        afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2", BrondatumArchiefprocedure: &afspraak.BrondatumArchiefprocedure{Afleidingswijze: "afgehandeld"}},
			nominatie: NominatieVernietigen, termijn: "P5Y", afleiding: AfleidingAfgehandeld, uitLijst: [2]bool{true, true}},
		{name: "own term", sr: res("11.2"),
			rt:        afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2", Archiefactietermijn: "P7Y", BrondatumArchiefprocedure: &afspraak.BrondatumArchiefprocedure{Afleidingswijze: "afgehandeld"}},
			nominatie: NominatieVernietigen, termijn: "P7Y", afleiding: AfleidingAfgehandeld, uitLijst: [2]bool{true, false}},
		// Open Zaak (zaken/brondatum.py) treats an archiefactietermijn of P0D as empty, so the
		// selectielijst's bewaartermijn applies.
		{name: "P0D counts as empty", sr: res("11.2"),
			rt:        afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2", Archiefactietermijn: "P0D", BrondatumArchiefprocedure: &afspraak.BrondatumArchiefprocedure{Afleidingswijze: "afgehandeld"}},
			nominatie: NominatieVernietigen, termijn: "P5Y", afleiding: AfleidingAfgehandeld, uitLijst: [2]bool{true, true}},
		{name: "blijvend without brondatum assumes afgehandeld", sr: res("11.1.6"),
			rt:        afspraak.Resultaattype{Omschrijving: "Verleend", Selectielijstklasse: "11.1.6"},
			nominatie: NominatieBlijvendBewaren, afleiding: AfleidingAfgehandeld, uitLijst: [2]bool{true, false}, aangenom: true},
		{name: "termijn with procestermijn", sr: res("11.1.12"),
			rt: afspraak.Resultaattype{Omschrijving: "Verleend kap", Selectielijstklasse: "11.1.12",
				BrondatumArchiefprocedure: &afspraak.BrondatumArchiefprocedure{Afleidingswijze: "termijn", Procestermijn: "P10Y"}},
			nominatie: NominatieVernietigen, termijn: "P1Y", afleiding: AfleidingTermijn, uitLijst: [2]bool{true, true}},
		{name: "vernietigen without brondatum", sr: res("11.2"),
			rt: afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2"}, fout: "brondatum_archiefprocedure ontbreekt"},
		{name: "vernietigen without any term", sr: res("11.1.6"),
			rt:   afspraak.Resultaattype{Omschrijving: "Verleend", Selectielijstklasse: "11.1.6", Archiefnominatie: "vernietigen", BrondatumArchiefprocedure: &afspraak.BrondatumArchiefprocedure{Afleidingswijze: "afgehandeld"}},
			fout: "vernietigen zonder archiefactietermijn"},
		{name: "bad nominatie", sr: res("11.2"),
			rt: afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2", Archiefnominatie: "bewaren"}, fout: `onbekende archiefnominatie "bewaren"`},
		{name: "bad term", sr: res("11.2"),
			rt: afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2", Archiefactietermijn: "5 jaar"}, fout: `termijn "5 jaar"`},
		{name: "bad procestermijn", sr: res("11.2"),
			rt:   afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2", BrondatumArchiefprocedure: &afspraak.BrondatumArchiefprocedure{Afleidingswijze: "termijn", Procestermijn: "PT5M"}},
			fout: "tijdsdelen"},
		{name: "bad afleidingswijze", sr: res("11.2"),
			rt:   afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2", BrondatumArchiefprocedure: &afspraak.BrondatumArchiefprocedure{Afleidingswijze: "ooit"}},
			fout: `onbekende afleidingswijze "ooit"`},
		{name: "vervallen resultaat", sr: res("7.1.20"),
			rt:   afspraak.Resultaattype{Omschrijving: "Verwerkt", Selectielijstklasse: "7.1.20", BrondatumArchiefprocedure: &afspraak.BrondatumArchiefprocedure{Afleidingswijze: "afgehandeld"}},
			fout: "vervallen"},
		{name: "no selectielijst resultaat and no nominatie",
			rt: afspraak.Resultaattype{Omschrijving: "X", Selectielijstklasse: "99.1"}, fout: "geen archiefnominatie"},
		{name: "resultaat does not match the klasse", sr: res("11.3"),
			rt: afspraak.Resultaattype{Omschrijving: "X", Selectielijstklasse: "11.2"}, fout: "hoort niet bij selectielijstklasse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewRegel(tt.rt, tt.sr)
			if tt.fout != "" {
				if err == nil || !strings.Contains(err.Error(), tt.fout) {
					t.Fatalf("err = %v, want one saying %q", err, tt.fout)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			termijn := ""
			if r.Archiefactietermijn != nil {
				termijn = r.Archiefactietermijn.String()
			}
			if r.Archiefnominatie != tt.nominatie || termijn != tt.termijn || r.Afleidingswijze != tt.afleiding ||
				r.NominatieUitSelectielijst != tt.uitLijst[0] || r.TermijnUitSelectielijst != tt.uitLijst[1] || r.AfleidingAangenomen != tt.aangenom {
				t.Errorf("got %+v", r)
			}
		})
	}
}

func sameDate(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func fmtDate(t *time.Time) string {
	if t == nil {
		return "<nil>"
	}
	return datumTekst(*t)
}

func BenchmarkDerive(b *testing.B) {
	r := with(vernietig(AfleidingVervaldatumBesluit), func(r *Regel) { r.Archiefactietermijn = tp("P1Y6M") })
	f := Feiten{Einddatum: Datum(2024, 1, 31), Besluiten: []Besluit{
		{Ingangsdatum: Datum(2024, 1, 1), Vervaldatum: dp(2027, 12, 31)},
		{Ingangsdatum: Datum(2024, 1, 1), Vervaldatum: dp(2028, 8, 31)},
	}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Derive(r, f); err != nil {
			b.Fatal(err)
		}
	}
}
