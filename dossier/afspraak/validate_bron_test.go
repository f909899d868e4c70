package afspraak

import (
	"io/fs"
	"strings"
	"testing"

	"zaakarchief/configs"
)

// bronBlock is a valid bron for the gemeente of the example agreement.
const bronBlock = `    bron:
      zaken_api: https://zaken.voorbeeldstad.nl/zaken/api/v1
      documenten_api: https://zaken.voorbeeldstad.nl/documenten/api/v1
      besluiten_api: https://zaken.voorbeeldstad.nl/besluiten/api/v1
      catalogi_api: https://zaken.voorbeeldstad.nl/catalogi/api/v1
      client_id: zaakarchief
      secret_env: ZGW_GEMEENTE_SECRET
      mapping:
        "https://zaken.voorbeeldstad.nl/catalogi/api/v1/zaaktypen/1b2c": omgevingsvergunning
        "https://zaken.voorbeeldstad.nl/catalogi/api/v1/statustypen/3d4e": Ontvangen
        "https://zaken.voorbeeldstad.nl/catalogi/api/v1/statustypen/5f6a": "2"
        "https://zaken.voorbeeldstad.nl/catalogi/api/v1/statustypen/7b8c": ""
        "informatieobjecttype:Aanvraagformulier": aanvraagformulier
        "resultaattype:Vergunning verleend": Verleend
        "roltype:Aanvrager": aanvrager
        "eigenschap:activiteit": activiteit
        "besluittype:Omgevingsvergunning": omgevingsvergunning
`

// withBron returns the example agreement with bron (edited) under the gemeente.
func withBron(t *testing.T, edits ...edit) string {
	t.Helper()
	b, err := fs.ReadFile(configs.FS, configs.DefaultAgreement)
	if err != nil {
		t.Fatal(err)
	}
	block := bronBlock
	for _, e := range edits {
		if !strings.Contains(block, e.old) {
			t.Fatalf("edit %q matches nothing", e.old)
		}
		block = strings.Replace(block, e.old, e.new, 1)
	}
	anchor := "    rollen: [frontoffice, bevoegd_gezag]\n"
	s := string(b)
	if !strings.Contains(s, anchor) {
		t.Fatalf("the example agreement has no line %q", anchor)
	}
	return strings.Replace(s, anchor, anchor+block, 1)
}

func TestBronWithAValidMappingHasNoProblems(t *testing.T) {
	a, err := Parse([]byte(withBron(t)), "omgevingsvergunning.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var fouten []Fout
	for _, f := range a.Validate() {
		if !f.Warning {
			fouten = append(fouten, f)
		}
	}
	if len(fouten) != 0 {
		t.Fatalf("valid bron: %v", Fouten(fouten))
	}
	// The omgevingsdienst has no bron: zaken it works on are registered by the gemeente, which
	// has one; no warning about that.
	for _, f := range a.Validate() {
		if strings.Contains(f.Path, "bron") {
			t.Errorf("warning on a valid bron: %v", f)
		}
	}
}

func TestBronProblemsPointAtTheirLine(t *testing.T) {
	tests := []struct {
		name    string
		edits   []edit
		path    string
		msg     string
		marker  string
		warning bool
	}{
		{"zaken_api missing", []edit{{"      zaken_api: https://zaken.voorbeeldstad.nl/zaken/api/v1\n", ""}},
			"organisaties[0].bron.zaken_api", "is verplicht", "    bron:", false},
		{"not a URL", []edit{{"documenten_api: https://zaken.voorbeeldstad.nl/documenten/api/v1", "documenten_api: zaken.voorbeeldstad.nl"}},
			"organisaties[0].bron.documenten_api", "is geen http(s)-URL", "documenten_api:", false},
		{"URL with a query", []edit{{"catalogi_api: https://zaken.voorbeeldstad.nl/catalogi/api/v1", "catalogi_api: https://zaken.voorbeeldstad.nl/catalogi/api/v1?x=1"}},
			"organisaties[0].bron.catalogi_api", "geen query of fragment", "catalogi_api:", false},
		{"plain http elsewhere", []edit{{"zaken_api: https://", "zaken_api: http://"}},
			"organisaties[0].bron.zaken_api", "is geen https", "zaken_api:", true},
		{"no besluiten_api", []edit{{"      besluiten_api: https://zaken.voorbeeldstad.nl/besluiten/api/v1\n", ""}},
			"organisaties[0].bron.besluiten_api", "worden niet verzameld", "    bron:", true},
		{"secret in the file", []edit{{"secret_env: ZGW_GEMEENTE_SECRET", "secret_env: s3cr3t!value"}},
			"organisaties[0].bron.secret_env", "is geen naam van een omgevingsvariabele", "secret_env:", false},
		{"client_id missing", []edit{{"      client_id: zaakarchief\n", ""}},
			"organisaties[0].bron.client_id", "is verplicht", "    bron:", false},
		{"unknown zaaktype", []edit{{"1b2c\": omgevingsvergunning", "1b2c\": bouwvergunning"}},
			"organisaties[0].bron.mapping.https://zaken.voorbeeldstad.nl/catalogi/api/v1/zaaktypen/1b2c", `"bouwvergunning" is geen zaaktype van de afspraak`, "zaaktypen/1b2c", false},
		{"unknown phase", []edit{{"3d4e\": Ontvangen", "3d4e\": Binnengekomen"}},
			"organisaties[0].bron.mapping.https://zaken.voorbeeldstad.nl/catalogi/api/v1/statustypen/3d4e", `statustype "Binnengekomen" bestaat niet in zaaktype omgevingsvergunning`, "statustypen/3d4e", false},
		{"phase by a volgnummer that does not exist", []edit{{"5f6a\": \"2\"", "5f6a\": \"9\""}},
			"organisaties[0].bron.mapping.https://zaken.voorbeeldstad.nl/catalogi/api/v1/statustypen/5f6a", `statustype "9" bestaat niet`, "statustypen/5f6a", false},
		{"unknown document type", []edit{{"Aanvraagformulier\": aanvraagformulier", "Aanvraagformulier\": formulier"}},
			"organisaties[0].bron.mapping.informatieobjecttype:Aanvraagformulier", `informatieobjecttype "formulier" bestaat niet`, "informatieobjecttype:Aanvraagformulier", false},
		{"unknown resultaattype", []edit{{"verleend\": Verleend", "verleend\": verleend"}},
			"organisaties[0].bron.mapping.resultaattype:Vergunning verleend", `resultaattype "verleend" bestaat niet`, "resultaattype:Vergunning", false},
		{"a key that is neither", []edit{{"\"roltype:Aanvrager\"", "\"aanvrager\""}},
			"organisaties[0].bron.mapping.aanvrager", "SOORT:IDENTIFICATIE", "\"aanvrager\"", false},
		{"a URL of no catalogue type", []edit{{"statustypen/7b8c", "catalogussen/7b8c"}},
			"organisaties[0].bron.mapping.https://zaken.voorbeeldstad.nl/catalogi/api/v1/catalogussen/7b8c", "is niet de URL van een zaaktype", "catalogussen/7b8c", false},
		{"URL outside catalogi_api", []edit{{"https://zaken.voorbeeldstad.nl/catalogi/api/v1/statustypen/7b8c", "https://elders.nl/catalogi/api/v1/statustypen/7b8c"}},
			"organisaties[0].bron.mapping.https://elders.nl/catalogi/api/v1/statustypen/7b8c", "ligt niet onder catalogi_api", "elders.nl", true},
		{"no zaaktype mapped", []edit{{"        \"https://zaken.voorbeeldstad.nl/catalogi/api/v1/zaaktypen/1b2c\": omgevingsvergunning\n", ""}},
			"organisaties[0].bron.mapping", "koppelt geen zaaktype", "      mapping:", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := withBron(t, tc.edits...)
			a, err := Parse([]byte(text), "omgevingsvergunning.yaml")
			if err != nil {
				t.Fatal(err)
			}
			var found *Fout
			for _, f := range a.Validate() {
				if f.Path == tc.path && strings.Contains(f.Msg, tc.msg) {
					f := f
					found = &f
				}
			}
			if found == nil {
				t.Fatalf("no problem at %s with %q; got %v", tc.path, tc.msg, Fouten(a.Validate()))
			}
			if found.Warning != tc.warning {
				t.Errorf("warning %v, want %v: %v", found.Warning, tc.warning, found)
			}
			if want := lineOf(t, text, tc.marker, 1); found.Line != want {
				t.Errorf("line %d, want %d: %v", found.Line, want, found)
			}
		})
	}
}

func TestBronOfABackofficeWithoutTheRegisteringOrganisationsBronWarns(t *testing.T) {
	text := strings.Replace(withBron(t), "    rollen: [frontoffice, bevoegd_gezag]\n"+bronBlock, "    rollen: [frontoffice, bevoegd_gezag]\n", 1)
	text = strings.Replace(text, "    rollen: [backoffice]\n", "    rollen: [backoffice]\n"+strings.ReplaceAll(bronBlock, "voorbeeldstad", "odrv"), 1)
	a, err := Parse([]byte(text), "omgevingsvergunning.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range a.Validate() {
		if f.Path == "organisaties[1].bron.mapping" && f.Warning && strings.Contains(f.Msg, "via de capture-API") {
			return
		}
	}
	t.Errorf("no warning that the omgevingsdienst's zaken wait for the gemeente's: %v", Fouten(a.Validate()))
}

func TestParseBronSleutel(t *testing.T) {
	tests := []struct {
		key, soort, url, id string
		ok                  bool
	}{
		{"https://oz.nl/catalogi/api/v1/zaaktypen/abc", BronZaaktype, "https://oz.nl/catalogi/api/v1/zaaktypen/abc", "", true},
		{"http://127.0.0.1:8000/catalogi/api/v1/eigenschappen/1", BronEigenschap, "http://127.0.0.1:8000/catalogi/api/v1/eigenschappen/1", "", true},
		{"zaaktype:ZT-001", BronZaaktype, "", "ZT-001", true},
		{"statustype:Aanvraag ontvangen", BronStatustype, "", "Aanvraag ontvangen", true},
		{"https://oz.nl/catalogi/api/v1/zaaktypen/", "", "", "", false},
		{"zaaktype:", "", "", "", false},
		{"documenttype:x", "", "", "", false},
		{"ZT-001", "", "", "", false},
	}
	for _, tc := range tests {
		s, err := ParseBronSleutel(tc.key)
		if (err == nil) != tc.ok || s.Soort != tc.soort || s.URL != tc.url || s.Identificatie != tc.id {
			t.Errorf("ParseBronSleutel(%q) = %+v, %v", tc.key, s, err)
		}
	}
}
