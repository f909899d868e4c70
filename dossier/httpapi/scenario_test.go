package httpapi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
)

// Names from the default agreement (configs/omgevingsvergunning.yaml) the seed scenario uses,
// besides those the kit names.
const (
	fase1            = "Ontvangen"
	iotAanvraag      = "aanvraagformulier"
	iotAdvies        = "adviesrapport"
	iotOntwerp       = "ontwerpbesluit"
	besluittype      = "omgevingsvergunning"
	roltypeAanvrager = "aanvrager"
	eigenschapNaam   = "bouwkosten"
	eigenschapWaarde = "125000"
)

// docMeta is the metadata of a test document of type iot.
func docMeta(iot, bestandsnaam string) map[string]any {
	return map[string]any{
		"informatieobjecttype": iot, "titel": "Test " + iot, "auteur": "T. Ester",
		"creatiedatum": "2026-01-05", "vertrouwelijkheidaanduiding": "zaakvertrouwelijk", "taal": "nld",
		"bestandsnaam": bestandsnaam, "formaat": "application/pdf",
	}
}

// pdf returns deterministic content that looks like a small PDF, with name in it.
func pdf(name string) []byte { return daemontest.PDF(name, 1200) }

// scenarioTokens are the actors of the seed scenario: a client of the API for each.
type scenarioTokens struct {
	gemeente, omgevingsdienst, kcc *daemontest.Client
}

func (s *stack) scenarioTokens() scenarioTokens {
	return scenarioTokens{
		gemeente:        s.Client(s.Token(daemontest.Gemeente, dossier.RolOrganisatie)),
		omgevingsdienst: s.Client(s.Token(daemontest.Omgevingsdienst, dossier.RolOrganisatie)),
		kcc:             s.Client(s.Token(daemontest.Gemeente, dossier.RolKCC)),
	}
}

// createZaak registers a zaak as c and returns it.
func (s *stack) createZaak(c *daemontest.Client) dossier.Zaak {
	s.tb.Helper()
	var z dossier.Zaak
	c.JSON(http.MethodPost, "/api/v1/zaken", map[string]any{
		"zaaktype": daemontest.Zaaktype, "omschrijving": "Verbouwing Dorpsstraat 1", "toelichting": "aanvraag via het omgevingsloket",
		"startdatum": "2026-01-05", "initiator": "J. Jansen",
	}, http.StatusCreated, &z)
	return z
}

// zaakInFase registers a zaak and moves it, with what each phase needs, to phase fase (1..5).
func (s *stack) zaakInFase(t testing.TB, fase int) (string, scenarioTokens) {
	t.Helper()
	tok := s.scenarioTokens()
	z := s.createZaak(tok.gemeente)
	s.advance(t, tok, z.Identificatie, fase)
	return z.Identificatie, tok
}

// scenarioUpTo is zaakInFase for tests that only need the zaak.
func (s *stack) scenarioUpTo(t testing.TB, fase int) string {
	t.Helper()
	zaak, _ := s.zaakInFase(t, fase)
	return zaak
}

// advance runs the seed scenario from phase 1 up to phase fase, each step by the organisation
// the agreement gives it to, and checks after each step that the KCC sees one status.
func (s *stack) advance(t testing.TB, tok scenarioTokens, zaak string, fase int) {
	t.Helper()
	steps := []func(){
		// fase 1 Ontvangen (gemeente): the application, the applicant, a call to the KCC.
		func() {
			s.mustUpload(tok.gemeente, zaak, docMeta(iotAanvraag, "aanvraag.pdf"), pdf("aanvraag"))
			tok.gemeente.JSON(http.MethodPost, zaakPath(zaak, "rollen"), map[string]any{"roltype": roltypeAanvrager, "betrokkene": "J. Jansen"}, http.StatusCreated, nil)
			tok.kcc.JSON(http.MethodPost, zaakPath(zaak, "contactmomenten"), map[string]any{"kanaal": "telefoon", "onderwerp": "Vraag naar de stand van zaken", "tekst": "Aanvrager belt: wanneer komt het besluit?"}, http.StatusCreated, nil)
			s.checkKCCStatus(t, tok.kcc, zaak, 1, fase1)
		},
		// hand over to the omgevingsdienst.
		func() {
			tok.gemeente.JSON(http.MethodPost, zaakPath(zaak, "statussen"), map[string]any{"statustype": daemontest.Fase2, "statustoelichting": "interne notitie: compleet"}, http.StatusCreated, nil)
			s.checkKCCStatus(t, tok.kcc, zaak, 2, daemontest.Fase2)
		},
		// the omgevingsdienst starts its advice.
		func() {
			tok.omgevingsdienst.JSON(http.MethodPost, zaakPath(zaak, "statussen"), map[string]any{"statustype": daemontest.Fase3}, http.StatusCreated, nil)
			s.checkKCCStatus(t, tok.kcc, zaak, 3, daemontest.Fase3)
		},
		// fase 3: advice and draft decision; hand back to the gemeente.
		func() {
			s.mustUpload(tok.omgevingsdienst, zaak, docMeta(iotAdvies, "advies.pdf"), pdf("advies"))
			s.mustUpload(tok.omgevingsdienst, zaak, docMeta(iotOntwerp, "ontwerpbesluit.pdf"), pdf("ontwerpbesluit"))
			tok.omgevingsdienst.JSON(http.MethodPost, zaakPath(zaak, "eigenschappen"), map[string]any{"eigenschap": eigenschapNaam, "waarde": eigenschapWaarde}, http.StatusCreated, nil)
			tok.omgevingsdienst.JSON(http.MethodPost, zaakPath(zaak, "statussen"), map[string]any{"statustype": daemontest.Fase4}, http.StatusCreated, nil)
			s.checkKCCStatus(t, tok.kcc, zaak, 4, daemontest.Fase4)
		},
		// fase 4: the gemeente decides, records the result and closes the zaak.
		func() {
			tok.gemeente.JSON(http.MethodPost, zaakPath(zaak, "besluiten"), map[string]any{"besluittype": besluittype, "datum": "2026-02-20", "ingangsdatum": "2026-02-21"}, http.StatusCreated, nil)
			tok.gemeente.JSON(http.MethodPost, zaakPath(zaak, "resultaat"), map[string]any{"resultaattype": daemontest.Verleend}, http.StatusCreated, nil)
			tok.gemeente.JSON(http.MethodPost, zaakPath(zaak, "statussen"), map[string]any{"statustype": daemontest.Fase5}, http.StatusCreated, nil)
			s.checkKCCStatus(t, tok.kcc, zaak, 5, daemontest.Fase5)
		},
	}
	// steps[0] keeps the zaak in phase 1, steps[i] ends in phase i+1, the last one in phase 5
	// (steps 3 and 4 both run in one phase and end in the next).
	ends := []int{1, 2, 3, 4, 5}
	for i, step := range steps {
		if ends[i] > fase {
			break
		}
		step()
	}
}

// checkKCCStatus checks that the KCC sees exactly one current status, without documents or
// internal notes.
func (s *stack) checkKCCStatus(t testing.TB, kcc *daemontest.Client, zaak string, volgnummer int, omschrijving string) {
	t.Helper()
	r := kcc.Get(zaakPath(zaak, "status"))
	if r.Code != http.StatusOK {
		t.Fatalf("KCC status of %s: %s", zaak, r)
	}
	var o dossier.StatusOverzicht
	mustUnmarshal(t, r.Body, &o)
	if o.Status.Volgnummer != volgnummer || o.Status.Omschrijving != omschrijving {
		t.Errorf("KCC sees status %d %q, want %d %q", o.Status.Volgnummer, o.Status.Omschrijving, volgnummer, omschrijving)
	}
	if o.Afgesloten != (volgnummer == 5) || o.Status.IsEindstatus != (volgnummer == 5) {
		t.Errorf("KCC sees afgesloten=%v isEindstatus=%v in phase %d", o.Afgesloten, o.Status.IsEindstatus, volgnummer)
	}
	if o.EinddatumGepland == nil {
		t.Error("KCC status has no expected end date (einddatumGepland)")
	}
	for _, leak := range []string{"documenten", "statustoelichting", "interne notitie", "sha256", "contactmomenten"} {
		if bytes.Contains(r.Body, []byte(leak)) {
			t.Errorf("KCC status shows %q: %s", leak, r.Body)
		}
	}
}

func mustUnmarshal(t testing.TB, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

func TestSeedScenarioKeepsOneDossierWhoRecordedWhatInWhichPhase(t *testing.T) {
	s := newStack(t)
	tok := s.scenarioTokens()
	z := s.createZaak(tok.gemeente)
	if !regexp.MustCompile(`^ZAAK-2026-\d{7}$`).MatchString(z.Identificatie) || z.Identificatie != "ZAAK-2026-0000001" {
		t.Errorf("identificatie %q, want ZAAK-2026-0000001", z.Identificatie)
	}
	if z.Fase != 1 || z.Einddatum != nil || z.EinddatumGepland == nil {
		t.Errorf("new zaak: fase %d, einddatum %v, einddatumGepland %v", z.Fase, z.Einddatum, z.EinddatumGepland)
	}
	if z2 := s.createZaak(tok.gemeente); z2.Identificatie != "ZAAK-2026-0000002" {
		t.Errorf("second zaak %q, want ZAAK-2026-0000002", z2.Identificatie)
	}
	s.checkKCCStatus(t, tok.kcc, z.Identificatie, 1, fase1)
	// Both organisations see the same status as the KCC.
	for _, org := range []*daemontest.Client{tok.gemeente, tok.omgevingsdienst} {
		if r := org.Get(zaakPath(z.Identificatie, "status")); r.Code != http.StatusOK {
			t.Errorf("status for an organisation: %s", r)
		}
	}
	s.advance(t, tok, z.Identificatie, 5)

	v := s.dossierView(z.Identificatie)
	if v.Zaak.Fase != 5 || v.Zaak.Einddatum == nil {
		t.Fatalf("closed zaak: fase %d einddatum %v", v.Zaak.Fase, v.Zaak.Einddatum)
	}
	if len(v.Statussen) != 5 || len(v.Documenten) != 3 || len(v.Besluiten) != 1 || v.Resultaat == nil ||
		len(v.Eigenschappen) != 1 || len(v.Rollen) != 1 || len(v.Contactmomenten) != 1 {
		t.Fatalf("dossier parts: %d statussen, %d documenten, %d besluiten, resultaat %v, %d eigenschappen, %d rollen, %d contactmomenten",
			len(v.Statussen), len(v.Documenten), len(v.Besluiten), v.Resultaat, len(v.Eigenschappen), len(v.Rollen), len(v.Contactmomenten))
	}
	// Per phase: who recorded what.
	want := map[int][]string{
		1: {"informatieobjecttype " + iotAanvraag + " " + daemontest.Gemeente, "roltype " + roltypeAanvrager + " " + daemontest.Gemeente, "contactmoment Vraag naar de stand van zaken " + daemontest.Gemeente},
		3: {"informatieobjecttype " + iotAdvies + " " + daemontest.Omgevingsdienst, "informatieobjecttype " + iotOntwerp + " " + daemontest.Omgevingsdienst, "eigenschap " + eigenschapNaam + " " + daemontest.Omgevingsdienst},
		4: {"besluittype " + besluittype + " " + daemontest.Gemeente, "resultaattype " + daemontest.Verleend + " " + daemontest.Gemeente},
	}
	if len(v.Fasen) != 5 {
		t.Fatalf("%d fasen, want 5", len(v.Fasen))
	}
	for _, f := range v.Fasen {
		var got []string
		for _, x := range f.Vastgelegd {
			got = append(got, x.Soort+" "+x.Naam+" "+x.Organisatie)
		}
		if strings.Join(got, "; ") != strings.Join(want[f.Volgnummer], "; ") {
			t.Errorf("fase %d %s: recorded %q, want %q", f.Volgnummer, f.Omschrijving, got, want[f.Volgnummer])
		}
		if len(f.Gezet) != 1 {
			t.Errorf("fase %d set %d times, want once", f.Volgnummer, len(f.Gezet))
		}
		if f.Huidig != (f.Volgnummer == 5) {
			t.Errorf("fase %d huidig=%v", f.Volgnummer, f.Huidig)
		}
	}
	wantVerantwoordelijke := []string{daemontest.Gemeente, daemontest.Omgevingsdienst, daemontest.Omgevingsdienst, daemontest.Gemeente, daemontest.Gemeente}
	for i, f := range v.Fasen {
		if f.Verantwoordelijke != wantVerantwoordelijke[i] {
			t.Errorf("fase %d verantwoordelijke %q, want %q", f.Volgnummer, f.Verantwoordelijke, wantVerantwoordelijke[i])
		}
	}
	// Every document's content comes back byte for byte with its checksum.
	for _, d := range v.Documenten {
		r := tok.omgevingsdienst.Get(zaakPath(z.Identificatie, "documenten", d.ID, "inhoud"))
		if r.Code != http.StatusOK {
			t.Fatalf("download %s: %s", d.ID, r)
		}
		sum := sha256.Sum256(r.Body)
		if hex.EncodeToString(sum[:]) != d.SHA256 || r.Header.Get("X-Checksum-Sha256") != d.SHA256 {
			t.Errorf("download %s: sha256 %x, header %q, recorded %s", d.ID, sum, r.Header.Get("X-Checksum-Sha256"), d.SHA256)
		}
		if int64(len(r.Body)) != d.Bestandsomvang || !strings.Contains(r.Header.Get("Content-Disposition"), d.Bestandsnaam) {
			t.Errorf("download %s: %d bytes (recorded %d), Content-Disposition %q", d.ID, len(r.Body), d.Bestandsomvang, r.Header.Get("Content-Disposition"))
		}
	}
	// The audit trail holds every step and verifies.
	var acties []string
	for _, e := range s.AuditTrail(z.Identificatie) {
		acties = append(acties, e.Actie)
	}
	wantActies := "zaak.aangemaakt document.toegevoegd rol.vastgelegd contactmoment.vastgelegd status.gezet status.gezet " +
		"document.toegevoegd document.toegevoegd eigenschap.vastgelegd status.gezet besluit.vastgelegd resultaat.vastgelegd status.gezet"
	if strings.Join(acties, " ") != wantActies {
		t.Errorf("audit trail %q, want %q", strings.Join(acties, " "), wantActies)
	}
}

func TestZakenListFiltersByZaaktypeFaseAndOrganisatie(t *testing.T) {
	s := newStack(t)
	tok := s.scenarioTokens()
	var ids []string
	for _, fase := range []int{1, 1, 2, 3, 4} {
		z := s.createZaak(tok.gemeente)
		s.advance(t, tok, z.Identificatie, fase)
		ids = append(ids, z.Identificatie)
	}
	tests := []struct {
		query string
		want  []string
		next  bool
	}{
		{"", ids, false},
		{"?zaaktype=" + daemontest.Zaaktype, ids, false},
		{"?fase=1", ids[:2], false},
		{"?fase=" + strings.ReplaceAll(daemontest.Fase2, " ", "+"), ids[2:3], false},
		{"?organisatie=" + daemontest.Omgevingsdienst, ids[2:4], false},
		{"?organisatie=" + daemontest.Gemeente, []string{ids[0], ids[1], ids[4]}, false},
		{"?organisatie=" + daemontest.Gemeente + "&fase=4", ids[4:], false},
		{"?pageSize=2", ids[:2], true},
		{"?pageSize=2&page=3", ids[4:], false},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			r := tok.gemeente.Get("/api/v1/zaken" + tc.query)
			if r.Code != http.StatusOK {
				t.Fatalf("%s", r)
			}
			var p dossier.ZakenPage
			mustUnmarshal(t, r.Body, &p)
			var got []string
			for _, z := range p.Results {
				got = append(got, z.Identificatie)
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") || (p.Next != nil) != tc.next {
				t.Errorf("got %v next %v, want %v next %v", got, p.Next, tc.want, tc.next)
			}
		})
	}
}

func TestAgreementIsServedToOrganisations(t *testing.T) {
	s := newStack(t)
	r := s.reader.Get("/api/v1/afspraak")
	if r.Code != http.StatusOK {
		t.Fatalf("%s", r)
	}
	var a struct {
		Organisaties []struct{ ID string }
		Zaaktypen    []struct{ Identificatie string }
	}
	mustUnmarshal(t, r.Body, &a)
	if len(a.Organisaties) < 2 || len(a.Zaaktypen) < 1 || a.Zaaktypen[0].Identificatie != daemontest.Zaaktype {
		t.Errorf("agreement: %s", r.Body)
	}
}

func TestHealthAndMetricsNeedNoToken(t *testing.T) {
	s := newStack(t)
	if r := s.Client("").Get("/healthz"); r.Code != http.StatusOK || !bytes.Contains(r.Body, []byte(`"ok"`)) {
		t.Errorf("healthz: %s", r)
	}
	s.Client("").Get("/api/v1/zaken") // a 401, counted
	r := s.Client("").Get("/metrics")
	if r.Code != http.StatusOK || !bytes.Contains(r.Body, []byte(`zaakarchief_http_requests_total{code="401",route="GET /api/v1/zaken"} 1`)) {
		t.Errorf("metrics: %d %s", r.Code, r.Body)
	}
}

func TestDossierOfANewZaakHasEmptyListsNotNull(t *testing.T) {
	s := newStack(t)
	z := s.createZaak(s.reader)
	body := s.dossierJSON(z.Identificatie)
	for _, part := range []string{"documenten", "besluiten", "eigenschappen", "rollen", "contactmomenten"} {
		if !bytes.Contains(body, []byte(`"`+part+`": []`)) {
			t.Errorf("%s is not an empty list in %s", part, body)
		}
	}
	if !bytes.Contains(body, []byte(`"resultaat": null`)) {
		t.Errorf("resultaat is not null: %s", body)
	}
}

func TestKCCStatusFollowsThePhaseWhenAStatusIsBackdated(t *testing.T) {
	s := newStack(t)
	zaak, tok := s.zaakInFase(t, 2)
	// The omgevingsdienst records that it started its advice on a day before the handover was
	// registered.
	r := tok.omgevingsdienst.Post(zaakPath(zaak, "statussen"), map[string]any{"statustype": daemontest.Fase3, "datumStatusGezet": "2026-01-06T09:00:00+01:00"})
	if r.Code == http.StatusBadRequest {
		return // refusing a status dated before the current one is a consistent answer too
	}
	if r.Code != http.StatusCreated {
		t.Fatalf("backdated status: %s", r)
	}
	if v := s.dossierView(zaak); v.Zaak.Fase != 3 {
		t.Fatalf("zaak in fase %d", v.Zaak.Fase)
	}
	s.checkKCCStatus(t, tok.kcc, zaak, 3, daemontest.Fase3)
}
