package zgw_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/dossier/zgw"
	"zaakarchief/dossier/zgw/zgwtest"
)

var amsterdam, _ = time.LoadLocation("Europe/Amsterdam")

// captureSide sends the events of the seed scenario through the capture API of a daemon with
// the default agreement, each at its own time (the kit's clock), and returns the dossier and
// its audit trail.
func captureSide(t *testing.T, stappen []zgwtest.Stap) (*dossier.Dossier, []string) {
	t.Helper()
	clk := daemontest.NewClock(stappen[0].Tijd)
	k := daemontest.New(t, daemontest.WithClock(clk))
	clients := map[string]*daemontest.Client{}
	for _, org := range []string{zgwtest.Gemeente, zgwtest.Omgevingsdienst} {
		clients[org] = k.Client(k.Token(org, dossier.RolOrganisatie))
	}
	var zaak string
	for _, st := range stappen {
		if st.AlleenBron {
			continue
		}
		// The kit's clock moves a microsecond on at every reading: the step's first reading
		// (the zaak's first status) is its time.
		clk.Set(st.Tijd.Add(-time.Microsecond))
		c := clients[st.Organisatie]
		datum := st.Tijd.In(amsterdam).Format(time.DateOnly)
		var body any
		path := "/api/v1/zaken/" + zaak + "/"
		switch st.Soort {
		case "zaak":
			path, body = "/api/v1/zaken", map[string]any{"zaaktype": "omgevingsvergunning", "omschrijving": st.Naam, "startdatum": datum, "initiator": st.Waarde}
		case "status":
			path, body = path+"statussen", map[string]any{"statustype": st.Fase, "datumStatusGezet": st.Tijd, "statustoelichting": st.Toelichting}
		case "rol", "medewerker":
			path, body = path+"rollen", map[string]any{"roltype": st.Naam, "betrokkene": st.Waarde}
		case "eigenschap":
			path, body = path+"eigenschappen", map[string]any{"eigenschap": st.Naam, "waarde": st.Waarde}
		case "besluit":
			path, body = path+"besluiten", map[string]any{"besluittype": st.Naam, "datum": st.Datum.Format(time.DateOnly), "ingangsdatum": st.Ingangsdatum.Format(time.DateOnly)}
		case "resultaat":
			path, body = path+"resultaat", map[string]any{"resultaattype": st.Naam}
		case "document":
			meta := map[string]any{"informatieobjecttype": st.Naam, "titel": st.Waarde, "auteur": "Behandelaar " + st.Organisatie,
				"creatiedatum": datum, "vertrouwelijkheidaanduiding": "zaakvertrouwelijk", "taal": "nld", "bestandsnaam": st.Naam + ".pdf", "formaat": "application/pdf"}
			r := c.Upload(zaak, meta, st.Naam+".pdf", st.Inhoud)
			want := http.StatusCreated
			if st.Geweigerd {
				want = http.StatusForbidden
			}
			if r.Code != want {
				t.Fatalf("capture %s %s: %d %s", st.Soort, st.Naam, r.Code, r.Body)
			}
			continue
		}
		raw, _ := json.Marshal(body)
		r := c.Do(http.MethodPost, path, "application/json", bytes.NewReader(raw))
		if r.Code != http.StatusCreated {
			t.Fatalf("capture %s %s: %d %s", st.Soort, st.Naam, r.Code, r.Body)
		}
		if st.Soort == "zaak" {
			var z dossier.Zaak
			if err := json.Unmarshal(r.Body, &z); err != nil {
				t.Fatal(err)
			}
			zaak = z.Identificatie
		}
	}
	return k.ReadDossier(zaak), auditActies(k.AuditTrail(zaak))
}

func TestSeedScenarioFromTwoSourcesEndsAsTheDossierTheCaptureAPIProduces(t *testing.T) {
	e := newEnv(t)
	stappen := zgwtest.Seed(1)
	e.om.Voer(1, stappen)

	rap := e.sync(zgw.SyncOptions{})
	if !rap.OK() || rap.NieuweDossiers != 1 || rap.Zaken != 1 {
		t.Fatalf("sync: ok %v, %d new dossiers, %d zaken\n%s", rap.OK(), rap.NieuweDossiers, rap.Zaken, report(rap))
	}
	ids := e.dossiers()
	if len(ids) != 1 {
		t.Fatalf("dossiers %v, want one for the two linked zaken", ids)
	}
	// The omgevingsdienst's besluit is refused by the agreement, reported with its rule.
	var refused []zgw.Melding
	for _, m := range rap.Meldingen {
		if m.Soort == zgw.MeldingGeweigerd {
			refused = append(refused, m)
		}
	}
	if len(refused) != 1 || refused[0].Bron != zgwtest.Omgevingsdienst || !strings.Contains(refused[0].Regel, `informatieobjecttype "besluit"`) {
		t.Errorf("refusals %+v, want the omgevingsdienst's besluit with the rule that refuses it", refused)
	}

	got := e.ReadDossier(ids[0])
	want, wantAudit := captureSide(t, stappen)
	if g, w := normalized(t, got), normalized(t, want); g != w {
		t.Errorf("the collected dossier differs from the captured one:\ncollected %s\ncaptured  %s", g, w)
	}
	if g := auditActies(e.AuditTrail(ids[0])); !slices.Equal(g, wantAudit) {
		t.Errorf("audit trail of the collected dossier:\n%s\nwant (as captured):\n%s", strings.Join(g, "\n"), strings.Join(wantAudit, "\n"))
	}
	if got.Zaak.Fase != 5 || got.Zaak.Einddatum == nil || got.Zaak.Einddatum.String() != "2026-02-20" || got.Zaak.Initiator != "J. Jansen" {
		t.Errorf("closed zaak: fase %d einddatum %v initiator %q", got.Zaak.Fase, got.Zaak.Einddatum, got.Zaak.Initiator)
	}
}

func TestResyncImportsNothingTwiceAndAddsNoAuditEntries(t *testing.T) {
	e := newEnv(t)
	e.om.Voer(1, zgwtest.Seed(1))
	e.om.Voer(2, zgwtest.Seed(2))
	first := e.sync(zgw.SyncOptions{})
	ids := e.dossiers()
	if len(ids) != 2 || !first.OK() {
		t.Fatalf("first sync: dossiers %v\n%s", ids, report(first))
	}
	before := map[string]string{}
	audit := map[string]int{}
	for _, id := range ids {
		before[id] = normalized(t, e.ReadDossier(id))
		audit[id] = len(auditActies(e.AuditTrail(id)))
	}
	e.om.Gemeente.ResetHits()
	again := e.sync(zgw.SyncOptions{})
	if n := len(again.Vastgelegd); n != 0 || again.NieuweDossiers != 0 || again.AlAanwezig == 0 {
		t.Errorf("second sync recorded %v, %d new dossiers, %d already there\n%s", again.Vastgelegd, again.NieuweDossiers, again.AlAanwezig, report(again))
	}
	if got := e.dossiers(); !slices.Equal(got, ids) {
		t.Errorf("dossiers after a second sync %v, want %v", got, ids)
	}
	for _, id := range ids {
		if g := normalized(t, e.ReadDossier(id)); g != before[id] {
			t.Errorf("dossier %s changed on a second sync:\n%s\nbefore:\n%s", id, g, before[id])
		}
		if n := len(auditActies(e.AuditTrail(id))); n != audit[id] {
			t.Errorf("dossier %s: %d audit entries after a second sync, %d before (a refusal recorded twice?)", id, n, audit[id])
		}
	}
	// Unchanged documents are not downloaded again: the ETag says so.
	if n := e.om.Gemeente.Hits("/download"); n != 0 {
		t.Errorf("a second sync downloaded %d documents again", n)
	}
	if st := itemStates(t, e.DB()); st[zgw.ItemBezig] != 0 {
		t.Errorf("items left bezig: %v", st)
	}
}

func TestSyncOfOneSourceFollowsTheLinkToTheOtherSourcesZaak(t *testing.T) {
	e := newEnv(t)
	e.om.Voer(1, zgwtest.Seed(1))
	rap := e.sync(zgw.SyncOptions{Bron: zgwtest.Omgevingsdienst})
	if !rap.OK() || rap.NieuweDossiers != 1 {
		t.Fatalf("sync of the omgevingsdienst alone:\n%s", report(rap))
	}
	ids := e.dossiers()
	if len(ids) != 1 {
		t.Fatalf("dossiers %v", ids)
	}
	if d := e.ReadDossier(ids[0]); d.Zaak.Fase != 5 || len(d.Documenten) != 4 {
		t.Errorf("dossier from a sync of one source: fase %d, %d documents", d.Zaak.Fase, len(d.Documenten))
	}
}

func TestZaakOfTheBackofficeWaitsForTheZaakThatRegistersItAndJoinsItLater(t *testing.T) {
	om := zgwtest.NewOmgeving(t)
	e := newEnvWith(t, om)
	stappen := zgwtest.Seed(1)
	// The omgevingsdienst registers its zaak first, without a link.
	odOnly := []zgwtest.Stap{stappen[6], stappen[7], stappen[8]}
	urls := om.Voer(1, odOnly)
	rap := e.sync(zgw.SyncOptions{})
	if rap.Tel(zgw.MeldingWacht) != 1 || len(e.dossiers()) != 0 {
		t.Fatalf("an unlinked zaak of the omgevingsdienst: %d waiting, dossiers %v\n%s", rap.Tel(zgw.MeldingWacht), e.dossiers(), report(rap))
	}
	// The gemeente's zaak appears, and the omgevingsdienst links to it.
	gem := om.Voer(1, stappen[:6])
	odZaak := om.Omgevingsdienst.ZaakVan(urls[zgwtest.Omgevingsdienst])
	odZaak.Link(gem[zgwtest.Gemeente])
	rap = e.sync(zgw.SyncOptions{})
	ids := e.dossiers()
	if len(ids) != 1 || !rap.OK() {
		t.Fatalf("after the link: dossiers %v\n%s", ids, report(rap))
	}
	d := e.ReadDossier(ids[0])
	if d.Zaak.Fase != 3 {
		t.Errorf("fase %d, want 3 (the omgevingsdienst's Advisering, after the gemeente's hand-over)", d.Zaak.Fase)
	}
	for _, s := range zaakStates(t, e.DB()) {
		if !strings.Contains(s, zgw.ZaakVolledig) {
			t.Errorf("source zaak state %q", s)
		}
	}
}

func TestDocumentVersionBecomesAVersionNotADuplicateAndIsRefusedOnceDefinitief(t *testing.T) {
	e := newEnv(t)
	stappen := zgwtest.Seed(1)
	urls := e.om.Voer(1, stappen[:12]) // up to the ontwerpbesluit, zaak in fase 3
	e.sync(zgw.SyncOptions{})
	id := e.dossiers()[0]
	d := e.ReadDossier(id)
	var ontwerp dossier.Document
	for _, doc := range d.Documenten {
		if doc.Informatieobjecttype == "ontwerpbesluit" {
			ontwerp = doc
		}
	}
	if ontwerp.ID == "" {
		t.Fatalf("no ontwerpbesluit in %+v", d.Documenten)
	}
	eio := e.om.Omgevingsdienst.DocumentVan(urls[zgwtest.Omgevingsdienst], "Ontwerpbesluit omgevingsvergunning")
	v2 := []byte("%PDF-1.7\n% ontwerpbesluit versie 2\n%%EOF\n")
	e.om.Omgevingsdienst.NieuweVersie(eio, v2, time.Date(2026, 1, 23, 10, 0, 0, 0, amsterdam))
	rap := e.sync(zgw.SyncOptions{})
	if rap.Vastgelegd[zgw.SoortDocument] != 1 {
		t.Fatalf("a new version: recorded %v\n%s", rap.Vastgelegd, report(rap))
	}
	d = e.ReadDossier(id)
	n := 0
	for _, doc := range d.Documenten {
		if doc.Informatieobjecttype == "ontwerpbesluit" {
			n++
			if doc.ID != ontwerp.ID || doc.Bestandsomvang != int64(len(v2)) {
				t.Errorf("after a new version: document %s of %d bytes, want %s with the new content", doc.ID, doc.Bestandsomvang, ontwerp.ID)
			}
		}
	}
	versie, earlier, err := e.Dossier.DocumentVersies(context.Background(), dossier.Actor{Rol: dossier.RolSysteem}, id, ontwerp.ID)
	if err != nil || n != 1 || versie != 2 || len(earlier) != 1 || earlier[0].SHA256 != ontwerp.SHA256 {
		t.Errorf("versions: %d documents, version %d, earlier %+v, err %v", n, versie, earlier, err)
	}
	if again := e.sync(zgw.SyncOptions{}); len(again.Vastgelegd) != 0 {
		t.Errorf("a second sync recorded %v", again.Vastgelegd)
	}
	// The zaak moves on to fase 4, where the ontwerpbesluit is definitief: a third version is
	// refused and reported, and the dossier keeps version 2.
	e.om.Voer(1, stappen[12:16])
	e.om.Omgevingsdienst.NieuweVersie(eio, []byte("%PDF-1.7\n% versie 3\n%%EOF\n"), time.Date(2026, 2, 14, 10, 0, 0, 0, amsterdam))
	rap = e.sync(zgw.SyncOptions{})
	found := false
	for _, m := range rap.Meldingen {
		found = found || (m.Soort == zgw.MeldingGeweigerd && m.Resource == eio && strings.Contains(m.Reden, "definitief"))
	}
	if !found {
		t.Errorf("a version of a definitief document is not reported as refused:\n%s", report(rap))
	}
	if versie, _, _ := e.Dossier.DocumentVersies(context.Background(), dossier.Actor{Rol: dossier.RolSysteem}, id, ontwerp.ID); versie != 2 {
		t.Errorf("version %d after a refused version, want 2", versie)
	}
}

func TestLateHistoryFromTheOtherSourceReleasesRefusedSteps(t *testing.T) {
	om := zgwtest.NewOmgeving(t)
	e := newEnvWith(t, om, fast)
	stappen := zgwtest.Seed(1)
	// Only the gemeente's side is known: its besluit, resultaat and eindstatus cannot be
	// recorded while the zaak is with the omgevingsdienst.
	var gem, od []zgwtest.Stap
	for _, s := range stappen {
		if s.Organisatie == zgwtest.Gemeente {
			gem = append(gem, s)
		} else {
			od = append(od, s)
		}
	}
	om.Voer(1, gem)
	rap := e.sync(zgw.SyncOptions{})
	if rap.Tel(zgw.MeldingGeweigerd) == 0 {
		t.Fatalf("the gemeente's later steps were not refused while the zaak is with the omgevingsdienst:\n%s", report(rap))
	}
	id := e.dossiers()[0]
	if f := e.ReadDossier(id).Zaak.Fase; f != 2 {
		t.Fatalf("fase %d, want 2", f)
	}
	// The omgevingsdienst's history arrives: the refused steps are taken again and fit now.
	om.Voer(1, od)
	rap = e.sync(zgw.SyncOptions{})
	d := e.ReadDossier(id)
	if d.Zaak.Fase != 5 || len(d.Besluiten) != 1 || d.Resultaat == nil {
		t.Errorf("after the late history: fase %d, %d besluiten, resultaat %v\n%s", d.Zaak.Fase, len(d.Besluiten), d.Resultaat, report(rap))
	}
	if again := e.sync(zgw.SyncOptions{}); len(again.Vastgelegd) != 0 || again.Tel(zgw.MeldingGeweigerd) != 0 {
		t.Errorf("a pass without news retried refusals: %v\n%s", again.Vastgelegd, report(again))
	}
}

func TestBronnenReportsEverySourceAndItsZaken(t *testing.T) {
	e := newEnv(t)
	e.om.Voer(1, zgwtest.Seed(1))
	e.sync(zgw.SyncOptions{})
	rm := e.Client(e.Token(zgwtest.Gemeente, dossier.RolRecordmanager))
	r := rm.Get("/api/v1/bronnen")
	if r.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/bronnen: %d %s", r.Code, r.Body)
	}
	var st []zgw.BronStatus
	if err := json.Unmarshal(r.Body, &st); err != nil {
		t.Fatal(err)
	}
	if len(st) != 2 || st[0].Status != "ok" || st[1].Status != "ok" || st[0].Zaken[zgw.ZaakVolledig] != 1 || st[1].Geweigerd != 1 {
		t.Errorf("bronnen: %s", r.Body)
	}
	r = rm.Get("/api/v1/bronnen/omgevingsdienst/meldingen")
	if r.Code != http.StatusOK || !strings.Contains(string(r.Body), `"geweigerd"`) {
		t.Errorf("meldingen: %d %s", r.Code, r.Body)
	}
	if code := e.Client(e.Token(zgwtest.Gemeente, dossier.RolKCC)).Get("/api/v1/bronnen").Code; code != http.StatusForbidden {
		t.Errorf("the KCC reads the sources: %d", code)
	}
}
