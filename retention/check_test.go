package retention

import (
	"fmt"
	"strings"
	"testing"

	"zaakarchief/configs"
	"zaakarchief/dossier/afspraak"
)

func bron(a string) *afspraak.BrondatumArchiefprocedure {
	return &afspraak.BrondatumArchiefprocedure{Afleidingswijze: a}
}

// afspraakMet returns an agreement with one zaaktype on selectielijst-2020 procestype 11 and the
// given resultaattypen.
func afspraakMet(rts ...afspraak.Resultaattype) *afspraak.Afspraak {
	return &afspraak.Afspraak{Zaaktypen: []afspraak.Zaaktype{{
		Identificatie: "OMV",
		Selectielijst: afspraak.SelectielijstVerwijzing{Lijst: "selectielijst-2020", Procestype: 11},
		Eigenschappen: []afspraak.Eigenschap{
			{Naam: "vervaldatum", Formaat: "datum"},
			{Naam: "kenmerk", Formaat: "tekst"},
		},
		Resultaattypen: rts,
	}}}
}

func TestCheckAfspraakAcceptsTheOmgevingsvergunningRules(t *testing.T) {
	a := afspraakMet(
		afspraak.Resultaattype{Omschrijving: "Verleend", Selectielijstklasse: "11.1.6"},
		afspraak.Resultaattype{Omschrijving: "Verleend kap", Selectielijstklasse: "11.1.12",
			BrondatumArchiefprocedure: &afspraak.BrondatumArchiefprocedure{Afleidingswijze: "eigenschap", Datumkenmerk: "vervaldatum"}},
		afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2", BrondatumArchiefprocedure: bron("afgehandeld")},
		afspraak.Resultaattype{Omschrijving: "Ingetrokken", Selectielijstklasse: "11.3", Archiefnominatie: "vernietigen", Archiefactietermijn: "P1Y", BrondatumArchiefprocedure: bron("afgehandeld")},
		afspraak.Resultaattype{Omschrijving: "Ingetrokken milieu", Selectielijstklasse: "11.3.2", Archiefnominatie: "blijvend_bewaren", BrondatumArchiefprocedure: bron("afgehandeld")},
		afspraak.Resultaattype{Omschrijving: "Afgebroken", Selectielijstklasse: "11.4", BrondatumArchiefprocedure: bron("afgehandeld")},
	)
	if got := CheckAfspraak(a, NewLijsten(configs.FS).Lijst); len(got) != 0 {
		t.Errorf("findings on a correct agreement: %+v", got)
	}
}

func TestCheckAfspraakFindsEachRule(t *testing.T) {
	const rp = "zaaktypen[0].resultaattypen[0]"
	type want struct {
		path, msg string
		warning   bool
	}
	tests := []struct {
		name  string
		rt    afspraak.Resultaattype
		zt    func(*afspraak.Zaaktype)
		wants []want
	}{
		{name: "unknown selectielijst",
			rt:    afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2", BrondatumArchiefprocedure: bron("afgehandeld")},
			zt:    func(z *afspraak.Zaaktype) { z.Selectielijst.Lijst = "selectielijst-1999" },
			wants: []want{{"zaaktypen[0].selectielijst.lijst", `selectielijst "selectielijst-1999" bestaat niet; noem een uitgave die zaakarchief kent`, false}}},
		{name: "no selectielijst",
			rt:    afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2", BrondatumArchiefprocedure: bron("afgehandeld")},
			zt:    func(z *afspraak.Zaaktype) { z.Selectielijst.Lijst = "" },
			wants: []want{{"zaaktypen[0].selectielijst.lijst", "noemt geen selectielijst", false}}},
		{name: "unknown procestype",
			rt:    afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2", BrondatumArchiefprocedure: bron("afgehandeld")},
			zt:    func(z *afspraak.Zaaktype) { z.Selectielijst.Procestype = 42 },
			wants: []want{{"zaaktypen[0].selectielijst.procestype", "procestype 42 bestaat niet", false}, {rp + ".selectielijstklasse", "hoort bij procestype 11, niet bij procestype 42", false}}},
		{name: "no procestype",
			rt:    afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2", BrondatumArchiefprocedure: bron("afgehandeld")},
			zt:    func(z *afspraak.Zaaktype) { z.Selectielijst.Procestype = 0 },
			wants: []want{{"zaaktypen[0].selectielijst.procestype", `zaaktype "OMV" noemt geen procestype`, false}}},
		{name: "no selectielijstklasse",
			rt:    afspraak.Resultaattype{Omschrijving: "Geweigerd", Archiefnominatie: "vernietigen", Archiefactietermijn: "P5Y", BrondatumArchiefprocedure: bron("afgehandeld")},
			wants: []want{{rp + ".selectielijstklasse", "noemt geen selectielijstklasse", false}}},
		{name: "unknown selectielijstklasse",
			rt:    afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.9", BrondatumArchiefprocedure: bron("afgehandeld")},
			wants: []want{{rp + ".selectielijstklasse", "resultaat 11.9 bestaat niet", false}}},
		{name: "selectielijstklasse of another procestype",
			rt:    afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "1.1", BrondatumArchiefprocedure: bron("afgehandeld")},
			wants: []want{{rp + ".selectielijstklasse", "hoort bij procestype 1, niet bij procestype 11", false}}},
		{name: "vervallen selectielijstklasse",
			rt:    afspraak.Resultaattype{Omschrijving: "Verwerkt", Selectielijstklasse: "7.1.20", BrondatumArchiefprocedure: bron("afgehandeld")},
			zt:    func(z *afspraak.Zaaktype) { z.Selectielijst.Procestype = 7 },
			wants: []want{{rp + ".selectielijstklasse", "vervallen", false}}},
		{name: "nihil needs afgehandeld",
			rt:    afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2", BrondatumArchiefprocedure: bron("hoofdzaak")},
			wants: []want{{rp + ".brondatum_archiefprocedure.afleidingswijze", "procestermijn nihil: afleidingswijze moet afgehandeld zijn", false}}},
		{name: "ingeschatte bestaansduur needs termijn",
			rt:    afspraak.Resultaattype{Omschrijving: "X", Selectielijstklasse: "15.1.1", BrondatumArchiefprocedure: bron("afgehandeld")},
			zt:    func(z *afspraak.Zaaktype) { z.Selectielijst.Procestype = 15 },
			wants: []want{{rp + ".brondatum_archiefprocedure.afleidingswijze", "afleidingswijze moet termijn zijn", false}}},
		{name: "bestaansduur forbids afgehandeld",
			rt:    afspraak.Resultaattype{Omschrijving: "Verleend kap", Selectielijstklasse: "11.1.12", BrondatumArchiefprocedure: bron("afgehandeld")},
			wants: []want{{rp + ".brondatum_archiefprocedure.afleidingswijze", "afgehandeld past daar niet bij", false}}},
		{name: "nominatie contradicts waardering",
			rt:    afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2", Archiefnominatie: "blijvend_bewaren", BrondatumArchiefprocedure: bron("afgehandeld")},
			wants: []want{{rp + ".archiefnominatie", "spreekt de waardering vernietigen", false}}},
		{name: "nominatie contradicts waardering with afwijking",
			rt: afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2", Archiefnominatie: "blijvend_bewaren", Archiefactietermijn: "",
				BrondatumArchiefprocedure: bron("afgehandeld"), Afwijking: &afspraak.Afwijking{Reden: "hotspot Maasvlakte"}},
			wants: []want{{rp + ".archiefnominatie", "afwijking: hotspot Maasvlakte", true}}},
		{name: "termijn contradicts bewaartermijn",
			rt:    afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2", Archiefactietermijn: "P1Y", BrondatumArchiefprocedure: bron("afgehandeld")},
			wants: []want{{rp + ".archiefactietermijn", "archiefactietermijn P1Y spreekt de bewaartermijn P5Y", false}}},
		{name: "termijn contradicts bewaartermijn with afwijking",
			rt: afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2", Archiefactietermijn: "P10Y", BrondatumArchiefprocedure: bron("afgehandeld"),
				Afwijking: &afspraak.Afwijking{Reden: "bezwaartermijn provincie", Besluit: "archivaris 2024-12"}},
			wants: []want{{rp + ".archiefactietermijn", "afwijking: bezwaartermijn provincie", true}}},
		{name: "equal term written differently is no contradiction",
			rt:    afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2", Archiefactietermijn: "P0005Y", BrondatumArchiefprocedure: bron("afgehandeld")},
			wants: nil},
		{name: "termijn on blijvend_bewaren",
			rt:    afspraak.Resultaattype{Omschrijving: "Verleend", Selectielijstklasse: "11.1.6", Archiefactietermijn: "P20Y"},
			wants: []want{{rp + ".archiefactietermijn", "geen bewaartermijn heeft", false}}},
		{name: "afwijking without reason",
			rt: afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2", Archiefactietermijn: "P1Y", BrondatumArchiefprocedure: bron("afgehandeld"),
				Afwijking: &afspraak.Afwijking{}},
			wants: []want{{rp + ".afwijking.reden", "heeft een reden nodig", false}, {rp + ".archiefactietermijn", "spreekt de bewaartermijn P5Y", false}}},
		{name: "afwijking that deviates from nothing",
			rt:    afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2", BrondatumArchiefprocedure: bron("afgehandeld"), Afwijking: &afspraak.Afwijking{Reden: "zeker is zeker"}},
			wants: []want{{rp + ".afwijking", "volgt selectielijst resultaat 11.2", true}}},
		{name: "brondatum required for vernietigen",
			rt:    afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2"},
			wants: []want{{rp + ".brondatum_archiefprocedure", "is verplicht", false}}},
		{name: "brondatum not required for blijvend_bewaren",
			rt:    afspraak.Resultaattype{Omschrijving: "Verleend", Selectielijstklasse: "11.1.6"},
			wants: nil},
		{name: "unknown nominatie",
			rt:    afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2", Archiefnominatie: "bewaren", BrondatumArchiefprocedure: bron("afgehandeld")},
			wants: []want{{rp + ".archiefnominatie", `onbekende archiefnominatie "bewaren"`, false}}},
		{name: "malformed term",
			rt:    afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2", Archiefactietermijn: "5 jaar", BrondatumArchiefprocedure: bron("afgehandeld")},
			wants: []want{{rp + ".archiefactietermijn", `termijn "5 jaar"`, false}}},
		{name: "unknown afleidingswijze",
			rt:    afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2", BrondatumArchiefprocedure: bron("ooit")},
			wants: []want{{rp + ".brondatum_archiefprocedure.afleidingswijze", `onbekende afleidingswijze "ooit"`, false}}},
		{name: "termijn needs procestermijn",
			rt:    afspraak.Resultaattype{Omschrijving: "Verleend kap", Selectielijstklasse: "11.1.12", BrondatumArchiefprocedure: bron("termijn")},
			wants: []want{{rp + ".brondatum_archiefprocedure.procestermijn", "vraagt om procestermijn", false}}},
		{name: "termijn with malformed procestermijn",
			rt: afspraak.Resultaattype{Omschrijving: "Verleend kap", Selectielijstklasse: "11.1.12",
				BrondatumArchiefprocedure: &afspraak.BrondatumArchiefprocedure{Afleidingswijze: "termijn", Procestermijn: "P1H"}},
			wants: []want{{rp + ".brondatum_archiefprocedure.procestermijn", "onbekende aanduiding", false}}},
		{name: "eigenschap needs datumkenmerk",
			rt:    afspraak.Resultaattype{Omschrijving: "Verleend kap", Selectielijstklasse: "11.1.12", BrondatumArchiefprocedure: bron("eigenschap")},
			wants: []want{{rp + ".brondatum_archiefprocedure.datumkenmerk", "vraagt om datumkenmerk", false}}},
		{name: "eigenschap must exist",
			rt: afspraak.Resultaattype{Omschrijving: "Verleend kap", Selectielijstklasse: "11.1.12",
				BrondatumArchiefprocedure: &afspraak.BrondatumArchiefprocedure{Afleidingswijze: "eigenschap", Datumkenmerk: "einde"}},
			wants: []want{{rp + ".brondatum_archiefprocedure.datumkenmerk", `"einde" noemt geen eigenschap`, false}}},
		{name: "eigenschap should be a date",
			rt: afspraak.Resultaattype{Omschrijving: "Verleend kap", Selectielijstklasse: "11.1.12",
				BrondatumArchiefprocedure: &afspraak.BrondatumArchiefprocedure{Afleidingswijze: "eigenschap", Datumkenmerk: "kenmerk"}},
			wants: []want{{rp + ".brondatum_archiefprocedure.datumkenmerk", `formaat "tekst"`, true}}},
		{name: "zaakobject needs datumkenmerk and objecttype",
			rt: afspraak.Resultaattype{Omschrijving: "Verleend kap", Selectielijstklasse: "11.1.12", BrondatumArchiefprocedure: bron("zaakobject")},
			wants: []want{{rp + ".brondatum_archiefprocedure.datumkenmerk", "vraagt om datumkenmerk", false},
				{rp + ".brondatum_archiefprocedure.objecttype", "vraagt om objecttype", false}}},
		{name: "ander_datumkenmerk needs three fields",
			rt: afspraak.Resultaattype{Omschrijving: "Verleend kap", Selectielijstklasse: "11.1.12",
				BrondatumArchiefprocedure: &afspraak.BrondatumArchiefprocedure{Afleidingswijze: "ander_datumkenmerk", Datumkenmerk: "x"}},
			wants: []want{{rp + ".brondatum_archiefprocedure.objecttype", "vraagt om objecttype", false},
				{rp + ".brondatum_archiefprocedure.registratie", "vraagt om registratie", false}}},
		{name: "afgehandeld forbids sub-fields",
			rt: afspraak.Resultaattype{Omschrijving: "Geweigerd", Selectielijstklasse: "11.2",
				BrondatumArchiefprocedure: &afspraak.BrondatumArchiefprocedure{Afleidingswijze: "afgehandeld", Procestermijn: "P1Y", Objecttype: "adres"}},
			wants: []want{{rp + ".brondatum_archiefprocedure.procestermijn", "gebruikt geen procestermijn", false},
				{rp + ".brondatum_archiefprocedure.objecttype", "gebruikt geen objecttype", false}}},
		{name: "gerelateerde_zaak is deprecated",
			rt:    afspraak.Resultaattype{Omschrijving: "Verleend kap", Selectielijstklasse: "11.1.12", BrondatumArchiefprocedure: bron("gerelateerde_zaak")},
			wants: []want{{rp + ".brondatum_archiefprocedure.afleidingswijze", "verouderd", true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := afspraakMet(tt.rt)
			if tt.zt != nil {
				tt.zt(&a.Zaaktypen[0])
			}
			got := CheckAfspraak(a, NewLijsten(configs.FS).Lijst)
			if len(got) != len(tt.wants) {
				t.Fatalf("got %d findings, want %d:\n%s", len(got), len(tt.wants), dump(got))
			}
			for i, w := range tt.wants {
				g := got[i]
				if g.Path != w.path || !strings.Contains(g.Msg, w.msg) || g.Warning != w.warning {
					t.Errorf("finding %d = %+v, want path %s, msg containing %q, warning %v", i, g, w.path, w.msg, w.warning)
				}
			}
		})
	}
}

func dump(bs []afspraak.Fout) string {
	var b strings.Builder
	for _, x := range bs {
		fmt.Fprintf(&b, "  %s: %s (warning %v)\n", x.Path, x.Msg, x.Warning)
	}
	return b.String()
}

func TestCheckAfspraakPointsIntoTheParsedFile(t *testing.T) {
	src := `naam: Test
versie: "1"
zaaktypen:
  - identificatie: OMV
    selectielijst:
      lijst: selectielijst-2020
      procestype: 11
    resultaattypen:
      - omschrijving: Geweigerd
        selectielijstklasse: "11.2"
        archiefactietermijn: P1Y
        brondatum_archiefprocedure:
          afleidingswijze: afgehandeld
`
	a, err := afspraak.Parse([]byte(src), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got := CheckAfspraak(a, NewLijsten(configs.FS).Lijst)
	if len(got) != 1 {
		t.Fatalf("findings:\n%s", dump(got))
	}
	f := got[0]
	if f.File != "test.yaml" || f.Line != 11 || f.Path != "zaaktypen[0].resultaattypen[0].archiefactietermijn" || f.Warning {
		t.Errorf("finding = %+v, want test.yaml line 11", f)
	}
	if !strings.HasPrefix(f.Error(), "test.yaml:11: ") {
		t.Errorf("Error() = %q", f.Error())
	}
}
