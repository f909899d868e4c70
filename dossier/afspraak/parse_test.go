package afspraak

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestShippedAgreementParsesAndValidatesWithoutProblems(t *testing.T) {
	a, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	if fs := a.Validate(); len(fs) != 0 {
		t.Fatalf("the shipped agreement has problems:\n%v", Fouten(fs))
	}
	if len(a.Organisaties) != 2 || len(a.Zaaktypen) != 1 || len(a.Zaaktypen[0].Statustypen) != 5 {
		t.Errorf("shipped agreement: %d organisaties, %d zaaktypen", len(a.Organisaties), len(a.Zaaktypen))
	}
	// The embedded copy is the file in configs/.
	b, err := Load(filepath.Join("..", "..", "configs", "omgevingsvergunning.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	a.bestand, b.bestand = "", ""
	if !reflect.DeepEqual(a, b) {
		t.Error("the embedded agreement differs from configs/omgevingsvergunning.yaml")
	}
}

func TestParseRefusesBadYAMLWithEveryProblemAndItsLine(t *testing.T) {
	cases := []struct {
		name   string
		edits  []edit
		path   string
		msg    string
		marker string
		nth    int
	}{
		{name: "unknown key (a typing error)", edits: []edit{{"verantwoordelijke: od", "verantwoordelijk: od"}},
			path: "zaaktypen[0].statustypen[1].verantwoordelijk", msg: `onbekende sleutel "verantwoordelijk" (toegestaan: volgnummer, omschrijving, is_eindstatus, verantwoordelijke, vastleggen)`, marker: "verantwoordelijk: od"},
		{name: "unknown top-level key", edits: []edit{{"naam: Test\n", "naam: Test\ngeldig_vanaf: 2026-01-01\n"}},
			path: "geldig_vanaf", msg: `onbekende sleutel "geldig_vanaf"`, marker: "geldig_vanaf"},
		{name: "unknown key in a flow mapping", edits: []edit{{"{naam: datum, formaat: datum}", "{naam: datum, format: datum}"}},
			path: "zaaktypen[0].eigenschappen[0].format", msg: `onbekende sleutel "format"`, marker: "format: datum"},
		{name: "duplicate key", edits: []edit{{"        omschrijving: Behandeld\n", "        omschrijving: Behandeld\n        omschrijving: In behandeling\n"}},
			path: "zaaktypen[0].statustypen[1].omschrijving", msg: `sleutel "omschrijving" komt al eerder voor (op regel 29)`, marker: "omschrijving: In behandeling"},
		{name: "text where a number belongs", edits: []edit{{"volgnummer: 2", "volgnummer: twee"}},
			path: "zaaktypen[0].statustypen[1].volgnummer", msg: `verwacht een geheel getal, gevonden: "twee"`, marker: "volgnummer: twee"},
		{name: "text where a list belongs", edits: []edit{{"rollen: [backoffice]", "rollen: backoffice"}},
			path: "organisaties[1].rollen", msg: `verwacht een lijst, gevonden: "backoffice"`, marker: "rollen: backoffice"},
		{name: "yes where a boolean belongs", edits: []edit{{"is_eindstatus: true", "is_eindstatus: ja"}},
			path: "zaaktypen[0].statustypen[2].is_eindstatus", msg: `verwacht true of false, gevonden: "ja"`, marker: "is_eindstatus: ja"},
		{name: "a list where text belongs", edits: []edit{{"bronorganisatie: gemeente", "bronorganisatie: [gemeente, od]"}},
			path: "zaaktypen[0].bronorganisatie", msg: "verwacht tekst, gevonden: een lijst", marker: "bronorganisatie:"},
		{name: "text where a mapping belongs", edits: []edit{{"selectielijst: {lijst: selectielijst-2020, procestype: 11}", "selectielijst: selectielijst-2020"}},
			path: "zaaktypen[0].selectielijst", msg: `verwacht een mapping (sleutel: waarde), gevonden: "selectielijst-2020"`, marker: "selectielijst:"},
		{name: "syntax error", edits: []edit{{"    omschrijving: Test\n", "    omschrijving: Test: twee\n"}},
			msg: "YAML-syntaxis: een dubbele punt met een waarde is hier niet toegestaan", marker: "omschrijving: Test: twee"},
		{name: "merge key", edits: []edit{{"        reden: aanvulling nodig\n", "        <<: {reden: aanvulling nodig}\n"}},
			path: "zaaktypen[0].overgangen[0]", msg: "merge-sleutels (<<) worden niet ondersteund", marker: "<<"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text := broken(t, tc.edits...)
			a, err := Parse([]byte(text), "test.yaml")
			var fouten Fouten
			if !errors.As(err, &fouten) {
				t.Fatalf("Parse = %v, %v; want Fouten", a, err)
			}
			want := lineOf(t, text, tc.marker, tc.nth)
			for _, f := range fouten {
				if f.Path == tc.path && strings.Contains(f.Msg, tc.msg) {
					if f.Line != want || f.File != "test.yaml" {
						t.Errorf("got %q, want line %d", f.Error(), want)
					}
					return
				}
			}
			t.Errorf("no problem %s: %q among:\n%v", tc.path, tc.msg, fouten)
		})
	}
}

func TestParseSaysInDutchWhatIsWrongWithTheYAML(t *testing.T) {
	cases := []struct {
		name, text string
		line       int
		msg        string
	}{
		{"text with a colon", "naam: Test\nversie: 1: 2\n", 2, "YAML-syntaxis: een dubbele punt met een waarde is hier niet toegestaan"},
		{"indented with a tab", "naam: Test\norganisaties:\n\t- id: x\n", 3, "YAML-syntaxis: een teken waarmee geen waarde kan beginnen (springt u in met een tab?"},
		{"a quote not closed", "naam: \"Test\nversie: 1\n", 3, "YAML-syntaxis: onverwacht einde van het bestand; is een aanhalingsteken of haakje niet gesloten?"},
		{"a flow list not closed", "organisaties: [a, b\nzaaktypen: []\n", 1, "YAML-syntaxis: verwachtte ',' of ']' in een lijst tussen [ ]"},
		{"a key out of line", "naam: Test\norganisaties:\n  - id: x\n naam: y\n", 3, "YAML-syntaxis: verwachtte een sleutel; controleer het inspringen"},
		{"an alias without anchor", "naam: *onbekend\n", 0, "YAML-syntaxis: verwijzing *onbekend naar een anker &onbekend dat niet bestaat"},
		{"a message without translation stays", "%FOO bar\n---\nnaam: x\n", 0, "YAML-syntaxis: found unknown directive name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.text), "x.yaml")
			var fouten Fouten
			if !errors.As(err, &fouten) || len(fouten) != 1 {
				t.Fatalf("Parse = %v, want one problem", err)
			}
			if f := fouten[0]; f.Line != tc.line || !strings.HasPrefix(f.Msg, tc.msg) {
				t.Errorf("got %q, want line %d with %q", f.Error(), tc.line, tc.msg)
			}
		})
	}
}

func TestParseReportsEveryDecodingProblemAtOnce(t *testing.T) {
	text := broken(t,
		edit{"rollen: [backoffice]", "rollen: backoffice"},
		edit{"verantwoordelijke: od", "verantwoordelijk: od"},
		edit{"is_eindstatus: true", "is_eindstatus: ja"},
	)
	_, err := Parse([]byte(text), "test.yaml")
	var fouten Fouten
	if !errors.As(err, &fouten) || len(fouten) != 3 {
		t.Fatalf("got %v, want 3 problems", err)
	}
	for i, line := range []int{lineOf(t, text, "rollen: backoffice", 1), lineOf(t, text, "verantwoordelijk: od", 1), lineOf(t, text, "is_eindstatus: ja", 1)} {
		if fouten[i].Line != line {
			t.Errorf("problem %d at line %d, want %d: %s", i, fouten[i].Line, line, fouten[i])
		}
	}
}

func TestParseRefusesDocumentsThatAreNoAgreement(t *testing.T) {
	cases := []struct {
		name, text, msg string
	}{
		{"empty", "", "de afspraak is leeg"},
		{"only a comment", "# nothing yet\n", "de afspraak is leeg"},
		{"a text", "agreement\n", `de afspraak moet een mapping zijn met naam, versie, organisaties en zaaktypen, gevonden: "agreement"`},
		{"a list", "- naam: x\n", "de afspraak moet een mapping zijn met naam, versie, organisaties en zaaktypen, gevonden: een lijst"},
		{"two documents", "naam: a\n---\nnaam: b\n", "meer dan één YAML-document"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.text), "x.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.msg) || !strings.HasPrefix(err.Error(), "x.yaml") {
				t.Errorf("Parse = %v, want an error with %q", err, tc.msg)
			}
		})
	}
}

func TestLoadNamesTheFileInErrors(t *testing.T) {
	p := filepath.Join(t.TempDir(), "kapot.yaml")
	if err := os.WriteFile(p, []byte("naam: x\nfoo: bar\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(p)
	if err == nil || err.Error() != p+`:2: foo: onbekende sleutel "foo" (toegestaan: naam, versie, organisaties, zaaktypen)` {
		t.Errorf("Load = %v", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load of a missing file = %v, want os.ErrNotExist", err)
	}
}

func TestLineFallsBackToTheNearestAncestor(t *testing.T) {
	text := minimalYAML(t)
	a, err := Parse([]byte(text), "minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path string
		line int
	}{
		{"naam", 3},
		{"zaaktypen[0].statustypen[1].verantwoordelijke", lineOf(t, text, "verantwoordelijke: od", 1)},
		{"zaaktypen[0].statustypen[1].vastleggen[0].resultaattypen[1]", lineOf(t, text, "resultaattypen: [Verleend, Geweigerd]", 1)},
		{"zaaktypen[0].statustypen[2].vastleggen", lineOf(t, text, "- volgnummer: 3", 1)},
		{"zaaktypen[0].resultaattypen[1].brondatum_archiefprocedure.procestermijn", lineOf(t, text, "brondatum_archiefprocedure:", 2)},
		{"zaaktypen[7].omschrijving", lineOf(t, text, "zaaktypen:", 1)},
		{"onbekend", 0},
	}
	for _, tc := range cases {
		if got := a.Line(tc.path); got != tc.line {
			t.Errorf("Line(%q) = %d, want %d", tc.path, got, tc.line)
		}
	}
}

func TestRSINKeepsItsLeadingZerosUnquoted(t *testing.T) {
	text := broken(t, edit{`rsin: "002220647"`, "rsin: 002220647"})
	a, err := Parse([]byte(text), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if a.Organisaties[0].RSIN != "002220647" {
		t.Errorf("rsin = %q", a.Organisaties[0].RSIN)
	}
}

func TestAliasesAreFollowed(t *testing.T) {
	text := broken(t,
		edit{"rollen: [frontoffice]", "rollen: &rollen [backoffice]"},
		edit{"rollen: [backoffice]", "rollen: *rollen"})
	a, err := Parse([]byte(text), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Organisaties[1].Rollen, []string{"backoffice"}) {
		t.Errorf("rollen via alias = %v", a.Organisaties[1].Rollen)
	}
}

func TestAgreementJSONUsesCamelCaseAndHidesSecrets(t *testing.T) {
	a, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	a.Organisaties[0].Bron = &ZGWBron{ZakenAPI: "https://zaken.example/api/v1", SecretEnv: "ZGW_SECRET"}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"naam":"Samenwerkingsafspraak`, `"isEindstatus":true`, `"definitiefInFase":1`,
		`"brondatumArchiefprocedure":{"afleidingswijze":"afgehandeld"}`, `"zakenApi":"https://zaken.example/api/v1"`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON lacks %s", want)
		}
	}
	for _, leak := range []string{"ZGW_SECRET", "lines", "bestand"} {
		if strings.Contains(s, leak) {
			t.Errorf("JSON contains %q", leak)
		}
	}
}
