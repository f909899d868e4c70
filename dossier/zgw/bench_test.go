package zgw_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"zaakarchief/dossier/zgw"
	"zaakarchief/dossier/zgw/zgwtest"
)

// benchZaken is the number of zaken of the sync benchmark: ZGW_BENCH_ZAKEN, default 200 (the
// issue's figure is 10000: ZGW_BENCH_ZAKEN=10000 go test -run '^$' -bench BenchmarkSync
// -benchtime 1x ./dossier/zgw/).
func benchZaken(b *testing.B) int {
	if v := os.Getenv("ZGW_BENCH_ZAKEN"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("ZGW_BENCH_ZAKEN=%q is not a positive number", v)
		}
		return n
	}
	return 200
}

// benchDocs is the number of documents per zaak.
const benchDocs = 5

// voerBench puts n zaken of the gemeente into its source: registered, five documents (the
// application form and four attachments), the applicant, handed over to the omgevingsdienst.
func voerBench(om *zgwtest.Omgeving, n int) {
	g := om.Gemeente
	typ := om.Typen[zgwtest.Gemeente]
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, amsterdam)
	for i := 0; i < n; i++ {
		t := start.Add(time.Duration(i) * time.Minute)
		z := g.Zaak(zgwtest.NieuweZaak{Zaaktype: typ["zaaktype"], Identificatie: fmt.Sprintf("ZAAK-2026-%010d", i+1),
			Omschrijving: fmt.Sprintf("Aanvraag %d", i+1), Startdatum: t, Aangemaakt: t})
		z.Status(typ["statustype:Aanvraag ontvangen"], t, "")
		for d := 0; d < benchDocs; d++ {
			iot, titel := typ["informatieobjecttype:bijlage"], fmt.Sprintf("Bijlage %d", d)
			if d == 0 {
				iot, titel = typ["informatieobjecttype:aanvraagformulier"], "Aanvraagformulier"
			}
			z.Document(zgwtest.NieuwDocument{Informatieobjecttype: iot, Titel: titel, Auteur: "Aanvrager", Bestandsnaam: fmt.Sprintf("doc%d.pdf", d),
				Inhoud: []byte(fmt.Sprintf("%%PDF-1.7\n%% zaak %d document %d\n%%%%EOF\n", i, d)), Creatiedatum: t, Geregistreerd: t.Add(time.Duration(d+1) * time.Second)})
		}
		z.Rol(typ["roltype:aanvrager"], zgwtest.Persoon{Voorletters: "J.", Geslachtsnaam: fmt.Sprintf("Jansen-%d", i)}, t.Add(10*time.Second))
		z.Status(typ["statustype:Doorgezet naar omgevingsdienst"], t.Add(30*time.Second), "")
	}
}

// BenchmarkSync measures a first sync of zaken with five documents each from a loopback ZGW
// source into an empty dossier store (SQLite file, blob directory), and a second pass that
// finds nothing new.
func BenchmarkSync(b *testing.B) {
	n := benchZaken(b)
	om := zgwtest.NewOmgeving(b)
	voerBench(om, n)
	b.Run(fmt.Sprintf("first/zaken=%d", n), func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			e := newEnvWith(b, om)
			b.StartTimer()
			rap := e.sync(zgw.SyncOptions{Bron: zgwtest.Gemeente})
			b.StopTimer()
			if !rap.OK() || rap.NieuweDossiers != n || rap.Vastgelegd[zgw.SoortDocument] != n*benchDocs {
				b.Fatalf("sync of %d zaken: %d dossiers, %v\n%s", n, rap.NieuweDossiers, rap.Vastgelegd, report(rap))
			}
			b.StartTimer()
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "zaken/s")
		b.ReportMetric(float64(n*benchDocs*b.N)/b.Elapsed().Seconds(), "documenten/s")
	})
	b.Run(fmt.Sprintf("again/zaken=%d", n), func(b *testing.B) {
		b.StopTimer()
		e := newEnvWith(b, om)
		e.sync(zgw.SyncOptions{Bron: zgwtest.Gemeente})
		b.StartTimer()
		for range b.N {
			rap := e.sync(zgw.SyncOptions{Bron: zgwtest.Gemeente})
			if !rap.OK() || len(rap.Vastgelegd) != 0 {
				b.Fatalf("a second pass recorded %v", rap.Vastgelegd)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "zaken/s")
	})
}
