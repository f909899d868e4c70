package afspraak

import (
	"strings"
	"testing"
)

func shippedZaaktype(t *testing.T) *Zaaktype {
	t.Helper()
	a, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	z, ok := a.Zaaktype("omgevingsvergunning")
	if !ok {
		t.Fatal("the shipped agreement has no zaaktype omgevingsvergunning")
	}
	return z
}

// TestSeedScenarioRecordingFollowsTheAgreement walks the NORA example: the gemeente receives
// the application, the omgevingsdienst handles it and drafts the decision, the gemeente decides
// and delivers, and the gemeente's KCC keeps the contact throughout.
func TestSeedScenarioRecordingFollowsTheAgreement(t *testing.T) {
	z := shippedZaaktype(t)
	cases := []struct {
		fase  int
		org   string
		soort Soort
		naam  string
		ok    bool
		rule  string // a part of the rule that must be in the answer
	}{
		{1, "gemeente", SoortDocument, "aanvraagformulier", true, `in fase 1 "Ontvangen" mag gemeente informatieobjecttype "aanvraagformulier" vastleggen`},
		{1, "omgevingsdienst", SoortDocument, "aanvraagformulier", false, `in fase 1 "Ontvangen" mag alleen gemeente informatieobjecttype "aanvraagformulier" vastleggen; omgevingsdienst mag in deze fase niets vastleggen`},
		{1, "gemeente", SoortRol, "aanvrager", true, `mag gemeente roltype "aanvrager" vastleggen`},
		{1, "gemeente", SoortEigenschap, "activiteit", true, ""},
		{1, "gemeente", SoortContactmoment, "", true, `in fase 1 "Ontvangen" mag gemeente contactmomenten vastleggen`},
		{2, "omgevingsdienst", SoortDocument, "verzoek om aanvulling", true, ""},
		{2, "omgevingsdienst", SoortDocument, "bijlage", true, ""},
		{2, "omgevingsdienst", SoortContactmoment, "", false, `mag alleen gemeente contactmomenten vastleggen; omgevingsdienst mag in deze fase vastleggen: informatieobjecttypen "verzoek om aanvulling", "bijlage"; roltypen "behandelaar"`},
		{2, "gemeente", SoortContactmoment, "ignored", true, ""},
		{2, "omgevingsdienst", SoortDocument, "adviesrapport", false, `mag niemand informatieobjecttype "adviesrapport" vastleggen; wel in fase 3 "Advies en ontwerpbesluit" door omgevingsdienst`},
		{3, "omgevingsdienst", SoortDocument, "adviesrapport", true, `in fase 3 "Advies en ontwerpbesluit" mag omgevingsdienst informatieobjecttype "adviesrapport" vastleggen`},
		{3, "omgevingsdienst", SoortDocument, "ontwerpbesluit", true, ""},
		{3, "omgevingsdienst", SoortEigenschap, "bouwkosten", true, ""},
		{3, "gemeente", SoortDocument, "adviesrapport", false, `mag alleen omgevingsdienst informatieobjecttype "adviesrapport" vastleggen; gemeente mag in deze fase vastleggen: contactmomenten`},
		{3, "gemeente", SoortDocument, "besluit", false, `wel in fase 4 "Besluitvorming" door gemeente`},
		{4, "gemeente", SoortBesluit, "omgevingsvergunning", true, ""},
		{4, "gemeente", SoortResultaat, "Verleend", true, ""},
		{4, "gemeente", SoortDocument, "besluit", true, ""},
		{4, "omgevingsdienst", SoortBesluit, "omgevingsvergunning", false, `mag alleen gemeente besluittype "omgevingsvergunning" vastleggen`},
		{5, "gemeente", SoortDocument, "verzendbrief", true, ""},
		{5, "gemeente", SoortEigenschap, "datum_onherroepelijk", true, ""},
		{5, "gemeente", SoortResultaat, "Verleend", false, `wel in fase 4 "Besluitvorming" door gemeente`},
		{1, "gemeente", SoortDocument, "bouwtekening", false, `informatieobjecttype "bouwtekening" bestaat niet in zaaktype omgevingsvergunning`},
		{1, "gemeente", SoortResultaat, "verleend", false, `resultaattype "verleend" bestaat niet`},
		{9, "gemeente", SoortDocument, "aanvraagformulier", false, "zaaktype omgevingsvergunning kent geen fase 9"},
		{1, "gemeente", Soort("zaakobject"), "pand", false, `onbekende soort zaakinformatie "zaakobject"`},
		{1, "provincie", SoortDocument, "aanvraagformulier", false, "provincie mag in deze fase niets vastleggen"},
	}
	for _, tc := range cases {
		ok, rule := z.MagVastleggen(tc.fase, tc.org, tc.soort, tc.naam)
		if ok != tc.ok || !strings.Contains(rule, tc.rule) {
			t.Errorf("MagVastleggen(%d, %s, %s, %q) = %v, %q; want %v with %q", tc.fase, tc.org, tc.soort, tc.naam, ok, rule, tc.ok, tc.rule)
		}
	}
}

func TestSeedScenarioTransitionsFollowTheAgreement(t *testing.T) {
	z := shippedZaaktype(t)
	cases := []struct {
		van, naar int
		org       string
		allowed   bool
		known     bool
		rule      string
	}{
		{1, 2, "gemeente", true, true, `overgang van fase 1 "Ontvangen" naar fase 2 "In behandeling bij de omgevingsdienst" mag door gemeente`},
		{1, 2, "omgevingsdienst", false, true, `mag alleen door gemeente (volgende fase, door de verantwoordelijke voor fase 1)`},
		{2, 3, "omgevingsdienst", true, true, ""},
		{2, 3, "gemeente", false, true, "mag alleen door omgevingsdienst"},
		{2, 1, "omgevingsdienst", true, true, `naar fase 1 "Ontvangen" mag door omgevingsdienst (aanvulling nodig)`},
		{2, 1, "gemeente", false, true, "mag alleen door omgevingsdienst (aanvulling nodig)"},
		{3, 4, "omgevingsdienst", true, true, ""},
		{4, 3, "gemeente", true, true, "(ontwerpbesluit herzien)"},
		{4, 3, "omgevingsdienst", false, true, "mag alleen door gemeente"},
		{4, 5, "gemeente", true, true, ""},
		{4, 5, "omgevingsdienst", false, true, ""},
		{1, 3, "gemeente", false, false, `kent geen overgang van fase 1 "Ontvangen" naar fase 3 "Advies en ontwerpbesluit"; vanuit fase 1 kan alleen naar fase 2 "In behandeling bij de omgevingsdienst"`},
		{2, 4, "omgevingsdienst", false, false, `vanuit fase 2 kan alleen naar fase 1 "Ontvangen" of fase 3`},
		{5, 2, "omgevingsdienst", false, false, "vanuit fase 5 is geen overgang mogelijk"},
		{3, 3, "omgevingsdienst", false, false, "kent geen overgang"},
		{0, 1, "gemeente", false, false, "kent geen fase 0"},
		{4, 6, "gemeente", false, false, "kent geen fase 6"},
	}
	for _, tc := range cases {
		allowed, known, rule := z.MagOvergang(tc.van, tc.naar, tc.org)
		if allowed != tc.allowed || known != tc.known || !strings.Contains(rule, tc.rule) {
			t.Errorf("MagOvergang(%d, %d, %s) = %v, %v, %q; want %v, %v with %q", tc.van, tc.naar, tc.org, allowed, known, rule, tc.allowed, tc.known, tc.rule)
		}
	}
}

func TestOvergangWithoutDoorIsMadeByTheResponsibleOfVan(t *testing.T) {
	z := &Zaaktype{Identificatie: "zt",
		Statustypen: []Statustype{{Volgnummer: 1, Omschrijving: "A", Verantwoordelijke: "x"},
			{Volgnummer: 2, Omschrijving: "B", Verantwoordelijke: "y", IsEindstatus: true}},
		Overgangen: []Overgang{{Van: 2, Naar: 1, Reden: "heropend"}}}
	if allowed, known, rule := z.MagOvergang(2, 1, "y"); !allowed || !known {
		t.Errorf("responsible of van: %v %v %q", allowed, known, rule)
	}
	if allowed, known, _ := z.MagOvergang(2, 1, "x"); allowed || !known {
		t.Errorf("other organisation: %v %v", allowed, known)
	}
}

func TestQueriesFindWhatTheAgreementDefines(t *testing.T) {
	a, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	if o, ok := a.Organisatie("omgevingsdienst"); !ok || o.Naam != "Omgevingsdienst Regio Voorbeeld" {
		t.Errorf("Organisatie(omgevingsdienst) = %v, %v", o, ok)
	}
	if _, ok := a.Organisatie("provincie"); ok {
		t.Error("Organisatie(provincie) found")
	}
	if _, ok := a.Zaaktype("kapvergunning"); ok {
		t.Error("Zaaktype(kapvergunning) found")
	}
	z := shippedZaaktype(t)
	if e := z.Eerste(); e.Volgnummer != 1 || e.Verantwoordelijke != "gemeente" {
		t.Errorf("Eerste = %+v", e)
	}
	if e := z.Eindstatus(); e.Volgnummer != 5 || e.Omschrijving != "Resultaat geleverd" {
		t.Errorf("Eindstatus = %+v", e)
	}
	if st, ok := z.StatustypeByOmschrijving("advies EN ontwerpbesluit"); !ok || st.Volgnummer != 3 {
		t.Errorf("StatustypeByOmschrijving ignoring case = %v, %v", st, ok)
	}
	if st, ok := z.Statustype(2); !ok || st.Verantwoordelijke != "omgevingsdienst" {
		t.Errorf("Statustype(2) = %v, %v", st, ok)
	}
	if _, ok := z.Statustype(6); ok {
		t.Error("Statustype(6) found")
	}
	if iot, ok := z.Informatieobjecttype("adviesrapport"); !ok || iot.Archivering.Organisatie != "omgevingsdienst" {
		t.Errorf("Informatieobjecttype(adviesrapport) = %v, %v", iot, ok)
	}
	if b, ok := z.Besluittype("omgevingsvergunning"); !ok || !b.Publicatie {
		t.Errorf("Besluittype(omgevingsvergunning) = %v, %v", b, ok)
	}
	if e, ok := z.Eigenschap("datum_onherroepelijk"); !ok || e.Formaat != "datum" {
		t.Errorf("Eigenschap(datum_onherroepelijk) = %v, %v", e, ok)
	}
	if r, ok := z.Resultaattype("Verleend"); !ok || r.Selectielijstklasse != "11.1.6" || r.Archiefnominatie != "blijvend_bewaren" {
		t.Errorf("Resultaattype(Verleend) = %v, %v", r, ok)
	}
	if r, ok := z.Roltype("aanvrager"); !ok || r.OmschrijvingGeneriek != "initiator" {
		t.Errorf("Roltype(aanvrager) = %v, %v", r, ok)
	}
	// The pointers point into the agreement, not at copies.
	iot, _ := z.Informatieobjecttype("besluit")
	if iot != &z.Informatieobjecttypen[7] {
		t.Error("Informatieobjecttype returns a copy")
	}
	empty := &Zaaktype{}
	if empty.Eerste() != nil || empty.Eindstatus() != nil {
		t.Error("a zaaktype without phases has a first or last phase")
	}
}

func TestShippedRetentionMatchesSelectielijst2020Procestype11(t *testing.T) {
	// The values of the Selectielijst 2020 for these resultaten (waardering, bewaartermijn);
	// procestermijn nihil or none means afleidingswijze afgehandeld.
	want := map[string][3]string{
		"Verleend":                   {"11.1.6", "blijvend_bewaren", ""},
		"Geweigerd":                  {"11.2", "vernietigen", "P5Y"},
		"Buiten behandeling gesteld": {"11.4", "vernietigen", "P1Y"},
		"Ingetrokken":                {"11.3", "vernietigen", "P1Y"},
	}
	z := shippedZaaktype(t)
	if len(z.Resultaattypen) != len(want) {
		t.Fatalf("%d resultaattypen, want %d", len(z.Resultaattypen), len(want))
	}
	for _, r := range z.Resultaattypen {
		w, ok := want[r.Omschrijving]
		got := [3]string{r.Selectielijstklasse, r.Archiefnominatie, r.Archiefactietermijn}
		if !ok || got != w || r.BrondatumArchiefprocedure == nil || r.BrondatumArchiefprocedure.Afleidingswijze != "afgehandeld" {
			t.Errorf("resultaattype %q: %v %+v, want %v afgehandeld", r.Omschrijving, got, r.BrondatumArchiefprocedure, w)
		}
	}
}
