package zgw

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"zaakarchief/dossier"
)

// zgwSeeds are answers of the ZGW APIs as Open Zaak gives them, one per resource the collector
// reads, and a few broken ones.
var zgwSeeds = []string{
	`{"count":1,"next":null,"previous":null,"results":[{"url":"http://zgw.test/zaken/api/v1/zaken/5f3e","uuid":"5f3e","identificatie":"ZAAK-2026-0000001","bronorganisatie":"002220647","omschrijving":"Dakkapel Kerkstraat 1","toelichting":"","zaaktype":"http://zgw.test/catalogi/api/v1/zaaktypen/1","registratiedatum":"2026-01-05","startdatum":"2026-01-05","einddatum":null,"laatstGemuteerd":"2026-01-05T10:00:00.123456Z","status":"http://zgw.test/zaken/api/v1/statussen/1","resultaat":null,"hoofdzaak":null,"relevanteAndereZaken":[],"kenmerken":[{"kenmerk":"OLO-1","bron":"omgevingsloket"}],"eigenschappen":[],"rollen":["http://zgw.test/zaken/api/v1/rollen/1"],"zaakinformatieobjecten":[]}]}`,
	`{"url":"http://zgw.test/zaken/api/v1/statussen/1","zaak":"http://zgw.test/zaken/api/v1/zaken/5f3e","statustype":"http://zgw.test/catalogi/api/v1/statustypen/1","datumStatusGezet":"2026-01-05T10:00:00","statustoelichting":"ontvangen"}`,
	`{"url":"http://zgw.test/zaken/api/v1/rollen/1","zaak":"http://zgw.test/zaken/api/v1/zaken/5f3e","betrokkene":"","betrokkeneType":"natuurlijk_persoon","afwijkendeNaamBetrokkene":"","roltype":"http://zgw.test/catalogi/api/v1/roltypen/1","omschrijving":"Aanvrager","omschrijvingGeneriek":"initiator","roltoelichting":"","registratiedatum":"2026-01-05T10:00:00+01:00","betrokkeneIdentificatie":{"geslachtsnaam":"Jansen","voorvoegselGeslachtsnaam":"","voorletters":"J.","voornamen":"Jan"}}`,
	`{"url":"http://zgw.test/documenten/api/v1/enkelvoudiginformatieobjecten/9","identificatie":"DOC-1","bronorganisatie":"002220647","creatiedatum":"2026-01-05","titel":"Aanvraag","vertrouwelijkheidaanduiding":"zaakvertrouwelijk","auteur":"J. Jansen","status":"definitief","formaat":"application/pdf","taal":"nld","versie":1,"bestandsnaam":"aanvraag.pdf","bestandsomvang":3000,"inhoud":"http://zgw.test/documenten/api/v1/enkelvoudiginformatieobjecten/9/download","informatieobjecttype":"http://zgw.test/catalogi/api/v1/informatieobjecttypen/1","integriteit":{"algoritme":"sha_256","waarde":"31d5b181c32faf644e8012bc1736e062ea296a36e70421914fe8bf720a2e8acd","datum":"2026-01-05"}}`,
	`{"url":"http://zgw.test/besluiten/api/v1/besluiten/3","identificatie":"B-1","besluittype":"http://zgw.test/catalogi/api/v1/besluittypen/1","zaak":"http://zgw.test/zaken/api/v1/zaken/5f3e","datum":"2026-03-01","ingangsdatum":"2026-03-02","vervaldatum":null}`,
	`[{"uuid":"a","bron":"ZRC","actie":"create","resultaat":201,"hoofdObject":"http://zgw.test/zaken/api/v1/zaken/5f3e","resource":"zaak","resourceUrl":"http://zgw.test/zaken/api/v1/zaken/5f3e","aanmaakdatum":"2026-01-05T10:00:00Z"}]`,
	`{"url":"http://zgw.test/catalogi/api/v1/statustypen/1","omschrijving":"Aanvraag ontvangen","volgnummer":1,"zaaktype":"http://zgw.test/catalogi/api/v1/zaaktypen/1"}`,
	`{"laatstGemuteerd":"2026-13-45T99:00:00"}`,
	`{"registratiedatum":12}`,
	`null`,
}

// FuzzZGWAntwoord decodes arbitrary answers as each resource the collector reads from a ZGW
// source and uses what the collector derives from them (names, dates, URLs): no answer may
// panic, and what decodes writes out and decodes again to the same (the lenient date-time
// parser Tijd included).
func FuzzZGWAntwoord(f *testing.F) {
	for _, s := range zgwSeeds {
		for soort := range 13 {
			f.Add([]byte(s), uint8(soort))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, soort uint8) {
		targets := []func() any{
			func() any { return new(pagina[Zaak]) },
			func() any { return new(Zaak) },
			func() any { return new(Status) },
			func() any { return new(Resultaat) },
			func() any { return new(Rol) },
			func() any { return new(pagina[Rol]) },
			func() any { return new(ZaakEigenschap) },
			func() any { return new(ZaakInformatieObject) },
			func() any { return new(EnkelvoudigInformatieObject) },
			func() any { return new(Besluit) },
			func() any { return new([]AuditTrail) },
			func() any { return new(Zaaktype) },
			func() any { return new(Catalogustype) },
		}
		newV := targets[int(soort)%len(targets)]
		v := newV()
		if json.Unmarshal(data, v) != nil {
			return
		}
		switch x := v.(type) {
		case *Rol:
			_ = x.Naam()
		case *pagina[Rol]:
			for i := range x.Results {
				_ = x.Results[i].Naam()
			}
		case *Catalogustype:
			_ = x.sleutelNaam()
		case *pagina[Zaak]:
			for _, z := range x.Results {
				_, _ = datum("startdatum", z.Startdatum)
				_ = canonical(z.URL)
				_ = stripQuery(z.URL)
			}
		case *Zaak:
			_, _ = datum("startdatum", x.Startdatum)
			if x.Einddatum != nil {
				_, _ = datum("einddatum", *x.Einddatum)
			}
			_ = canonical(x.URL)
		}
		once, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("decoded %q, but cannot write it out: %v", data, err)
		}
		w := newV()
		if err := json.Unmarshal(once, w); err != nil {
			t.Fatalf("decoded %q, but not what it wrote out of it, %s: %v", data, once, err)
		}
		twice, err := json.Marshal(w)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(once, twice) {
			t.Fatalf("decoding %q changes on a round trip:\n%s\n%s", data, once, twice)
		}
	})
}

// FuzzNotificatie delivers arbitrary bodies to the notification webhook's receiver as the
// gemeente, whose source is http://zgw.test: it must not panic, a refusal is a *dossier.Fout of
// kind invalid, too large or forbidden, and an accepted notification of a known kanaal is queued
// for its hoofdObject (without query or fragment).
func FuzzNotificatie(f *testing.F) {
	for _, s := range []string{
		`{"kanaal":"zaken","hoofdObject":"http://zgw.test/zaken/api/v1/zaken/5f3e","resource":"status","resourceUrl":"http://zgw.test/zaken/api/v1/statussen/1","actie":"create","aanmaakdatum":"2026-01-05T10:00:00Z","kenmerken":{"bronorganisatie":"002220647"}}`,
		`{"kanaal":"documenten","hoofdObject":"http://zgw.test/documenten/api/v1/enkelvoudiginformatieobjecten/9","resource":"enkelvoudiginformatieobject","resourceUrl":"http://zgw.test/documenten/api/v1/enkelvoudiginformatieobjecten/9","actie":"update","aanmaakdatum":"2026-01-05T10:00:00"}`,
		`{"kanaal":"besluiten","hoofdObject":"http://elders.test/besluiten/api/v1/besluiten/1"}`,
		`{"kanaal":"autorisaties","hoofdObject":"x"}`,
		`{"kanaal":"zaken","aanmaakdatum":"gisteren"}`,
		`{"kanaal":"zaken","hoofdObject":"http://zgw.test:99999/zaken"}`,
		`[]`,
	} {
		f.Add([]byte(s))
	}
	b := &Bron{Organisatie: "gemeente", ZakenAPI: "http://zgw.test/zaken/api/v1", DocumentenAPI: "http://zgw.test/documenten/api/v1",
		BesluitenAPI: "http://zgw.test/besluiten/api/v1", CatalogiAPI: "http://zgw.test/catalogi/api/v1"}
	actor := dossier.Actor{Organisatie: "gemeente", Rol: dossier.RolOrganisatie}
	f.Fuzz(func(t *testing.T, body []byte) {
		c := &Collector{bronnen: []*Bron{b}, metrics: newMetrics(prometheus.NewRegistry()), log: slog.New(slog.DiscardHandler), now: time.Now}
		c.queue = newWachtrij(c, time.Hour)
		err := c.Ontvang(context.Background(), actor, bytes.NewReader(body))
		if err != nil {
			var fout *dossier.Fout
			if !errors.As(err, &fout) || !(errors.Is(err, dossier.ErrInvalid) || errors.Is(err, dossier.ErrTooLarge) || errors.Is(err, dossier.ErrForbidden)) {
				t.Fatalf("refusal %v (%T) is not a dossier.Fout of kind invalid, too large or forbidden", err, err)
			}
			return
		}
		var n Notificatie
		if json.Unmarshal(body, &n) != nil {
			t.Fatalf("accepted %q, which is no notification", body)
		}
		if n.Kanaal != KanaalZaken && n.Kanaal != KanaalDocumenten && n.Kanaal != KanaalBesluiten {
			return
		}
		c.queue.mu.Lock()
		_, queued := c.queue.pending[n.Kanaal+" "+stripQuery(n.HoofdObject)]
		c.queue.mu.Unlock()
		if !queued || !strings.HasPrefix(strings.ToLower(n.HoofdObject), "http") {
			t.Fatalf("accepted notification %q: queued %v", body, queued)
		}
	})
}
