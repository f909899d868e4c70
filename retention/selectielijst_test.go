package retention

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"zaakarchief/configs"
)

func mustLijst(t testing.TB, name string) *Selectielijst {
	t.Helper()
	s, err := LoadSelectielijst(configs.FS, name)
	if err != nil {
		t.Fatalf("LoadSelectielijst(%q): %v", name, err)
	}
	return s
}

func TestShippedSelectielijstenLoadWithTheirCounts(t *testing.T) {
	tests := []struct {
		name                   string
		jaar, procestypen, res int
		blijvend, vernietigen  int
	}{
		{"selectielijst-2020", 2020, 29, 346, 89, 255},
		{"selectielijst-2017", 2017, 29, 305, 82, 223},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustLijst(t, tt.name)
			if s.Jaar != tt.jaar || len(s.Procestypen) != tt.procestypen || len(s.Resultaten) != tt.res {
				t.Errorf("jaar %d, %d procestypen, %d resultaten; want %d, %d, %d",
					s.Jaar, len(s.Procestypen), len(s.Resultaten), tt.jaar, tt.procestypen, tt.res)
			}
			if s.Naam != "Selectielijst gemeenten en intergemeentelijke organen" {
				t.Errorf("naam = %q", s.Naam)
			}
			count := map[string]int{}
			for _, r := range s.Resultaten {
				count[r.Waardering]++
			}
			if count[NominatieBlijvendBewaren] != tt.blijvend || count[NominatieVernietigen] != tt.vernietigen {
				t.Errorf("waarderingen %v", count)
			}
			total := 0
			for _, p := range s.Procestypen {
				total += len(s.ResultatenVan(p.Nummer))
			}
			if total != len(s.Resultaten) {
				t.Errorf("ResultatenVan over all procestypen gives %d, want %d", total, len(s.Resultaten))
			}
		})
	}
}

// The table in the domain README, "Selectielijst 2020 for the omgevingsvergunning".
func TestSelectielijst2020Procestype11MatchesDomainTable(t *testing.T) {
	s := mustLijst(t, "selectielijst-2020")
	p, ok := s.Procestype(11)
	if !ok || p.Naam != "Toestemming verlenen" || p.Procesobject != "De verleende toestemming" {
		t.Fatalf("procestype 11 = %+v, %v", p, ok)
	}
	tests := []struct {
		nummer, naam, omschrijvingBevat, waardering, procestermijn, bewaartermijn string
	}{
		{"11.1.6", "Verleend", "milieu, bouw, sloop, monument, handelsreclame", NominatieBlijvendBewaren, "", ""},
		{"11.1.12", "Verleend", "kappen met herplantplicht", NominatieVernietigen, ProcestermijnBestaansduur, "P1Y"},
		{"11.1", "Verleend", "", NominatieVernietigen, ProcestermijnBestaansduur, "P1Y"},
		{"11.2", "Geweigerd", "", NominatieVernietigen, ProcestermijnNihil, "P5Y"},
		{"11.3", "Ingetrokken", "", NominatieVernietigen, ProcestermijnNihil, "P1Y"},
		{"11.3.2", "Ingetrokken", "milieu", NominatieBlijvendBewaren, "", ""},
		{"11.4", "Afgebroken", "", NominatieVernietigen, ProcestermijnNihil, "P1Y"},
	}
	for _, tt := range tests {
		t.Run(tt.nummer, func(t *testing.T) {
			r, ok := s.Resultaat(tt.nummer)
			if !ok {
				t.Fatalf("resultaat %s missing", tt.nummer)
			}
			if r.ProcestypeNummer != 11 || r.Naam != tt.naam || !strings.Contains(r.Omschrijving, tt.omschrijvingBevat) ||
				r.Waardering != tt.waardering || r.Procestermijn != tt.procestermijn || r.Bewaartermijn != tt.bewaartermijn {
				t.Errorf("resultaat %s = %+v", tt.nummer, r)
			}
			if r.Generiek != (strings.Count(tt.nummer, ".") == 1) {
				t.Errorf("generiek = %v", r.Generiek)
			}
		})
	}
	if got := len(s.ResultatenVan(11)); got != 24 {
		t.Errorf("procestype 11 has %d resultaten, want 24", got)
	}
}

func TestSelectielijstLookupsMissReportFalse(t *testing.T) {
	s := mustLijst(t, "selectielijst-2020")
	if _, ok := s.Resultaat("11.1.99"); ok {
		t.Error("Resultaat(11.1.99) found")
	}
	if _, ok := s.Procestype(30); ok {
		t.Error("Procestype(30) found")
	}
	if got := s.ResultatenVan(30); len(got) != 0 {
		t.Errorf("ResultatenVan(30) = %d resultaten", len(got))
	}
	r, _ := s.Resultaat("7.1.20")
	if !r.Vervallen() {
		t.Errorf("7.1.20 should be vervallen: %+v", r)
	}
	if tm, ok := r.Termijn(); ok {
		t.Errorf("vervallen resultaat has termijn %s", tm)
	}
	r, _ = s.Resultaat("11.1.12")
	if tm, ok := r.Termijn(); !ok || tm != (Termijn{Jaren: 1}) {
		t.Errorf("11.1.12 Termijn() = %v, %v", tm, ok)
	}
	if got := r.Label(); got != "Verleend: Omgevingsvergunning kappen met herplantplicht" {
		t.Errorf("Label() = %q", got)
	}
}

// Every procestermijn and bewaartermijn value that occurs in the shipped lists is one the
// package knows; the set is pinned so that a new edition with new values is noticed.
func TestShippedSelectielijstenUseOnlyKnownValues(t *testing.T) {
	wantPT := map[string]bool{"": true, ProcestermijnNihil: true, ProcestermijnBestaansduur: true,
		ProcestermijnIngeschatteBestaansduur: true, ProcestermijnVastTeLeggenDatum: true, ProcestermijnSamengevoegd: true}
	for _, name := range []string{"selectielijst-2017", "selectielijst-2020"} {
		seen := map[string]bool{}
		for _, r := range mustLijst(t, name).Resultaten {
			seen[r.Procestermijn] = true
			if r.Bewaartermijn != "" {
				if _, err := ParseTermijn(r.Bewaartermijn); err != nil {
					t.Errorf("%s %s: %v", name, r.VolledigNummer, err)
				}
			}
		}
		if !reflect.DeepEqual(seen, wantPT) {
			t.Errorf("%s procestermijnen = %v, want %v", name, seen, wantPT)
		}
	}
}

func TestSelectielijstMarshalsBackToTheFileShape(t *testing.T) {
	for _, name := range []string{"selectielijst-2017", "selectielijst-2020"} {
		raw, err := configs.FS.ReadFile("selectielijst/" + name + ".json")
		if err != nil {
			t.Fatal(err)
		}
		out, err := json.Marshal(mustLijst(t, name))
		if err != nil {
			t.Fatal(err)
		}
		var want, got any
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: marshalled list differs from the file", name)
		}
	}
}

func TestLoadSelectielijstFromDiskPath(t *testing.T) {
	raw, err := configs.FS.ReadFile("selectielijst/selectielijst-2020.json")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "eigen-lijst.json")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := LoadSelectielijst(os.DirFS(dir), "eigen-lijst.json")
	if err != nil || len(s.Resultaten) != 346 {
		t.Fatalf("LoadSelectielijst(DirFS): %v", err)
	}
	s, err = OpenSelectielijst(path)
	if err != nil || len(s.Resultaten) != 346 {
		t.Fatalf("OpenSelectielijst(%s): %v", path, err)
	}
	s, err = OpenSelectielijst("selectielijst-2017")
	if err != nil || s.Jaar != 2017 {
		t.Fatalf("OpenSelectielijst(selectielijst-2017): %v", err)
	}
}

func TestLoadSelectielijstRefusesUnknownNamesAndBadData(t *testing.T) {
	goed := `{"naam":"L","jaar":2020,"procestypen":[{"nummer":1,"naam":"P","omschrijving":"","procesobject":""}],
		"resultaten":[{"volledigNummer":"1.1","procestypeNummer":1,"generiek":true,"naam":"R","omschrijving":"",
		"waardering":"vernietigen","procestermijn":"nihil","bewaartermijn":"P1Y","toelichting":"","herkomst":""}]}`
	vervang := func(old, new string) string {
		if !strings.Contains(goed, old) {
			t.Fatalf("fixture lacks %q", old)
		}
		return strings.Replace(goed, old, new, 1)
	}
	tests := []struct {
		name, data, want string
	}{
		{"goed", goed, ""},
		{"onbekende waardering", vervang(`"vernietigen"`, `"bewaren"`), `onbekende waardering "bewaren"`},
		{"vernietigen zonder termijn", vervang(`"P1Y"`, `null`), "vernietigen zonder bewaartermijn"},
		{"blijvend met termijn", vervang(`"vernietigen"`, `"blijvend_bewaren"`), "blijvend_bewaren met een bewaartermijn"},
		{"vervallen met termijn", vervang(`"vernietigen"`, `""`), "vervallen"},
		{"slechte bewaartermijn", vervang(`"P1Y"`, `"1 jaar"`), `termijn "1 jaar"`},
		{"tijd in bewaartermijn", vervang(`"P1Y"`, `"PT1H"`), "tijdsdelen"},
		{"onbekende procestermijn", vervang(`"nihil"`, `"eeuwig"`), `onbekende procestermijn "eeuwig"`},
		{"nummer hoort bij ander procestype", vervang(`"volledigNummer":"1.1"`, `"volledigNummer":"2.1"`), "hoort niet bij procestypeNummer 1"},
		{"procestype bestaat niet", vervang(`"procestypeNummer":1`, `"procestypeNummer":7`), "procestype 7 bestaat niet"},
		{"generiek klopt niet", vervang(`"generiek":true`, `"generiek":false`), "generiek past niet"},
		{"nummer vorm", vervang(`"volledigNummer":"1.1"`, `"volledigNummer":"1.a"`), "vorm procestype.resultaat"},
		{"jaar", vervang(`"jaar":2020`, `"jaar":20`), "jaar 20"},
		{"onbekend veld", vervang(`"herkomst":""`, `"herkomst":"","extra":1`), `unknown field "extra"`},
		{"geen json", "nee", "decode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"selectielijst/test.json": {Data: []byte(tt.data)}}
			_, err := LoadSelectielijst(fsys, "test")
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && err == nil:
				t.Fatalf("no error, want one saying %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
	for _, name := range []string{"selectielijst-1999", "../configs/x", "Selectielijst 2020", ""} {
		if _, err := LoadSelectielijst(configs.FS, name); err == nil {
			t.Errorf("LoadSelectielijst(%q) succeeded", name)
		}
	}
}

func TestLijstenLoadsEachListOnce(t *testing.T) {
	l := NewLijsten(configs.FS)
	a, err := l.Lijst("selectielijst-2020")
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.Lijst("selectielijst-2020")
	if err != nil || a != b {
		t.Errorf("second Lijst call: %p vs %p, %v", a, b, err)
	}
	if _, err := l.Lijst("selectielijst-1900"); err == nil {
		t.Error("unknown list loaded")
	}
}
