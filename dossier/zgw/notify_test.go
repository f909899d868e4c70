package zgw_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"zaakarchief/dossier"
	"zaakarchief/dossier/zgw"
	"zaakarchief/dossier/zgw/zgwtest"
)

// notificatie is a message as a Notificaties API delivers it.
func notificatie(kanaal, hoofd, resource, resourceURL string) string {
	b, _ := json.Marshal(map[string]any{"kanaal": kanaal, "hoofdObject": hoofd, "resource": resource, "resourceUrl": resourceURL,
		"actie": "create", "aanmaakdatum": "2026-01-06T10:00:00Z", "kenmerken": map[string]string{"bronorganisatie": "002220647"}})
	return string(b)
}

func TestBurstOfNotificationsSyncsTheZaakOnce(t *testing.T) {
	e := newEnv(t)
	stappen := zgwtest.Seed(1)
	urls := e.om.Voer(1, stappen[:5])
	e.sync(zgw.SyncOptions{})
	id := e.dossiers()[0]
	zaak := urls[zgwtest.Gemeente]

	// The gemeente adds a bijlage and hands the zaak over: its Notificaties API sends a burst.
	z := e.om.Gemeente.ZaakVan(zaak)
	doc := z.Document(zgwtest.NieuwDocument{Informatieobjecttype: e.om.Typen[zgwtest.Gemeente]["informatieobjecttype:bijlage"],
		Titel: "Tekening", Auteur: "Aanvrager", Bestandsnaam: "tekening.pdf", Inhoud: []byte("%PDF-1.7 tekening"),
		Creatiedatum: stappen[4].Tijd, Geregistreerd: stappen[4].Tijd.Add(time.Minute)})
	status := z.Status(e.om.Typen[zgwtest.Gemeente]["statustype:Doorgezet naar omgevingsdienst"], stappen[5].Tijd, "")
	tok := e.Token(zgwtest.Gemeente, dossier.RolOrganisatie)
	burst := []string{
		notificatie(zgw.KanaalDocumenten, doc, "enkelvoudiginformatieobject", doc),
		notificatie(zgw.KanaalZaken, zaak, "zaakinformatieobject", zaak+"/zio"),
		notificatie(zgw.KanaalZaken, zaak, "status", status),
	}
	for i := 0; i < 10; i++ {
		burst = append(burst, notificatie(zgw.KanaalZaken, zaak, "zaak", zaak))
	}
	e.om.Gemeente.ResetHits()
	for _, n := range burst {
		if r := e.Client(tok).Do(http.MethodPost, "/api/v1/notificaties", "application/json", strings.NewReader(n)); r.Code != http.StatusNoContent {
			t.Fatalf("POST /api/v1/notificaties: %d %s", r.Code, r.Body)
		}
	}
	if n := e.om.Gemeente.Hits("/"); n != 0 {
		t.Errorf("the webhook called the source %d times before the debounce ended", n)
	}
	synced, err := e.Collector.VerwerkNotificaties(context.Background())
	if err != nil || synced != 1 {
		t.Fatalf("%d zaken synced after a burst of %d notifications, want 1 (err %v)", synced, len(burst), err)
	}
	if n := e.om.Gemeente.Hits("/statussen?zaak=" + url.QueryEscape(zaak)); n != 1 {
		t.Errorf("the zaak's statussen were read %d times, want once", n)
	}
	d := e.ReadDossier(id)
	if d.Zaak.Fase != 2 || len(d.Documenten) != 2 {
		t.Errorf("after the notifications: fase %d, %d documents", d.Zaak.Fase, len(d.Documenten))
	}
	if synced, _ := e.Collector.VerwerkNotificaties(context.Background()); synced != 0 {
		t.Errorf("%d zaken synced again without a new notification", synced)
	}
}

func TestNotificationForAnUnknownDocumentFindsItsZaak(t *testing.T) {
	e := newEnv(t)
	stappen := zgwtest.Seed(1)
	urls := e.om.Voer(1, stappen[:2])
	e.sync(zgw.SyncOptions{})
	doc := e.om.Gemeente.ZaakVan(urls[zgwtest.Gemeente]).Document(zgwtest.NieuwDocument{
		Informatieobjecttype: e.om.Typen[zgwtest.Gemeente]["informatieobjecttype:aanvraagformulier"], Titel: "Aanvraag", Auteur: "A",
		Bestandsnaam: "aanvraag.pdf", Inhoud: []byte("%PDF aanvraag"), Creatiedatum: stappen[1].Tijd, Geregistreerd: stappen[1].Tijd.Add(time.Minute)})
	tok := e.Token(zgwtest.Gemeente, dossier.RolOrganisatie)
	if r := e.Client(tok).Do(http.MethodPost, "/api/v1/notificaties", "application/json", strings.NewReader(notificatie(zgw.KanaalDocumenten, doc, "enkelvoudiginformatieobject", doc))); r.Code != http.StatusNoContent {
		t.Fatalf("POST: %d %s", r.Code, r.Body)
	}
	if n, err := e.Collector.VerwerkNotificaties(context.Background()); n != 1 || err != nil {
		t.Fatalf("synced %d, err %v", n, err)
	}
	if d := e.ReadDossier(e.dossiers()[0]); len(d.Documenten) != 1 {
		t.Errorf("the notified document is not in the dossier: %d documents", len(d.Documenten))
	}
}

func TestNotificationWebhookChecksWhoSendsWhat(t *testing.T) {
	e := newEnv(t)
	urls := e.om.Voer(1, zgwtest.Seed(1)[:2])
	gemZaak := urls[zgwtest.Gemeente]
	gem := e.Token(zgwtest.Gemeente, dossier.RolOrganisatie)
	od := e.Token(zgwtest.Omgevingsdienst, dossier.RolOrganisatie)
	kcc := e.Token(zgwtest.Gemeente, dossier.RolKCC)
	for _, c := range []struct {
		name, tok, body string
		want            int
	}{
		{"no token", "", notificatie(zgw.KanaalZaken, gemZaak, "zaak", gemZaak), http.StatusUnauthorized},
		{"a kcc token", kcc, notificatie(zgw.KanaalZaken, gemZaak, "zaak", gemZaak), http.StatusForbidden},
		{"another organisation's zaak", od, notificatie(zgw.KanaalZaken, gemZaak, "zaak", gemZaak), http.StatusForbidden},
		{"not a notification", gem, `{"kanaal": 3}`, http.StatusBadRequest},
		{"no hoofdObject", gem, `{"kanaal": "zaken"}`, http.StatusBadRequest},
		{"another kanaal is ignored", gem, notificatie("autorisaties", "http://elders/x", "applicatie", "http://elders/x"), http.StatusNoContent},
		{"its own zaak", gem, notificatie(zgw.KanaalZaken, gemZaak, "zaak", gemZaak), http.StatusNoContent},
	} {
		if r := e.Client(c.tok).Do(http.MethodPost, "/api/v1/notificaties", "application/json", strings.NewReader(c.body)); r.Code != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, r.Code, r.Body, c.want)
		}
	}
	if n, _ := e.Collector.VerwerkNotificaties(context.Background()); n != 1 {
		t.Errorf("%d zaken synced, want only the one accepted", n)
	}
}

func TestRunSyncsANotifiedZaakAfterTheDebounce(t *testing.T) {
	e := newEnv(t, func(o *zgw.Options) { o.Debounce = time.Millisecond })
	stappen := zgwtest.Seed(1)
	urls := e.om.Voer(1, stappen[:5])
	e.sync(zgw.SyncOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.Collector.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	e.om.Gemeente.ZaakVan(urls[zgwtest.Gemeente]).Status(e.om.Typen[zgwtest.Gemeente]["statustype:Doorgezet naar omgevingsdienst"], stappen[5].Tijd, "")
	tok := e.Token(zgwtest.Gemeente, dossier.RolOrganisatie)
	zaak := urls[zgwtest.Gemeente]
	if r := e.Client(tok).Do(http.MethodPost, "/api/v1/notificaties", "application/json", strings.NewReader(notificatie(zgw.KanaalZaken, zaak, "status", zaak))); r.Code != http.StatusNoContent {
		t.Fatalf("POST: %d %s", r.Code, r.Body)
	}
	e.Clock.Advance(time.Millisecond) // the debounce time passes
	id := e.dossiers()[0]
	for deadline := time.Now().Add(20 * time.Second); e.ReadDossier(id).Zaak.Fase != 2; {
		if time.Now().After(deadline) {
			t.Fatal("the notified zaak was not synced by the running worker")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestZaakSyncedOnlyByNotificationIsRecordedOnceAndNotDuplicated(t *testing.T) {
	e := newEnv(t)
	urls := e.om.Voer(1, zgwtest.Seed(1)[:5])
	for i := 0; i < 2; i++ {
		rap, err := e.Collector.SyncZaak(context.Background(), urls[zgwtest.Gemeente])
		if err != nil || !rap.OK() {
			t.Fatalf("sync %d of a zaak never listed: %v\n%s", i, err, report(rap))
		}
	}
	if ids := e.dossiers(); len(ids) != 1 {
		t.Fatalf("dossiers %v after two syncs of one notified zaak", ids)
	}
	if st := zaakStates(t, e.DB()); len(st) != 1 || !strings.Contains(st[0], zgw.ZaakVolledig) {
		t.Errorf("source zaken %v, want the notified zaak recorded as volledig", st)
	}
	// The omgevingsdienst's zaak appears and points at it: a notification about it joins it.
	od := e.om.Voer(1, zgwtest.Seed(1)[5:9])[zgwtest.Omgevingsdienst]
	if _, err := e.Collector.SyncZaak(context.Background(), od); err != nil {
		t.Fatal(err)
	}
	if ids := e.dossiers(); len(ids) != 1 || e.ReadDossier(ids[0]).Zaak.Fase != 3 {
		t.Errorf("after the omgevingsdienst's zaak: dossiers %v", ids)
	}
}
