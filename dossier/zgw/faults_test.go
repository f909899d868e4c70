package zgw_test

import (
	"context"
	"errors"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"zaakarchief/dossier/sqldb"
	"zaakarchief/dossier/zgw"
	"zaakarchief/dossier/zgw/zgwtest"
)

// voerZaken puts n complete seed zaken into both sources and returns the gemeente's zaak URLs.
func voerZaken(om *zgwtest.Omgeving, n int) []string {
	var out []string
	for nr := 1; nr <= n; nr++ {
		out = append(out, om.Voer(nr, zgwtest.Seed(nr))[zgwtest.Gemeente])
	}
	return out
}

func TestSourceThatIsDownIsRetriedReportedAndDoesNotStopTheOtherSource(t *testing.T) {
	e := newEnv(t, fast)
	stappen := zgwtest.Seed(1)
	e.om.Voer(1, stappen[:8])
	e.om.Omgevingsdienst.Close()
	rap := e.sync(zgw.SyncOptions{})
	if rap.OK() {
		t.Fatalf("a pass with a source down reports ok:\n%s", report(rap))
	}
	var od, gem zgw.BronRapport
	for _, b := range rap.Bronnen {
		switch b.Organisatie {
		case zgwtest.Omgevingsdienst:
			od = b
		case zgwtest.Gemeente:
			gem = b
		}
	}
	if od.Fout == "" || gem.Fout != "" || gem.Zaken != 1 {
		t.Errorf("bronnen: gemeente %+v, omgevingsdienst %+v", gem, od)
	}
	if ids := e.dossiers(); len(ids) != 1 || e.ReadDossier(ids[0]).Zaak.Fase != 2 {
		t.Errorf("the gemeente's zaak was not collected while the omgevingsdienst is down: %v", ids)
	}
	st, err := e.Collector.Status(context.Background(), systeem)
	if err != nil {
		t.Fatal(err)
	}
	if st[1].Organisatie != zgwtest.Omgevingsdienst || st[1].Status != "fout" || st[1].OpeenvolgendeFouten != 1 || st[0].Status != "ok" {
		t.Errorf("status: %+v", st)
	}
	if v := metric(t, e, "zaakarchief_zgw_bron_up", zgwtest.Omgevingsdienst); v != 0 {
		t.Errorf("zaakarchief_zgw_bron_up{bron=omgevingsdienst} = %v, want 0", v)
	}
	if n := countMetric(t, e, "zaakarchief_zgw_retries_total"); n < 2 {
		t.Errorf("retries %v: a source that is down must be retried", n)
	}
}

func TestSlowSourceIsRetriedAfterItsTimeout(t *testing.T) {
	e := newEnv(t, fast, func(o *zgw.Options) { o.Timeout = 100 * time.Millisecond })
	e.om.Voer(1, zgwtest.Seed(1))
	e.om.Gemeente.Fail(zgwtest.Fault{Kind: zgwtest.Slow, Path: "/statussen", Times: 1})
	rap := e.sync(zgw.SyncOptions{})
	if !rap.OK() || len(e.dossiers()) != 1 {
		t.Fatalf("a source slow once:\n%s", report(rap))
	}
	if n := countMetric(t, e, "zaakarchief_zgw_retries_total"); n < 1 {
		t.Errorf("no retry counted for a request that timed out")
	}
}

func TestServerErrorsAndMalformedJSONAreRetried(t *testing.T) {
	for _, f := range []zgwtest.Fault{
		{Kind: zgwtest.Status, Status: 503, Path: "/zaken/api/v1/zaken?", Times: 2},
		{Kind: zgwtest.Status, Status: 502, Path: "/zaakinformatieobjecten", Times: 1},
		{Kind: zgwtest.Malformed, Path: "/statussen", Times: 2},
		{Kind: zgwtest.Down, Path: "/enkelvoudiginformatieobjecten", Times: 1},
		{Kind: zgwtest.Corrupt, Path: "/download", Times: 1},
	} {
		e := newEnv(t, fast)
		e.om.Voer(1, zgwtest.Seed(1))
		e.om.Gemeente.Fail(f)
		rap := e.sync(zgw.SyncOptions{})
		if !rap.OK() || len(e.dossiers()) != 1 || e.ReadDossier(e.dossiers()[0]).Zaak.Fase != 5 {
			t.Errorf("fault %+v that passes: not recovered\n%s", f, report(rap))
		}
	}
}

func TestOneBadZaakDoesNotStopTheOthersAndIsNotShownAsComplete(t *testing.T) {
	for _, f := range []struct {
		name  string
		fault func(zaak string) zgwtest.Fault
		reden string
	}{
		{"5xx", func(z string) zgwtest.Fault {
			return zgwtest.Fault{Kind: zgwtest.Status, Status: 500, Path: "/statussen?zaak=" + url.QueryEscape(z)}
		}, "500"},
		{"malformed JSON", func(z string) zgwtest.Fault {
			return zgwtest.Fault{Kind: zgwtest.Malformed, Path: "/rollen?zaak=" + url.QueryEscape(z)}
		}, "malformed JSON"},
		{"checksum", func(z string) zgwtest.Fault {
			return zgwtest.Fault{Kind: zgwtest.Corrupt, Path: "download"}
		}, "checksum"},
	} {
		t.Run(f.name, func(t *testing.T) {
			e := newEnv(t, fast)
			zaken := voerZaken(e.om, 3)
			if f.name == "checksum" {
				// Only the second zaak's application form is served corrupt.
				doc := e.om.Gemeente.DocumentVan(zaken[1], "Aanvraag omgevingsvergunning")
				e.om.Gemeente.Fail(zgwtest.Fault{Kind: zgwtest.Corrupt, Path: strings.TrimPrefix(doc, e.om.Gemeente.URL) + "/download"})
			} else {
				e.om.Gemeente.Fail(f.fault(zaken[1]))
			}
			rap := e.sync(zgw.SyncOptions{})
			if rap.OK() || rap.Tel(zgw.MeldingFout) != 1 || len(e.dossiers()) != 2 {
				t.Fatalf("one bad zaak: ok %v, %d failed, dossiers %v\n%s", rap.OK(), rap.Tel(zgw.MeldingFout), e.dossiers(), report(rap))
			}
			for _, m := range rap.Meldingen {
				if m.Soort == zgw.MeldingFout && (!strings.Contains(m.Reden, f.reden) || !strings.Contains(m.Reden, zaken[1])) {
					t.Errorf("failure %+v, want zaak %s and a reason with %q", m, zaken[1], f.reden)
				}
			}
			failed := 0
			for _, s := range zaakStates(t, e.DB()) {
				if strings.Contains(s, " "+zgw.ZaakFout+" ") {
					failed++
				}
			}
			if failed != 2 {
				t.Errorf("source zaak states %v: want the bad zaak and its linked zaak marked fout", zaakStates(t, e.DB()))
			}
			// Nothing of the bad zaak is in a dossier: all or nothing per pass.
			for _, id := range e.dossiers() {
				if d := e.ReadDossier(id); d.Zaak.Omschrijving == "Dakkapel Kerkstraat 2" {
					t.Errorf("the failed zaak is in dossier %s", id)
				}
			}
			e.om.Gemeente.Heal()
			rap = e.sync(zgw.SyncOptions{})
			if !rap.OK() || len(e.dossiers()) != 3 || rap.NieuweDossiers != 1 {
				t.Errorf("after the source recovered: %d dossiers\n%s", len(e.dossiers()), report(rap))
			}
		})
	}
}

func TestPageLoopIsDetectedAndReported(t *testing.T) {
	e := newEnv(t, fast)
	voerZaken(e.om, 3)
	e.om.Gemeente.SetPageSize(1)
	e.om.Gemeente.Fail(zgwtest.Fault{Kind: zgwtest.PageLoop, Path: "/zaken/api/v1/zaken?"})
	rap := e.sync(zgw.SyncOptions{Bron: zgwtest.Gemeente})
	if rap.OK() || len(rap.Bronnen) != 1 || !strings.Contains(rap.Bronnen[0].Fout, "page loop") {
		t.Fatalf("a page loop:\n%s", report(rap))
	}
	e.om.Gemeente.Heal()
	rap = e.sync(zgw.SyncOptions{Bron: zgwtest.Gemeente})
	if !rap.OK() || len(e.dossiers()) != 3 {
		t.Errorf("after the loop is gone, with pages of one: %d dossiers\n%s", len(e.dossiers()), report(rap))
	}
}

func TestWrongCredentialsAreNotRetried(t *testing.T) {
	e := newEnv(t, fast, func(o *zgw.Options) {
		o.Getenv = func(name string) string {
			if name == zgwtest.GemeenteSecretEnv {
				return "niet-het-geheim"
			}
			return ""
		}
	})
	voerZaken(e.om, 1)
	rap := e.sync(zgw.SyncOptions{})
	if rap.OK() || !strings.Contains(rap.Bronnen[0].Fout, "403") || !strings.Contains(rap.Bronnen[1].Fout, zgwtest.OmgevingsdienstSecret) {
		t.Fatalf("wrong secret, missing secret:\n%s", report(rap))
	}
	if n := e.om.Gemeente.Hits("/zaken/api/v1/zaken?"); n != 1 {
		t.Errorf("a 403 was requested %d times, want once", n)
	}
}

func TestSyncCutOffAtAnyItemResumesWithoutDuplicates(t *testing.T) {
	om := zgwtest.NewOmgeving(t)
	voerZaken(om, 2)
	ref := newEnvWith(t, om)
	ref.sync(zgw.SyncOptions{})
	want := map[string]string{}
	total := 0
	for _, id := range ref.dossiers() {
		d := ref.ReadDossier(id)
		want[d.Zaak.Omschrijving] = normalized(t, d)
		total += len(d.Statussen) + len(d.Documenten) + len(d.Besluiten) + len(d.Eigenschappen) + len(d.Rollen) + 1
	}
	for cut := 1; cut < total; cut++ {
		e := newEnvWith(t, om, func(o *zgw.Options) { o.Workers = 1 })
		ctx, cancel := context.WithCancel(context.Background())
		n := 0
		zgw.SetItemHook(e.Collector, func(string) {
			if n++; n == cut {
				// The item is in the dossier; the collector has not written that down, nor
				// anything since its last batch: the process dies here.
				cancel()
				runtime.Goexit()
			}
		})
		_, err := e.Collector.Sync(ctx, zgw.SyncOptions{})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cut at item %d: sync returned %v, want it cancelled", cut, err)
		}
		e.restart()
		rap := e.sync(zgw.SyncOptions{})
		if !rap.OK() {
			t.Fatalf("cut at item %d: the resumed pass failed\n%s", cut, report(rap))
		}
		ids := e.dossiers()
		if len(ids) != len(want) {
			t.Fatalf("cut at item %d: dossiers %v", cut, ids)
		}
		for _, id := range ids {
			d := e.ReadDossier(id)
			if g := normalized(t, d); g != want[d.Zaak.Omschrijving] {
				t.Errorf("cut at item %d: dossier %s differs from an uncut pass:\n%s\nwant\n%s", cut, id, g, want[d.Zaak.Omschrijving])
			}
		}
		if st := itemStates(t, e.DB()); st[zgw.ItemBezig] != 0 {
			t.Errorf("cut at item %d: items left bezig %v", cut, st)
		}
		for _, s := range zaakStates(t, e.DB()) {
			if !strings.Contains(s, zgw.ZaakVolledig) {
				t.Errorf("cut at item %d: source zaak %q", cut, s)
			}
		}
		if n := reconciled(t, e); n < 1 {
			t.Errorf("cut at item %d: no item reconciled, want at least the one recorded when the pass was cut off", cut)
		}
	}
}

func TestIncompleteZaakIsMarkedWhileAPassIsCutOff(t *testing.T) {
	e := newEnv(t, func(o *zgw.Options) { o.Workers = 1 })
	voerZaken(e.om, 1)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	zgw.SetItemHook(e.Collector, func(string) {
		if n++; n == 4 {
			cancel()
		}
	})
	if _, err := e.Collector.Sync(ctx, zgw.SyncOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("sync: %v", err)
	}
	st, err := e.Collector.Status(context.Background(), systeem)
	if err != nil {
		t.Fatal(err)
	}
	if st[0].Zaken[zgw.ZaakOnvolledig] != 1 || st[0].Zaken[zgw.ZaakVolledig] != 0 {
		t.Errorf("a zaak cut off half-way shows as %v, want onvolledig", st[0].Zaken)
	}
	ms, err := e.Collector.Meldingen(context.Background(), systeem, zgwtest.Gemeente, 10)
	if err != nil || len(ms) != 1 || !strings.Contains(ms[0].Reden, "incomplete") {
		t.Errorf("meldingen of a zaak cut off: %+v %v", ms, err)
	}
}

// metric reads one labelled gauge or counter from the env's registry.
func metric(t *testing.T, e *env, name, bron string) float64 {
	t.Helper()
	mfs, err := e.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.Metric {
			for _, l := range m.Label {
				if l.GetName() == "bron" && l.GetValue() == bron {
					return m.GetGauge().GetValue() + m.GetCounter().GetValue()
				}
			}
		}
	}
	t.Fatalf("metric %s{bron=%s} not found", name, bron)
	return 0
}

// countMetric sums a metric over its labels.
func countMetric(t *testing.T, e *env, name string) float64 {
	t.Helper()
	mfs, err := e.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, mf := range mfs {
		if mf.GetName() == name {
			for _, m := range mf.Metric {
				sum += m.GetGauge().GetValue() + m.GetCounter().GetValue()
			}
		}
	}
	return sum
}

// reconciled counts the items a resumed pass found in the dossier already.
func reconciled(t *testing.T, e *env) int {
	t.Helper()
	var n int
	err := e.DB().View(context.Background(), func(tx *sqldb.Tx) error {
		return tx.QueryRow(context.Background(), `SELECT COUNT(*) FROM zgw_items WHERE reden = ?`, "recorded before the previous pass stopped").Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
