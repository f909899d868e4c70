package retention_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/configs"
	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
	"zaakarchief/retention"
)

// agreementWith returns the default agreement with extra resultaattypen on its zaaktype.
func agreementWith(t testing.TB, rts ...afspraak.Resultaattype) *afspraak.Afspraak {
	t.Helper()
	ag, err := afspraak.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	ag.Zaaktypen[0].Resultaattypen = append(ag.Zaaktypen[0].Resultaattypen, rts...)
	return ag
}

func bron(a string) *afspraak.BrondatumArchiefprocedure {
	return &afspraak.BrondatumArchiefprocedure{Afleidingswijze: a}
}

// TestBepalerDerivesFromTheDossierPerAfleidingswijze runs the derivation on dossiers as the
// dossier service hands them over at the eindstatus: dates, postponements and refusals (a
// conflict), with the facts the dossier keeps (eigenschappen, besluiten) and without the ones it
// does not keep yet (hoofdzaak, related zaken, zaakobjecten).
func TestBepalerDerivesFromTheDossierPerAfleidingswijze(t *testing.T) {
	ag := agreementWith(t,
		afspraak.Resultaattype{Omschrijving: "Vergunning tijdelijk", Selectielijstklasse: "11.1.12",
			BrondatumArchiefprocedure: &afspraak.BrondatumArchiefprocedure{Afleidingswijze: "eigenschap", Datumkenmerk: "einddatum_vergunning"}},
		afspraak.Resultaattype{Omschrijving: "Termijn", Selectielijstklasse: "11.1.12",
			BrondatumArchiefprocedure: &afspraak.BrondatumArchiefprocedure{Afleidingswijze: "termijn", Procestermijn: "P2Y"}},
		afspraak.Resultaattype{Omschrijving: "Ingang besluit", Selectielijstklasse: "11.1.12", BrondatumArchiefprocedure: bron("ingangsdatum_besluit")},
		afspraak.Resultaattype{Omschrijving: "Verval besluit", Selectielijstklasse: "11.1.12", BrondatumArchiefprocedure: bron("vervaldatum_besluit")},
		afspraak.Resultaattype{Omschrijving: "Deelzaak", Selectielijstklasse: "11.1.12", BrondatumArchiefprocedure: bron("hoofdzaak")},
		afspraak.Resultaattype{Omschrijving: "Deelzaak blijvend", Selectielijstklasse: "11.1.6", BrondatumArchiefprocedure: bron("hoofdzaak")},
		afspraak.Resultaattype{Omschrijving: "Gerelateerd", Selectielijstklasse: "11.1.12", BrondatumArchiefprocedure: bron("gerelateerde_zaak")},
		afspraak.Resultaattype{Omschrijving: "Object", Selectielijstklasse: "11.1.12",
			BrondatumArchiefprocedure: &afspraak.BrondatumArchiefprocedure{Afleidingswijze: "zaakobject", Datumkenmerk: "einde", Objecttype: "boom"}},
		afspraak.Resultaattype{Omschrijving: "Met de hand", Selectielijstklasse: "11.1.12",
			BrondatumArchiefprocedure: &afspraak.BrondatumArchiefprocedure{Afleidingswijze: "ander_datumkenmerk", Datumkenmerk: "d", Objecttype: "o", Registratie: "r"}},
		afspraak.Resultaattype{Omschrijving: "Onbekende klasse", Selectielijstklasse: "11.99", BrondatumArchiefprocedure: bron("afgehandeld")},
	)
	d := func(y int, m time.Month, day int) *dossier.Datum { v := dossier.DatumVan(y, m, day); return &v }
	vanaf := retention.Datum(2026, time.July, 1)
	nieuweWet := retention.StandaardOverbrenging()
	nieuweWet.NieuweWetVanaf = &vanaf
	tests := []struct {
		name          string
		resultaattype string
		einddatum     *dossier.Datum
		eigenschappen []dossier.Eigenschap
		besluiten     []dossier.Besluit
		overbrenging  *retention.Overbrenging
		nominatie     string
		brondatum     string
		actiedatum    string
		uitgesteld    string // part of the reason
		weigering     string // part of the conflict's detail
	}{
		{name: "geweigerd: einddatum + P5Y", resultaattype: daemontest.Geweigerd, einddatum: d(2024, 1, 31),
			nominatie: "vernietigen", brondatum: "2024-01-31", actiedatum: "2029-01-31"},
		{name: "verleend: transfer after 20 years under the Archiefwet 1995", resultaattype: daemontest.Verleend, einddatum: d(2024, 2, 29),
			nominatie: "blijvend_bewaren", brondatum: "2024-02-29", actiedatum: "2044-02-29"},
		{name: "verleend: transfer after 10 years once the new law is in force, clamped", resultaattype: daemontest.Verleend, einddatum: d(2024, 2, 29),
			overbrenging: &nieuweWet, nominatie: "blijvend_bewaren", brondatum: "2024-02-29", actiedatum: "2034-02-28"},
		{name: "eigenschap missing: postponed", resultaattype: "Vergunning tijdelijk", einddatum: d(2024, 3, 1),
			nominatie: "vernietigen", uitgesteld: "einddatum_vergunning"},
		{name: "eigenschap set: its date + P1Y", resultaattype: "Vergunning tijdelijk", einddatum: d(2024, 3, 1),
			eigenschappen: []dossier.Eigenschap{{Naam: "einddatum_vergunning", Waarde: "20300531"}},
			nominatie:     "vernietigen", brondatum: "2030-05-31", actiedatum: "2031-05-31"},
		{name: "eigenschap not a date: refused", resultaattype: "Vergunning tijdelijk", einddatum: d(2024, 3, 1),
			eigenschappen: []dossier.Eigenschap{{Naam: "einddatum_vergunning", Waarde: "volgend jaar"}}, weigering: "geen datum"},
		{name: "termijn: einddatum + procestermijn + P1Y", resultaattype: "Termijn", einddatum: d(2024, 1, 31),
			nominatie: "vernietigen", brondatum: "2026-01-31", actiedatum: "2027-01-31"},
		{name: "ingangsdatum_besluit without besluit: refused", resultaattype: "Ingang besluit", einddatum: d(2024, 3, 1), weigering: "geen besluit"},
		{name: "ingangsdatum_besluit: the latest", resultaattype: "Ingang besluit", einddatum: d(2024, 3, 1),
			besluiten: []dossier.Besluit{{Ingangsdatum: *d(2024, 2, 1)}, {Ingangsdatum: *d(2024, 2, 20)}},
			nominatie: "vernietigen", brondatum: "2024-02-20", actiedatum: "2025-02-20"},
		{name: "vervaldatum_besluit not yet known: postponed", resultaattype: "Verval besluit", einddatum: d(2024, 3, 1),
			besluiten: []dossier.Besluit{{Ingangsdatum: *d(2024, 2, 1)}}, nominatie: "vernietigen", uitgesteld: "vervaldatum"},
		{name: "hoofdzaak is not kept in the dossier: refused", resultaattype: "Deelzaak", einddatum: d(2024, 3, 1), weigering: "geen hoofdzaak"},
		{name: "hoofdzaak for blijvend_bewaren: closes without dates", resultaattype: "Deelzaak blijvend", einddatum: d(2024, 3, 1),
			nominatie: "blijvend_bewaren", uitgesteld: "geen hoofdzaak"},
		{name: "gerelateerde_zaak without related zaken: refused", resultaattype: "Gerelateerd", einddatum: d(2024, 3, 1), weigering: "gerelateerde zaken"},
		{name: "zaakobject without objects: refused", resultaattype: "Object", einddatum: d(2024, 3, 1), weigering: "zaakobject"},
		{name: "ander_datumkenmerk: set by hand, postponed", resultaattype: "Met de hand", einddatum: d(2024, 3, 1),
			nominatie: "vernietigen", uitgesteld: "met de hand"},
		{name: "selectielijstklasse not in the list: refused", resultaattype: "Onbekende klasse", einddatum: d(2024, 3, 1), weigering: "11.99"},
		{name: "resultaattype not in the agreement: refused", resultaattype: "Verdwenen", einddatum: d(2024, 3, 1), weigering: "Verdwenen"},
		{name: "no einddatum: refused", resultaattype: daemontest.Geweigerd, weigering: "einddatum"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := retention.StandaardOverbrenging()
			if tc.overbrenging != nil {
				o = *tc.overbrenging
			}
			b, err := retention.NewBepaler(retention.BepalerOptions{Afspraak: ag, Lijsten: retention.NewLijsten(configs.FS), Overbrenging: o})
			if err != nil {
				t.Fatal(err)
			}
			dos := &dossier.Dossier{
				Zaak:          dossier.Zaak{Identificatie: "ZAAK-2024-0000001", Zaaktype: daemontest.Zaaktype, Einddatum: tc.einddatum},
				Resultaat:     &dossier.Resultaat{Resultaattype: tc.resultaattype},
				Eigenschappen: tc.eigenschappen, Besluiten: tc.besluiten,
			}
			af, err := b.Leid(dos)
			if tc.weigering != "" {
				var f *dossier.Fout
				if !errors.Is(err, dossier.ErrConflict) || !errors.As(err, &f) || !strings.Contains(f.Detail, tc.weigering) {
					t.Fatalf("Leid: %v, want a conflict mentioning %q", err, tc.weigering)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			a := af.Archief()
			if a.Archiefnominatie != tc.nominatie || datumStr(a.StartdatumBewaartermijn) != tc.brondatum ||
				datumStr(a.Archiefactiedatum) != tc.actiedatum || a.Archiefstatus != dossier.ArchiefstatusNogTeArchiveren {
				t.Errorf("archief %s/%s/%s/%s, want %s/%s/%s", a.Archiefnominatie, datumStr(a.StartdatumBewaartermijn),
					datumStr(a.Archiefactiedatum), a.Archiefstatus, tc.nominatie, tc.brondatum, tc.actiedatum)
			}
			if (tc.uitgesteld == "") != (a.Uitgesteld == "") || !strings.Contains(a.Uitgesteld, tc.uitgesteld) {
				t.Errorf("uitgesteld %q, want it to mention %q", a.Uitgesteld, tc.uitgesteld)
			}
			if af.Selectielijst.Jaar != 2020 || af.Selectielijst.Lijst != "selectielijst-2020" || len(af.Uitkomst.Stappen) == 0 {
				t.Errorf("derivation lacks its grounds or steps: %+v", af)
			}
		})
	}
}

func datumStr(d *dossier.Datum) string {
	if d == nil {
		return ""
	}
	return d.String()
}
