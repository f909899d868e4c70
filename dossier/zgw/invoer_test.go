package zgw_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"zaakarchief/cmd/zaakarchief/daemon"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier/zgw"
	"zaakarchief/dossier/zgw/zgwtest"
)

// Parts of a source zaak that could never be archived are refused one by one, as the collector
// refuses what the agreement does not allow, and reported with the reason; the rest of the zaak
// comes in. A titel that is not UTF-8 at the source (a Latin-1 byte, a lone surrogate escape)
// is refused too, instead of being silently changed into U+FFFD.
func TestCollectorRefusesPartsThatCanNeverBeArchived(t *testing.T) {
	om := zgwtest.NewOmgeving(t)
	k := daemontest.New(t, daemontest.WithOptions(func(o *daemon.Options) {
		o.Afspraak = om.Afspraak(t)
		o.Getenv = om.Getenv
	}))
	stappen := zgwtest.Seed(1)
	zaken := om.Voer(1, stappen[:5]) // the zaak, its first status, the aanvraag, a rol, an eigenschap
	bijlage := om.Typen[zgwtest.Gemeente]["informatieobjecttype:bijlage"]
	z := om.Gemeente.ZaakVan(zaken[zgwtest.Gemeente])
	at := time.Date(2026, 1, 5, 9, 30, 0, 0, time.UTC)
	doc := func(titel string, inhoud []byte) string {
		return z.Document(zgwtest.NieuwDocument{Informatieobjecttype: bijlage, Titel: titel, Auteur: "Behandelaar gemeente",
			Bestandsnaam: "bijlage.pdf", Formaat: "application/pdf", Inhoud: inhoud, Creatiedatum: at, Geregistreerd: at})
	}
	leeg := doc("Lege bijlage", nil)
	beveiligd := doc("Beveiligde bijlage", []byte("%PDF-1.7\n1 0 obj << >> endobj\ntrailer << /Root 1 0 R /Encrypt 2 0 R >>\n%%EOF\n"))
	nul := doc("Bijlage\x00met NUL", []byte("%PDF-1.7\n% bijlage\n%%EOF\n"))
	ruw := func(titel string) string {
		return z.Document(zgwtest.NieuwDocument{Informatieobjecttype: bijlage, RuweTitel: json.RawMessage(titel), Auteur: "Behandelaar gemeente",
			Bestandsnaam: "bijlage.pdf", Formaat: "application/pdf", Inhoud: []byte("%PDF-1.7\n% " + titel + "\n%%EOF\n"), Creatiedatum: at, Geregistreerd: at})
	}
	latin1 := ruw("\"Bijlage caf\xe9\"")
	surrogaat := ruw(`"Bijlage \ud800"`)
	doc("Goede bijlage", []byte("%PDF-1.7\n% goede bijlage\n%%EOF\n"))

	rap, err := k.Collector.Sync(context.Background(), zgw.SyncOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{leeg: "leeg", beveiligd: "wachtwoord", nul: "U+0000", latin1: "U+FFFE", surrogaat: "U+FFFE"}
	for _, m := range rap.Meldingen {
		if w, ok := want[m.Resource]; ok && m.Soort == zgw.MeldingGeweigerd && strings.Contains(m.Reden, w) {
			delete(want, m.Resource)
		}
	}
	if len(want) != 0 {
		t.Errorf("parts not reported as refused (resource: reason wanted): %v\nmeldingen %+v", want, rap.Meldingen)
	}
	var dossiers []string
	for _, m := range rap.Meldingen {
		if m.Dossier != "" {
			dossiers = append(dossiers, m.Dossier)
		}
	}
	if len(dossiers) == 0 {
		t.Fatalf("no dossier in the report: %+v", rap.Meldingen)
	}
	d := k.ReadDossier(dossiers[0])
	titels := map[string]bool{}
	for _, x := range d.Documenten {
		titels[x.Titel] = true
	}
	if !titels["Goede bijlage"] || !titels["Aanvraag omgevingsvergunning"] || len(d.Documenten) != 2 {
		t.Errorf("documents in the dossier: %v, want the aanvraag and the good bijlage only", titels)
	}
}
