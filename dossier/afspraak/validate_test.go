package afspraak

import (
	"os"
	"strings"
	"testing"
)

// edit replaces the first occurrence of old by new in a test agreement.
type edit struct{ old, new string }

func minimalYAML(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// broken applies edits to the minimal agreement; an edit that matches nothing is a test bug.
func broken(t *testing.T, edits ...edit) string {
	t.Helper()
	s := minimalYAML(t)
	for _, e := range edits {
		if !strings.Contains(s, e.old) {
			t.Fatalf("edit %q matches nothing", e.old)
		}
		s = strings.Replace(s, e.old, e.new, 1)
	}
	return s
}

// lineOf returns the 1-based line on which the nth occurrence (from 1) of marker starts.
func lineOf(t *testing.T, text, marker string, nth int) int {
	t.Helper()
	off := 0
	for i := 0; i < max(nth, 1); i++ {
		j := strings.Index(text[off:], marker)
		if j < 0 {
			t.Fatalf("marker %q (occurrence %d) not in the test agreement", marker, nth)
		}
		off += j
		if i < max(nth, 1)-1 {
			off += len(marker)
		}
	}
	return strings.Count(text[:off], "\n") + 1
}

func TestMinimalAgreementHasNoProblems(t *testing.T) {
	a, err := Parse([]byte(minimalYAML(t)), "minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if fs := a.Validate(); len(fs) != 0 {
		t.Fatalf("minimal agreement: %v", Fouten(fs))
	}
}

func TestValidateReportsEachBrokenRuleWithItsLine(t *testing.T) {
	cases := []struct {
		name    string
		edits   []edit
		path    string
		msg     string
		marker  string // the problem's line is the line of this text in the broken file
		nth     int    // which occurrence of marker; 0 means the first
		warning bool
	}{
		{name: "unknown verantwoordelijke", edits: []edit{{"verantwoordelijke: od", "verantwoordelijke: odx"}},
			path: "zaaktypen[0].statustypen[1].verantwoordelijke", msg: `onbekende organisatie "odx"`, marker: "verantwoordelijke: odx"},
		{name: "duplicate organisatie id", edits: []edit{{"id: od\n", "id: gemeente\n"}},
			path: "organisaties[1].id", msg: `organisatie-id "gemeente" komt al eerder voor (op regel 5)`, marker: "id: gemeente", nth: 2},
		{name: "organisatie id with capitals", edits: []edit{{"id: od\n", "id: Omgevings Dienst\n"}, {"verantwoordelijke: od", "verantwoordelijke: gemeente"}, {"organisatie: od", "organisatie: gemeente"}, {"door: [od]", "door: [gemeente]"}},
			path: "organisaties[1].id", msg: "kleine letters", marker: "id: Omgevings"},
		{name: "missing organisatie naam", edits: []edit{{"    naam: OD Test\n", ""}},
			path: "organisaties[1].naam", msg: "is verplicht", marker: "- id: od"},
		{name: "rsin fails the elfproef", edits: []edit{{`"823631084"`, `"823631085"`}},
			path: "organisaties[1].rsin", msg: "voldoet niet aan de elfproef", marker: "823631085"},
		{name: "rsin of 8 digits", edits: []edit{{`"823631084"`, `"82363108"`}},
			path: "organisaties[1].rsin", msg: "moet precies 9 cijfers hebben", marker: "82363108"},
		{name: "duplicate rsin", edits: []edit{{`"823631084"`, `"002220647"`}},
			path: "organisaties[1].rsin", msg: `rsin "002220647" komt al eerder voor`, marker: "002220647", nth: 2},
		{name: "unknown rol", edits: []edit{{"rollen: [backoffice]", "rollen: [backofice]"}},
			path: "organisaties[1].rollen[0]", msg: `"backofice" is geen toegestane waarde; kies uit frontoffice, backoffice, bevoegd_gezag`, marker: "backofice"},
		{name: "zaaktype vertrouwelijkheid", edits: []edit{{"vertrouwelijkheidaanduiding: zaakvertrouwelijk\n    doorlooptijd", "vertrouwelijkheidaanduiding: geheimpje\n    doorlooptijd"}},
			path: "zaaktypen[0].vertrouwelijkheidaanduiding", msg: `"geheimpje" is geen toegestane waarde; kies uit openbaar,`, marker: "geheimpje"},
		{name: "doorlooptijd not a duration", edits: []edit{{"doorlooptijd: P8W", "doorlooptijd: 8 weken"}},
			path: "zaaktypen[0].doorlooptijd", msg: `duur "8 weken": begint niet met P`, marker: "doorlooptijd:"},
		{name: "doorlooptijd zero", edits: []edit{{"doorlooptijd: P8W", "doorlooptijd: P0D"}},
			path: "zaaktypen[0].doorlooptijd", msg: "moet langer zijn dan nul", marker: "doorlooptijd:"},
		{name: "unknown bronorganisatie", edits: []edit{{"bronorganisatie: gemeente", "bronorganisatie: provincie"}},
			path: "zaaktypen[0].bronorganisatie", msg: `onbekende organisatie "provincie" (bekend: gemeente, od)`, marker: "bronorganisatie:"},
		{name: "selectielijst without procestype", edits: []edit{{", procestype: 11}", "}"}},
			path: "zaaktypen[0].selectielijst.procestype", msg: "is verplicht", marker: "selectielijst:"},
		{name: "gap in volgnummers", edits: []edit{{"volgnummer: 3", "volgnummer: 4"}},
			path: "zaaktypen[0].statustypen", msg: "de volgnummers moeten zonder gaten van 1 tot en met 3 lopen: 3 ontbreekt", marker: "statustypen:"},
		{name: "duplicate volgnummer", edits: []edit{{"volgnummer: 2", "volgnummer: 1"}},
			path: "zaaktypen[0].statustypen[1].volgnummer", msg: `volgnummer "1" komt al eerder voor (op regel 21)`, marker: "volgnummer: 1", nth: 2},
		{name: "volgnummer zero", edits: []edit{{"volgnummer: 1", "volgnummer: 0"}},
			path: "zaaktypen[0].statustypen[0].volgnummer", msg: "moet 1 of meer zijn", marker: "volgnummer: 0"},
		{name: "duplicate statustype omschrijving ignoring case", edits: []edit{{"omschrijving: Behandeld", "omschrijving: ontvangen"}},
			path: "zaaktypen[0].statustypen[1].omschrijving", msg: `statustype-omschrijving (hoofdletters tellen niet) "ontvangen" komt al eerder voor`, marker: "omschrijving: ontvangen"},
		{name: "no eindstatus", edits: []edit{{"        is_eindstatus: true\n", ""}},
			path: "zaaktypen[0].statustypen", msg: "geen statustype heeft is_eindstatus: true", marker: "statustypen:"},
		{name: "two eindstatussen", edits: []edit{{"omschrijving: Behandeld\n", "omschrijving: Behandeld\n        is_eindstatus: true\n"}},
			path: "zaaktypen[0].statustypen[2].is_eindstatus", msg: "meer dan één eindstatus (de eerste is volgnummer 2)", marker: "is_eindstatus: true", nth: 2},
		{name: "eindstatus not the last phase", edits: []edit{{"        is_eindstatus: true\n", ""}, {"omschrijving: Behandeld\n", "omschrijving: Behandeld\n        is_eindstatus: true\n"}},
			path: "zaaktypen[0].statustypen[1].is_eindstatus", msg: "de eindstatus moet de laatste fase zijn: volgnummer 3, niet 2", marker: "is_eindstatus: true"},
		{name: "vastlegging by unknown organisatie", edits: []edit{{"- organisatie: od", "- organisatie: kcc"}},
			path: "zaaktypen[0].statustypen[1].vastleggen[0].organisatie", msg: `onbekende organisatie "kcc"`, marker: "organisatie: kcc"},
		{name: "vastlegging of unknown document type", edits: []edit{{"informatieobjecttypen: [aanvraag]", "informatieobjecttypen: [aanvraag, bouwtekening]"}},
			path: "zaaktypen[0].statustypen[0].vastleggen[0].informatieobjecttypen[1]", msg: `informatieobjecttype "bouwtekening" bestaat niet in zaaktype zt (dat kent: aanvraag)`, marker: "bouwtekening"},
		{name: "vastlegging of unknown rol", edits: []edit{{"rollen: [aanvrager]", "rollen: [gemachtigde]"}},
			path: "zaaktypen[0].statustypen[0].vastleggen[0].rollen[0]", msg: `roltype "gemachtigde" bestaat niet`, marker: "gemachtigde"},
		{name: "vastlegging of unknown eigenschap", edits: []edit{{"eigenschappen: [datum]", "eigenschappen: [kosten]"}},
			path: "zaaktypen[0].statustypen[1].vastleggen[0].eigenschappen[0]", msg: `eigenschap "kosten" bestaat niet`, marker: "kosten"},
		{name: "vastlegging of unknown besluittype", edits: []edit{{"besluittypen: [vergunning]", "besluittypen: [weigering]"}},
			path: "zaaktypen[0].statustypen[1].vastleggen[0].besluittypen[0]", msg: `besluittype "weigering" bestaat niet`, marker: "weigering"},
		{name: "vastlegging of unknown resultaattype", edits: []edit{{"[Verleend, Geweigerd]", "[Verleend, Geweigerd, Afgebroken]"}},
			path: "zaaktypen[0].statustypen[1].vastleggen[0].resultaattypen[2]", msg: `resultaattype "Afgebroken" bestaat niet`, marker: "Afgebroken"},
		{name: "second vastlegging for one organisatie", edits: []edit{{"            rollen: [aanvrager]\n", "            rollen: [aanvrager]\n          - organisatie: gemeente\n            contactmomenten: true\n"}},
			path: "zaaktypen[0].statustypen[0].vastleggen[1].organisatie", msg: `tweede vermelding van organisatie "gemeente" in deze fase`, marker: "- organisatie: gemeente", nth: 2, warning: true},
		{name: "overgang to unknown volgnummer", edits: []edit{{"naar: 1", "naar: 7"}},
			path: "zaaktypen[0].overgangen[0].naar", msg: "onbekend volgnummer 7", marker: "naar: 7"},
		{name: "overgang to the same phase", edits: []edit{{"naar: 1", "naar: 2"}},
			path: "zaaktypen[0].overgangen[0].naar", msg: "van en naar zijn dezelfde fase 2", marker: "naar: 2"},
		{name: "overgang by unknown organisatie", edits: []edit{{"door: [od]", "door: [od, rijk]"}},
			path: "zaaktypen[0].overgangen[0].door[1]", msg: `onbekende organisatie "rijk"`, marker: "door:"},
		{name: "overgang without reden", edits: []edit{{"        reden: aanvulling nodig\n", ""}},
			path: "zaaktypen[0].overgangen[0].reden", msg: "is verplicht", marker: "- van: 2"},
		{name: "overgang repeating the default", edits: []edit{{"      - van: 2\n        naar: 1\n        door: [od]\n", "      - van: 1\n        naar: 2\n"}},
			path: "zaaktypen[0].overgangen[0]", msg: "herhaalt de standaardovergang", marker: "- van: 1", warning: true},
		{name: "document vertrouwelijkheid", edits: []edit{{"vertrouwelijkheidaanduiding: zaakvertrouwelijk\n        archivering", "vertrouwelijkheidaanduiding: prive\n        archivering"}},
			path: "zaaktypen[0].informatieobjecttypen[0].vertrouwelijkheidaanduiding", msg: `"prive" is geen toegestane waarde`, marker: "prive"},
		{name: "archivering by unknown organisatie", edits: []edit{{"archivering: {organisatie: gemeente", "archivering: {organisatie: archief"}},
			path: "zaaktypen[0].informatieobjecttypen[0].archivering.organisatie", msg: `onbekende organisatie "archief"`, marker: "archivering:"},
		{name: "definitief in unknown phase", edits: []edit{{"definitief_in_fase: 1", "definitief_in_fase: 9"}},
			path: "zaaktypen[0].informatieobjecttypen[0].archivering.definitief_in_fase", msg: "onbekend volgnummer 9", marker: "definitief_in_fase"},
		{name: "definitief_in_fase missing", edits: []edit{{", definitief_in_fase: 1}", "}"}},
			path: "zaaktypen[0].informatieobjecttypen[0].archivering.definitief_in_fase", msg: "is verplicht", marker: "archivering:"},
		{name: "duplicate document type", edits: []edit{{"    besluittypen:\n", "      - omschrijving: aanvraag\n        vertrouwelijkheidaanduiding: intern\n        archivering: {organisatie: od, definitief_in_fase: 2}\n    besluittypen:\n"}},
			path: "zaaktypen[0].informatieobjecttypen[1].omschrijving", msg: `informatieobjecttype "aanvraag" komt al eerder voor (op regel 46)`, marker: "- omschrijving: aanvraag", nth: 2},
		{name: "document type nobody may record", edits: []edit{{"            informatieobjecttypen: [aanvraag]\n", ""}},
			path: "zaaktypen[0].informatieobjecttypen[0]", msg: `in geen enkele fase mag een organisatie informatieobjecttype "aanvraag" vastleggen`, marker: "- omschrijving: aanvraag", warning: true},
		{name: "accepted format that is no PUID", edits: []edit{{"definitief_in_fase: 1}\n", "definitief_in_fase: 1}\n        formaten: [voorkeursformaten, pdf]\n"}},
			path: "zaaktypen[0].informatieobjecttypen[0].formaten[1]", msg: `"pdf" is geen PRONOM-identificatie (zoals fmt/95) en niet het woord voorkeursformaten`, marker: "formaten:"},
		{name: "accepted format twice", edits: []edit{{"definitief_in_fase: 1}\n", "definitief_in_fase: 1}\n        formaten: [fmt/95, fmt/95]\n"}},
			path: "zaaktypen[0].informatieobjecttypen[0].formaten[1]", msg: `"fmt/95" komt al eerder voor`, marker: "formaten:"},
		{name: "accepted format outside the voorkeursformaten", edits: []edit{{"definitief_in_fase: 1}\n", "definitief_in_fase: 1}\n        formaten: [fmt/95, x-fmt/111]\n"}},
			path: "zaaktypen[0].informatieobjecttypen[0].formaten[1]", msg: "x-fmt/111 is geen voorkeursformaat van het Nationaal Archief", marker: "formaten:", warning: true},
		{name: "eigenschap formaat", edits: []edit{{"formaat: datum}", "formaat: date}"}},
			path: "zaaktypen[0].eigenschappen[0].formaat", msg: `"date" is geen toegestane waarde; kies uit tekst, getal, datum, datum_tijd`, marker: "formaat: date"},
		{name: "roltype generiek", edits: []edit{{"omschrijving_generiek: initiator", "omschrijving_generiek: aanvrager"}},
			path: "zaaktypen[0].roltypen[0].omschrijving_generiek", msg: `"aanvrager" is geen toegestane waarde; kies uit adviseur,`, marker: "omschrijving_generiek"},
		{name: "duplicate resultaattype", edits: []edit{{"- omschrijving: Geweigerd", "- omschrijving: Verleend"}, {"[Verleend, Geweigerd]", "[Verleend]"}},
			path: "zaaktypen[0].resultaattypen[1].omschrijving", msg: `resultaattype "Verleend" komt al eerder voor (op regel 56)`, marker: "- omschrijving: Verleend", nth: 2},
		{name: "resultaattype without selectielijstklasse", edits: []edit{{`        selectielijstklasse: "11.2"` + "\n", ""}},
			path: "zaaktypen[0].resultaattypen[1].selectielijstklasse", msg: "is verplicht", marker: "- omschrijving: Geweigerd"},
		{name: "archiefnominatie", edits: []edit{{"archiefnominatie: vernietigen", "archiefnominatie: weggooien"}},
			path: "zaaktypen[0].resultaattypen[1].archiefnominatie", msg: `"weggooien" is geen toegestane waarde; kies uit blijvend_bewaren, vernietigen`, marker: "weggooien"},
		{name: "archiefactietermijn not a duration", edits: []edit{{"archiefactietermijn: P5Y", "archiefactietermijn: 5Y"}},
			path: "zaaktypen[0].resultaattypen[1].archiefactietermijn", msg: `termijn "5Y": begint niet met P`, marker: "archiefactietermijn"},
		{name: "archiefactietermijn with a time part", edits: []edit{{"archiefactietermijn: P5Y", "archiefactietermijn: P5YT1H"}},
			path: "zaaktypen[0].resultaattypen[1].archiefactietermijn", msg: `termijn "P5YT1H": tijdsdelen (uren, minuten, seconden) zijn niet toegestaan`, marker: "archiefactietermijn"},
		{name: "vernietigen without brondatum", edits: []edit{{"        brondatum_archiefprocedure:\n          afleidingswijze: afgehandeld\n", ""}},
			path: "zaaktypen[0].resultaattypen[1].brondatum_archiefprocedure", msg: "is verplicht, behalve bij archiefnominatie blijvend_bewaren", marker: "- omschrijving: Geweigerd"},
		{name: "unknown afleidingswijze", edits: []edit{{"afleidingswijze: afgehandeld\n", "afleidingswijze: einddatum\n"}},
			path: "zaaktypen[0].resultaattypen[1].brondatum_archiefprocedure.afleidingswijze", msg: `"einddatum" is geen toegestane waarde; kies uit afgehandeld, termijn,`, marker: "afleidingswijze: einddatum"},
		{name: "termijn without procestermijn", edits: []edit{{"afleidingswijze: afgehandeld\n", "afleidingswijze: termijn\n"}},
			path: "zaaktypen[0].resultaattypen[1].brondatum_archiefprocedure.procestermijn", msg: "is verplicht bij afleidingswijze termijn", marker: "brondatum_archiefprocedure:", nth: 2},
		{name: "termijn with a bad procestermijn", edits: []edit{{"afleidingswijze: afgehandeld\n", "afleidingswijze: termijn\n          procestermijn: P1X\n"}},
			path: "zaaktypen[0].resultaattypen[1].brondatum_archiefprocedure.procestermijn", msg: `termijn "P1X": onbekende aanduiding 'X'`, marker: "procestermijn: P1X"},
		{name: "afgehandeld with a datumkenmerk", edits: []edit{{"afleidingswijze: afgehandeld\n", "afleidingswijze: afgehandeld\n          datumkenmerk: datum\n"}},
			path: "zaaktypen[0].resultaattypen[1].brondatum_archiefprocedure.datumkenmerk", msg: "moet leeg zijn bij afleidingswijze afgehandeld", marker: "datumkenmerk: datum"},
		{name: "afgehandeld with einddatum_bekend", edits: []edit{{"afleidingswijze: afgehandeld\n", "afleidingswijze: afgehandeld\n          einddatum_bekend: true\n"}},
			path: "zaaktypen[0].resultaattypen[1].brondatum_archiefprocedure.einddatum_bekend", msg: "moet false zijn bij afleidingswijze afgehandeld", marker: "einddatum_bekend"},
		{name: "eigenschap without datumkenmerk", edits: []edit{{"afleidingswijze: afgehandeld\n", "afleidingswijze: eigenschap\n"}},
			path: "zaaktypen[0].resultaattypen[1].brondatum_archiefprocedure.datumkenmerk", msg: "is verplicht bij afleidingswijze eigenschap", marker: "brondatum_archiefprocedure:", nth: 2},
		{name: "eigenschap naming an unknown eigenschap", edits: []edit{{"afleidingswijze: afgehandeld\n", "afleidingswijze: eigenschap\n          datumkenmerk: vervaldatum\n"}},
			path: "zaaktypen[0].resultaattypen[1].brondatum_archiefprocedure.datumkenmerk", msg: `eigenschap "vervaldatum" bestaat niet in zaaktype zt (dat kent: datum)`, marker: "datumkenmerk: vervaldatum"},
		{name: "eigenschap that is no date", edits: []edit{{"formaat: datum}", "formaat: tekst}"}, {"afleidingswijze: afgehandeld\n", "afleidingswijze: eigenschap\n          datumkenmerk: datum\n"}},
			path: "zaaktypen[0].resultaattypen[1].brondatum_archiefprocedure.datumkenmerk", msg: `eigenschap "datum" heeft formaat tekst`, marker: "datumkenmerk: datum", warning: true},
		{name: "zaakobject without objecttype", edits: []edit{{"afleidingswijze: afgehandeld\n", "afleidingswijze: zaakobject\n          datumkenmerk: einddatum\n"}},
			path: "zaaktypen[0].resultaattypen[1].brondatum_archiefprocedure.objecttype", msg: "is verplicht bij afleidingswijze zaakobject", marker: "brondatum_archiefprocedure:", nth: 2},
		{name: "ander_datumkenmerk without registratie", edits: []edit{{"afleidingswijze: afgehandeld\n", "afleidingswijze: ander_datumkenmerk\n          datumkenmerk: einddatum\n          objecttype: pand\n"}},
			path: "zaaktypen[0].resultaattypen[1].brondatum_archiefprocedure.registratie", msg: "is verplicht bij afleidingswijze ander_datumkenmerk", marker: "brondatum_archiefprocedure:", nth: 2},
		{name: "hoofdzaak with a procestermijn", edits: []edit{{"afleidingswijze: afgehandeld\n", "afleidingswijze: hoofdzaak\n          procestermijn: P1Y\n"}},
			path: "zaaktypen[0].resultaattypen[1].brondatum_archiefprocedure.procestermijn", msg: "moet leeg zijn bij afleidingswijze hoofdzaak", marker: "procestermijn: P1Y"},
		{name: "resultaattype only recordable in the eindstatus", edits: []edit{{"[Verleend, Geweigerd]", "[Verleend]"}, {"        is_eindstatus: true\n", "        is_eindstatus: true\n        vastleggen:\n          - organisatie: gemeente\n            resultaattypen: [Geweigerd]\n"}},
			path: "zaaktypen[0].resultaattypen[1]", msg: `geen organisatie mag resultaattype "Geweigerd" in een fase vóór de eindstatus vastleggen`, marker: "- omschrijving: Geweigerd", warning: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text := broken(t, tc.edits...)
			a, err := Parse([]byte(text), "test.yaml")
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			fouten := a.Validate()
			want := lineOf(t, text, tc.marker, tc.nth)
			for _, f := range fouten {
				if f.Path == tc.path && strings.Contains(f.Msg, tc.msg) {
					if f.Line != want || f.Warning != tc.warning || f.File != "test.yaml" {
						t.Errorf("got %q (warning %v), want line %d, warning %v", f.Error(), f.Warning, want, tc.warning)
					}
					return
				}
			}
			t.Errorf("no problem %s: %q among:\n%v", tc.path, tc.msg, Fouten(fouten))
		})
	}
}

func TestValidateReportsAllErrorsAtOnceInLineOrder(t *testing.T) {
	text := broken(t,
		edit{`"823631084"`, `"823631085"`},
		edit{"verantwoordelijke: od", "verantwoordelijke: odx"},
		edit{"naar: 1", "naar: 7"},
		edit{"archiefactietermijn: P5Y", "archiefactietermijn: vijf jaar"},
	)
	a, err := Parse([]byte(text), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got := a.Validate()
	want := []string{
		`test.yaml:11: organisaties[1].rsin: rsin "823631085" voldoet niet aan de elfproef; controleer op een tikfout`,
		`test.yaml:30: zaaktypen[0].statustypen[1].verantwoordelijke: onbekende organisatie "odx" (bekend: gemeente, od)`,
		`test.yaml:42: zaaktypen[0].overgangen[0].naar: onbekend volgnummer 7`,
		`test.yaml:63: zaaktypen[0].resultaattypen[1].archiefactietermijn: termijn "vijf jaar": begint niet met P; verwacht een ISO 8601-duur zoals P8W, P6M of P10Y`,
	}
	if len(got) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(got), len(want), Fouten(got))
	}
	for i := range want {
		if got[i].Error() != want[i] {
			t.Errorf("problem %d:\n got %s\nwant %s", i, got[i].Error(), want[i])
		}
	}
}

func TestFoutErrorMarksWarnings(t *testing.T) {
	cases := []struct {
		f    Fout
		want string
	}{
		{Fout{File: "a.yaml", Line: 3, Path: "naam", Msg: "is verplicht"}, "a.yaml:3: naam: is verplicht"},
		{Fout{File: "a.yaml", Line: 3, Path: "naam", Msg: "vreemd", Warning: true}, "a.yaml:3: waarschuwing: naam: vreemd"},
		{Fout{File: "a.yaml", Msg: "de afspraak is leeg"}, "a.yaml: de afspraak is leeg"},
		{Fout{Line: 7, Path: "naam", Msg: "x", Warning: true}, "regel 7: waarschuwing: naam: x"},
		{Fout{Path: "zaaktypen[0]", Msg: "x"}, "zaaktypen[0]: x"},
	}
	for _, tc := range cases {
		if got := tc.f.Error(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestCheckRSINAppliesTheElfproef(t *testing.T) {
	cases := []struct {
		rsin string
		ok   bool
	}{
		{"002220647", true},
		{"823631084", true},
		{"123456782", true},
		{"002220648", false},
		{"000000000", false},
		{"02220647", false},
		{"0022206470", false},
		{"00222064a", false},
		{" 02220647", false},
	}
	for _, tc := range cases {
		if err := checkRSIN(tc.rsin); (err == nil) != tc.ok {
			t.Errorf("checkRSIN(%q) = %v, want ok %v", tc.rsin, err, tc.ok)
		}
	}
}

func TestZaaktypeThatCanNeverCloseIsAnError(t *testing.T) {
	const rp = "zaaktypen[0].resultaattypen"
	inEindstatus := edit{"        is_eindstatus: true\n", "        is_eindstatus: true\n        vastleggen:\n          - organisatie: gemeente\n            resultaattypen: [Verleend, Geweigerd]\n"}
	cases := []struct {
		name  string
		edits []edit
		// want is the findings under rp: path, part of the message, warning.
		want []Fout
	}{
		{"every resultaattype only in the eindstatus",
			[]edit{{"            resultaattypen: [Verleend, Geweigerd]\n", ""}, inEindstatus},
			[]Fout{{Path: rp, Msg: "(Verleend, Geweigerd), dus geen zaak van zaaktype zt kan ooit worden afgesloten"}}},
		{"no resultaattype recordable at all",
			[]edit{{"            resultaattypen: [Verleend, Geweigerd]\n", ""}},
			[]Fout{{Path: rp, Msg: "geen organisatie mag in een fase vóór de eindstatus een resultaattype vastleggen"}}},
		{"one of two only in the eindstatus",
			[]edit{{"[Verleend, Geweigerd]", "[Verleend]"}, inEindstatus},
			[]Fout{{Path: rp + "[1]", Msg: `geen organisatie mag resultaattype "Geweigerd" in een fase vóór de eindstatus vastleggen`, Warning: true}}},
		{"both recordable before the eindstatus", nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Parse([]byte(broken(t, tc.edits...)), "test.yaml")
			if err != nil {
				t.Fatal(err)
			}
			var got []Fout
			for _, f := range a.Validate() {
				if strings.HasPrefix(f.Path, rp) {
					got = append(got, f)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d findings under %s, want %d:\n%v", len(got), rp, len(tc.want), Fouten(got))
			}
			for i, w := range tc.want {
				if g := got[i]; g.Path != w.Path || g.Warning != w.Warning || !strings.Contains(g.Msg, w.Msg) {
					t.Errorf("finding %d = %s, want %s: ...%s (warning %v)", i, g.Error(), w.Path, w.Msg, w.Warning)
				}
			}
		})
	}
}
