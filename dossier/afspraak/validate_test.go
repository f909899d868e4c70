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
			path: "zaaktypen[0].statustypen[1].verantwoordelijke", msg: `unknown organisatie "odx"`, marker: "verantwoordelijke: odx"},
		{name: "duplicate organisatie id", edits: []edit{{"id: od\n", "id: gemeente\n"}},
			path: "organisaties[1].id", msg: `duplicate organisatie id "gemeente" (first at line 5)`, marker: "id: gemeente", nth: 2},
		{name: "organisatie id with capitals", edits: []edit{{"id: od\n", "id: Omgevings Dienst\n"}, {"verantwoordelijke: od", "verantwoordelijke: gemeente"}, {"organisatie: od", "organisatie: gemeente"}, {"door: [od]", "door: [gemeente]"}},
			path: "organisaties[1].id", msg: "lower-case letters", marker: "id: Omgevings"},
		{name: "missing organisatie naam", edits: []edit{{"    naam: OD Test\n", ""}},
			path: "organisaties[1].naam", msg: "is required", marker: "- id: od"},
		{name: "rsin fails the elfproef", edits: []edit{{`"823631084"`, `"823631085"`}},
			path: "organisaties[1].rsin", msg: "fails the elfproef", marker: "823631085"},
		{name: "rsin of 8 digits", edits: []edit{{`"823631084"`, `"82363108"`}},
			path: "organisaties[1].rsin", msg: "must be exactly 9 digits", marker: "82363108"},
		{name: "duplicate rsin", edits: []edit{{`"823631084"`, `"002220647"`}},
			path: "organisaties[1].rsin", msg: `duplicate rsin "002220647"`, marker: "002220647", nth: 2},
		{name: "unknown rol", edits: []edit{{"rollen: [backoffice]", "rollen: [backofice]"}},
			path: "organisaties[1].rollen[0]", msg: `"backofice" is not one of frontoffice, backoffice, bevoegd_gezag`, marker: "backofice"},
		{name: "zaaktype vertrouwelijkheid", edits: []edit{{"vertrouwelijkheidaanduiding: zaakvertrouwelijk\n    doorlooptijd", "vertrouwelijkheidaanduiding: geheimpje\n    doorlooptijd"}},
			path: "zaaktypen[0].vertrouwelijkheidaanduiding", msg: `"geheimpje" is not one of openbaar,`, marker: "geheimpje"},
		{name: "doorlooptijd not a duration", edits: []edit{{"doorlooptijd: P8W", "doorlooptijd: 8 weken"}},
			path: "zaaktypen[0].doorlooptijd", msg: `duur "8 weken": begint niet met P`, marker: "doorlooptijd:"},
		{name: "doorlooptijd zero", edits: []edit{{"doorlooptijd: P8W", "doorlooptijd: P0D"}},
			path: "zaaktypen[0].doorlooptijd", msg: "must be longer than zero", marker: "doorlooptijd:"},
		{name: "unknown bronorganisatie", edits: []edit{{"bronorganisatie: gemeente", "bronorganisatie: provincie"}},
			path: "zaaktypen[0].bronorganisatie", msg: `unknown organisatie "provincie" (known: gemeente, od)`, marker: "bronorganisatie:"},
		{name: "selectielijst without procestype", edits: []edit{{", procestype: 11}", "}"}},
			path: "zaaktypen[0].selectielijst.procestype", msg: "is required", marker: "selectielijst:"},
		{name: "gap in volgnummers", edits: []edit{{"volgnummer: 3", "volgnummer: 4"}},
			path: "zaaktypen[0].statustypen", msg: "volgnummers must run 1..3 without gaps: 3 is missing", marker: "statustypen:"},
		{name: "duplicate volgnummer", edits: []edit{{"volgnummer: 2", "volgnummer: 1"}},
			path: "zaaktypen[0].statustypen[1].volgnummer", msg: `duplicate volgnummer "1" (first at line 21)`, marker: "volgnummer: 1", nth: 2},
		{name: "volgnummer zero", edits: []edit{{"volgnummer: 1", "volgnummer: 0"}},
			path: "zaaktypen[0].statustypen[0].volgnummer", msg: "must be 1 or more", marker: "volgnummer: 0"},
		{name: "duplicate statustype omschrijving ignoring case", edits: []edit{{"omschrijving: Behandeld", "omschrijving: ontvangen"}},
			path: "zaaktypen[0].statustypen[1].omschrijving", msg: `duplicate statustype omschrijving (ignoring case) "ontvangen"`, marker: "omschrijving: ontvangen"},
		{name: "no eindstatus", edits: []edit{{"        is_eindstatus: true\n", ""}},
			path: "zaaktypen[0].statustypen", msg: "no statustype has is_eindstatus: true", marker: "statustypen:"},
		{name: "two eindstatussen", edits: []edit{{"omschrijving: Behandeld\n", "omschrijving: Behandeld\n        is_eindstatus: true\n"}},
			path: "zaaktypen[0].statustypen[2].is_eindstatus", msg: "more than one eindstatus (the first is volgnummer 2)", marker: "is_eindstatus: true", nth: 2},
		{name: "eindstatus not the last phase", edits: []edit{{"        is_eindstatus: true\n", ""}, {"omschrijving: Behandeld\n", "omschrijving: Behandeld\n        is_eindstatus: true\n"}},
			path: "zaaktypen[0].statustypen[1].is_eindstatus", msg: "the eindstatus must be the last phase: volgnummer 3, not 2", marker: "is_eindstatus: true"},
		{name: "vastlegging by unknown organisatie", edits: []edit{{"- organisatie: od", "- organisatie: kcc"}},
			path: "zaaktypen[0].statustypen[1].vastleggen[0].organisatie", msg: `unknown organisatie "kcc"`, marker: "organisatie: kcc"},
		{name: "vastlegging of unknown document type", edits: []edit{{"informatieobjecttypen: [aanvraag]", "informatieobjecttypen: [aanvraag, bouwtekening]"}},
			path: "zaaktypen[0].statustypen[0].vastleggen[0].informatieobjecttypen[1]", msg: `unknown informatieobjecttype "bouwtekening" (zaaktype zt has: aanvraag)`, marker: "bouwtekening"},
		{name: "vastlegging of unknown rol", edits: []edit{{"rollen: [aanvrager]", "rollen: [gemachtigde]"}},
			path: "zaaktypen[0].statustypen[0].vastleggen[0].rollen[0]", msg: `unknown roltype "gemachtigde"`, marker: "gemachtigde"},
		{name: "vastlegging of unknown eigenschap", edits: []edit{{"eigenschappen: [datum]", "eigenschappen: [kosten]"}},
			path: "zaaktypen[0].statustypen[1].vastleggen[0].eigenschappen[0]", msg: `unknown eigenschap "kosten"`, marker: "kosten"},
		{name: "vastlegging of unknown besluittype", edits: []edit{{"besluittypen: [vergunning]", "besluittypen: [weigering]"}},
			path: "zaaktypen[0].statustypen[1].vastleggen[0].besluittypen[0]", msg: `unknown besluittype "weigering"`, marker: "weigering"},
		{name: "vastlegging of unknown resultaattype", edits: []edit{{"[Verleend, Geweigerd]", "[Verleend, Geweigerd, Afgebroken]"}},
			path: "zaaktypen[0].statustypen[1].vastleggen[0].resultaattypen[2]", msg: `unknown resultaattype "Afgebroken"`, marker: "Afgebroken"},
		{name: "second vastlegging for one organisatie", edits: []edit{{"            rollen: [aanvrager]\n", "            rollen: [aanvrager]\n          - organisatie: gemeente\n            contactmomenten: true\n"}},
			path: "zaaktypen[0].statustypen[0].vastleggen[1].organisatie", msg: `second entry for organisatie "gemeente" in this phase`, marker: "- organisatie: gemeente", nth: 2, warning: true},
		{name: "overgang to unknown volgnummer", edits: []edit{{"naar: 1", "naar: 7"}},
			path: "zaaktypen[0].overgangen[0].naar", msg: "unknown volgnummer 7", marker: "naar: 7"},
		{name: "overgang to the same phase", edits: []edit{{"naar: 1", "naar: 2"}},
			path: "zaaktypen[0].overgangen[0].naar", msg: "van and naar are the same phase 2", marker: "naar: 2"},
		{name: "overgang by unknown organisatie", edits: []edit{{"door: [od]", "door: [od, rijk]"}},
			path: "zaaktypen[0].overgangen[0].door[1]", msg: `unknown organisatie "rijk"`, marker: "door:"},
		{name: "overgang without reden", edits: []edit{{"        reden: aanvulling nodig\n", ""}},
			path: "zaaktypen[0].overgangen[0].reden", msg: "is required", marker: "- van: 2"},
		{name: "overgang repeating the default", edits: []edit{{"      - van: 2\n        naar: 1\n        door: [od]\n", "      - van: 1\n        naar: 2\n"}},
			path: "zaaktypen[0].overgangen[0]", msg: "repeats the default transition", marker: "- van: 1", warning: true},
		{name: "document vertrouwelijkheid", edits: []edit{{"vertrouwelijkheidaanduiding: zaakvertrouwelijk\n        archivering", "vertrouwelijkheidaanduiding: prive\n        archivering"}},
			path: "zaaktypen[0].informatieobjecttypen[0].vertrouwelijkheidaanduiding", msg: `"prive" is not one of`, marker: "prive"},
		{name: "archivering by unknown organisatie", edits: []edit{{"archivering: {organisatie: gemeente", "archivering: {organisatie: archief"}},
			path: "zaaktypen[0].informatieobjecttypen[0].archivering.organisatie", msg: `unknown organisatie "archief"`, marker: "archivering:"},
		{name: "definitief in unknown phase", edits: []edit{{"definitief_in_fase: 1", "definitief_in_fase: 9"}},
			path: "zaaktypen[0].informatieobjecttypen[0].archivering.definitief_in_fase", msg: "unknown volgnummer 9", marker: "definitief_in_fase"},
		{name: "definitief_in_fase missing", edits: []edit{{", definitief_in_fase: 1}", "}"}},
			path: "zaaktypen[0].informatieobjecttypen[0].archivering.definitief_in_fase", msg: "is required", marker: "archivering:"},
		{name: "duplicate document type", edits: []edit{{"    besluittypen:\n", "      - omschrijving: aanvraag\n        vertrouwelijkheidaanduiding: intern\n        archivering: {organisatie: od, definitief_in_fase: 2}\n    besluittypen:\n"}},
			path: "zaaktypen[0].informatieobjecttypen[1].omschrijving", msg: `duplicate informatieobjecttype "aanvraag" (first at line 46)`, marker: "- omschrijving: aanvraag", nth: 2},
		{name: "document type nobody may record", edits: []edit{{"            informatieobjecttypen: [aanvraag]\n", ""}},
			path: "zaaktypen[0].informatieobjecttypen[0]", msg: `no organisatie may record informatieobjecttype "aanvraag" in any phase`, marker: "- omschrijving: aanvraag", warning: true},
		{name: "eigenschap formaat", edits: []edit{{"formaat: datum}", "formaat: date}"}},
			path: "zaaktypen[0].eigenschappen[0].formaat", msg: `"date" is not one of tekst, getal, datum, datum_tijd`, marker: "formaat: date"},
		{name: "roltype generiek", edits: []edit{{"omschrijving_generiek: initiator", "omschrijving_generiek: aanvrager"}},
			path: "zaaktypen[0].roltypen[0].omschrijving_generiek", msg: `"aanvrager" is not one of adviseur,`, marker: "omschrijving_generiek"},
		{name: "duplicate resultaattype", edits: []edit{{"- omschrijving: Geweigerd", "- omschrijving: Verleend"}, {"[Verleend, Geweigerd]", "[Verleend]"}},
			path: "zaaktypen[0].resultaattypen[1].omschrijving", msg: `duplicate resultaattype "Verleend" (first at line 56)`, marker: "- omschrijving: Verleend", nth: 2},
		{name: "resultaattype without selectielijstklasse", edits: []edit{{`        selectielijstklasse: "11.2"` + "\n", ""}},
			path: "zaaktypen[0].resultaattypen[1].selectielijstklasse", msg: "is required", marker: "- omschrijving: Geweigerd"},
		{name: "archiefnominatie", edits: []edit{{"archiefnominatie: vernietigen", "archiefnominatie: weggooien"}},
			path: "zaaktypen[0].resultaattypen[1].archiefnominatie", msg: `"weggooien" is not one of blijvend_bewaren, vernietigen`, marker: "weggooien"},
		{name: "archiefactietermijn not a duration", edits: []edit{{"archiefactietermijn: P5Y", "archiefactietermijn: 5Y"}},
			path: "zaaktypen[0].resultaattypen[1].archiefactietermijn", msg: `duur "5Y": begint niet met P`, marker: "archiefactietermijn"},
		{name: "archiefactietermijn with a time part", edits: []edit{{"archiefactietermijn: P5Y", "archiefactietermijn: P5YT1H"}},
			path: "zaaktypen[0].resultaattypen[1].archiefactietermijn", msg: "no time part", marker: "archiefactietermijn"},
		{name: "vernietigen without brondatum", edits: []edit{{"        brondatum_archiefprocedure:\n          afleidingswijze: afgehandeld\n", ""}},
			path: "zaaktypen[0].resultaattypen[1]", msg: "brondatum_archiefprocedure is required unless the archiefnominatie is blijvend_bewaren", marker: "- omschrijving: Geweigerd"},
		{name: "unknown afleidingswijze", edits: []edit{{"afleidingswijze: afgehandeld\n", "afleidingswijze: einddatum\n"}},
			path: "zaaktypen[0].resultaattypen[1].brondatum_archiefprocedure.afleidingswijze", msg: `"einddatum" is not one of afgehandeld, termijn,`, marker: "afleidingswijze: einddatum"},
		{name: "termijn without procestermijn", edits: []edit{{"afleidingswijze: afgehandeld\n", "afleidingswijze: termijn\n"}},
			path: "zaaktypen[0].resultaattypen[1].brondatum_archiefprocedure.procestermijn", msg: "is required for afleidingswijze termijn", marker: "brondatum_archiefprocedure:", nth: 2},
		{name: "termijn with a bad procestermijn", edits: []edit{{"afleidingswijze: afgehandeld\n", "afleidingswijze: termijn\n          procestermijn: P1X\n"}},
			path: "zaaktypen[0].resultaattypen[1].brondatum_archiefprocedure.procestermijn", msg: `duur "P1X": onbekende aanduiding 'X'`, marker: "procestermijn: P1X"},
		{name: "afgehandeld with a datumkenmerk", edits: []edit{{"afleidingswijze: afgehandeld\n", "afleidingswijze: afgehandeld\n          datumkenmerk: datum\n"}},
			path: "zaaktypen[0].resultaattypen[1].brondatum_archiefprocedure.datumkenmerk", msg: "must be empty for afleidingswijze afgehandeld", marker: "datumkenmerk: datum"},
		{name: "afgehandeld with einddatum_bekend", edits: []edit{{"afleidingswijze: afgehandeld\n", "afleidingswijze: afgehandeld\n          einddatum_bekend: true\n"}},
			path: "zaaktypen[0].resultaattypen[1].brondatum_archiefprocedure.einddatum_bekend", msg: "must be false for afleidingswijze afgehandeld", marker: "einddatum_bekend"},
		{name: "eigenschap without datumkenmerk", edits: []edit{{"afleidingswijze: afgehandeld\n", "afleidingswijze: eigenschap\n"}},
			path: "zaaktypen[0].resultaattypen[1].brondatum_archiefprocedure.datumkenmerk", msg: "is required for afleidingswijze eigenschap", marker: "brondatum_archiefprocedure:", nth: 2},
		{name: "eigenschap naming an unknown eigenschap", edits: []edit{{"afleidingswijze: afgehandeld\n", "afleidingswijze: eigenschap\n          datumkenmerk: vervaldatum\n"}},
			path: "zaaktypen[0].resultaattypen[1].brondatum_archiefprocedure.datumkenmerk", msg: `unknown eigenschap "vervaldatum" (zaaktype zt has: datum)`, marker: "datumkenmerk: vervaldatum"},
		{name: "eigenschap that is no date", edits: []edit{{"formaat: datum}", "formaat: tekst}"}, {"afleidingswijze: afgehandeld\n", "afleidingswijze: eigenschap\n          datumkenmerk: datum\n"}},
			path: "zaaktypen[0].resultaattypen[1].brondatum_archiefprocedure.datumkenmerk", msg: `eigenschap "datum" has formaat tekst`, marker: "datumkenmerk: datum", warning: true},
		{name: "zaakobject without objecttype", edits: []edit{{"afleidingswijze: afgehandeld\n", "afleidingswijze: zaakobject\n          datumkenmerk: einddatum\n"}},
			path: "zaaktypen[0].resultaattypen[1].brondatum_archiefprocedure.objecttype", msg: "is required for afleidingswijze zaakobject", marker: "brondatum_archiefprocedure:", nth: 2},
		{name: "ander_datumkenmerk without registratie", edits: []edit{{"afleidingswijze: afgehandeld\n", "afleidingswijze: ander_datumkenmerk\n          datumkenmerk: einddatum\n          objecttype: pand\n"}},
			path: "zaaktypen[0].resultaattypen[1].brondatum_archiefprocedure.registratie", msg: "is required for afleidingswijze ander_datumkenmerk", marker: "brondatum_archiefprocedure:", nth: 2},
		{name: "hoofdzaak with a procestermijn", edits: []edit{{"afleidingswijze: afgehandeld\n", "afleidingswijze: hoofdzaak\n          procestermijn: P1Y\n"}},
			path: "zaaktypen[0].resultaattypen[1].brondatum_archiefprocedure.procestermijn", msg: "must be empty for afleidingswijze hoofdzaak", marker: "procestermijn: P1Y"},
		{name: "resultaattype only recordable in the eindstatus", edits: []edit{{"[Verleend, Geweigerd]", "[Verleend]"}, {"        is_eindstatus: true\n", "        is_eindstatus: true\n        vastleggen:\n          - organisatie: gemeente\n            resultaattypen: [Geweigerd]\n"}},
			path: "zaaktypen[0].resultaattypen[1]", msg: `no organisatie may record resultaattype "Geweigerd" in a phase before the eindstatus`, marker: "- omschrijving: Geweigerd", warning: true},
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
		`test.yaml:11: organisaties[1].rsin: rsin "823631085" fails the elfproef (11-check); check for a typing error`,
		`test.yaml:30: zaaktypen[0].statustypen[1].verantwoordelijke: unknown organisatie "odx" (known: gemeente, od)`,
		`test.yaml:42: zaaktypen[0].overgangen[0].naar: unknown volgnummer 7`,
		`test.yaml:63: zaaktypen[0].resultaattypen[1].archiefactietermijn: duur "vijf jaar": begint niet met P; verwacht een ISO 8601-duur zoals P8W, P6M of P10Y`,
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
		{Fout{File: "a.yaml", Line: 3, Path: "naam", Msg: "is required"}, "a.yaml:3: naam: is required"},
		{Fout{File: "a.yaml", Line: 3, Path: "naam", Msg: "odd", Warning: true}, "a.yaml:3: warning: naam: odd"},
		{Fout{File: "a.yaml", Msg: "empty agreement"}, "a.yaml: empty agreement"},
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
