package retention_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/configs"
	"zaakarchief/dossier"
	"zaakarchief/retention"
)

// The million-zaak benchmarks share one data directory, built once per test binary when a
// benchmark first asks for it (never under plain 'go test'). ZAAKARCHIEF_BENCH_ZAKEN sets the
// number of zaken (default 1,000,000).
var (
	benchOnce  sync.Once
	benchDir   string
	benchErr   error
	benchZaken int
)

// benchNu is the day the benchmarks run on: zaken closed 2010-2025 are due or not by their
// result.
var benchNu = time.Date(2026, time.June, 1, 10, 0, 0, 0, amsterdam)

var benchResultaten = []string{daemontest.Verleend, daemontest.Geweigerd, daemontest.BuitenBehandl, daemontest.Ingetrokken}

// benchData bulk-inserts the closed zaken with their resultaat and archival fields (derived by
// the same rules) directly with SQL in one transaction, and one hold on the zaken of 2012.
func benchData(b *testing.B) (string, int) {
	b.Helper()
	benchOnce.Do(func() {
		benchZaken = 1_000_000
		if v := os.Getenv("ZAAKARCHIEF_BENCH_ZAKEN"); v != "" {
			if benchZaken, benchErr = strconv.Atoi(v); benchErr != nil {
				return
			}
		}
		if benchDir, benchErr = os.MkdirTemp("", "zaakarchief-bench-"); benchErr != nil {
			return
		}
		start := time.Now()
		benchErr = fillBench(b, benchDir, benchZaken)
		fmt.Fprintf(os.Stderr, "bench setup: %d closed zaken inserted in %s\n", benchZaken, time.Since(start).Round(time.Millisecond))
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDir, benchZaken
}

func fillBench(b *testing.B, dir string, n int) error {
	ctx := context.Background()
	k := benchKit(b, dir)
	defer k.Close()
	bep := benchBepaler(k)
	tx, err := k.DB().W.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	zaakStmt, err := tx.PrepareContext(ctx, `INSERT INTO zaken (identificatie, bronorganisatie, zaaktype, omschrijving, startdatum, einddatum,
		vertrouwelijkheidaanduiding, fase, fase_sinds, archiefnominatie, archiefactiedatum, archiefstatus, startdatum_bewaartermijn,
		aangemaakt, gewijzigd) VALUES (?, '002220647', 'omgevingsvergunning', ?, ?, ?, 'zaakvertrouwelijk', 5, ?, ?, ?, 'nog_te_archiveren', ?, ?, ?)`)
	if err != nil {
		return err
	}
	resStmt, err := tx.PrepareContext(ctx, `INSERT INTO resultaten (zaak, resultaattype, fase, organisatie, geregistreerd) VALUES (?, ?, 4, 'gemeente', ?)`)
	if err != nil {
		return err
	}
	first := time.Date(2010, time.January, 4, 0, 0, 0, 0, time.UTC)
	days := int(time.Date(2025, time.December, 31, 0, 0, 0, 0, time.UTC).Sub(first).Hours() / 24)
	for i := 0; i < n; i++ {
		eind := first.AddDate(0, 0, (i*7919)%days)
		startd := eind.AddDate(0, 0, -56)
		id := fmt.Sprintf("ZAAK-%d-%07d", startd.Year(), i+1)
		rt := benchResultaten[i%len(benchResultaten)]
		e := dossier.DatumVan(eind.Date())
		d := &dossier.Dossier{Zaak: dossier.Zaak{Identificatie: id, Zaaktype: daemontest.Zaaktype, Einddatum: &e}, Resultaat: &dossier.Resultaat{Resultaattype: rt}}
		af, err := bep.Leid(d)
		if err != nil {
			return err
		}
		a := af.Archief()
		ts := eind.Format(time.RFC3339Nano)
		if _, err := zaakStmt.ExecContext(ctx, id, "bulk "+strconv.Itoa(i), startd.Format(time.DateOnly), e.String(), ts,
			a.Archiefnominatie, a.Archiefactiedatum.String(), a.StartdatumBewaartermijn.String(), ts, ts); err != nil {
			return err
		}
		if _, err := resStmt.ExecContext(ctx, id, rt, ts); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO retention_holds (id, soort, reden, bereik, van, tot, aangemaakt, aangemaakt_door)
		VALUES ('BV-bench', 'audit', 'onderzoek 2012', 'periode', '2012-01-01', '2012-12-31', ?, '{"rol":"recordmanager"}')`, benchNu.Format(time.RFC3339Nano)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = k.DB().W.ExecContext(ctx, `ANALYZE`)
	return err
}

// benchKit is the daemon on the benchmarks' data directory, on the day they run on.
func benchKit(b *testing.B, dir string) *daemontest.Kit {
	b.Helper()
	return daemontest.New(b, daemontest.WithDir(dir), daemontest.WithClock(daemontest.NewClock(benchNu)))
}

// benchBepaler is a Bepaler on the daemon's agreement and the embedded selectielijsten.
func benchBepaler(k *daemontest.Kit) *retention.Bepaler {
	b, err := retention.NewBepaler(retention.BepalerOptions{Afspraak: k.Dossier.Afspraak(), Lijsten: retention.NewLijsten(configs.FS),
		Overbrenging: retention.StandaardOverbrenging()})
	if err != nil {
		panic(err) // the default agreement and the embedded lists always make one
	}
	return b
}

// peakHeap samples the heap while a benchmark runs and reports the highest HeapAlloc seen.
type peakHeap struct {
	stop chan struct{}
	done chan uint64
}

func startPeakHeap() *peakHeap {
	runtime.GC()
	p := &peakHeap{stop: make(chan struct{}), done: make(chan uint64)}
	go func() {
		var peak uint64
		var m runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak {
				peak = m.HeapAlloc
			}
			select {
			case <-p.stop:
				p.done <- peak
				return
			case <-t.C:
			}
		}
	}()
	return p
}

func (p *peakHeap) report(b *testing.B) {
	close(p.stop)
	peak := <-p.done
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(m.Sys)/(1<<20), "sys-MB")
}

// BenchmarkDeriveMillionClosedZaken streams every closed zaak with its resultaat from the store
// and derives its archival fields with the Bepaler (rule from the agreement and the
// selectielijst, Derive, transfer date), as a re-derivation of the whole store would.
func BenchmarkDeriveMillionClosedZaken(b *testing.B) {
	dir, n := benchData(b)
	k := benchKit(b, dir)
	bep := benchBepaler(k)
	ctx := context.Background()
	peak := startPeakHeap()
	b.ResetTimer()
	for range b.N {
		rows, err := k.DB().R.QueryContext(ctx, `SELECT z.identificatie, z.einddatum, r.resultaattype FROM zaken z JOIN resultaten r ON r.zaak = z.identificatie WHERE z.einddatum IS NOT NULL`)
		if err != nil {
			b.Fatal(err)
		}
		count, vernietigen := 0, 0
		for rows.Next() {
			var id, eind, rt string
			if err := rows.Scan(&id, &eind, &rt); err != nil {
				b.Fatal(err)
			}
			e, err := dossier.ParseDatum(eind)
			if err != nil {
				b.Fatal(err)
			}
			af, err := bep.Leid(&dossier.Dossier{Zaak: dossier.Zaak{Identificatie: id, Zaaktype: daemontest.Zaaktype, Einddatum: &e}, Resultaat: &dossier.Resultaat{Resultaattype: rt}})
			if err != nil {
				b.Fatal(err)
			}
			if af.Uitkomst.Archiefnominatie == retention.NominatieVernietigen {
				vernietigen++
			}
			count++
		}
		if err := rows.Close(); err != nil {
			b.Fatal(err)
		}
		if count != n || vernietigen == 0 {
			b.Fatalf("derived %d zaken (%d vernietigen), want %d", count, vernietigen, n)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "zaken/s")
	peak.report(b)
}

// BenchmarkProposeMillionClosedZaken times one proposal over the store: select what is due,
// not held, not on a list, put it on a new list and audit it in each zaak's chain. Between
// iterations the list is removed again (untimed).
func BenchmarkProposeMillionClosedZaken(b *testing.B) {
	dir, n := benchData(b)
	k := benchKit(b, dir)
	ctx := context.Background()
	rm := dossier.Actor{Organisatie: daemontest.Gemeente, Rol: dossier.RolRecordmanager}
	peak := startPeakHeap()
	b.ResetTimer()
	var opgenomen int
	for range b.N {
		v, err := k.Retention.Propose(ctx, rm)
		if err != nil {
			b.Fatal(err)
		}
		if v.Lijst == nil || v.Bevroren == 0 {
			b.Fatalf("proposal %+v", v)
		}
		opgenomen = v.Opgenomen
		b.StopTimer()
		if err := benchReset(ctx, k.DB().W); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "zaken/s")
	b.ReportMetric(float64(opgenomen), "listed")
	peak.report(b)
}

func benchReset(ctx context.Context, db *sql.DB) error {
	for _, q := range []string{`DELETE FROM retention_lijst_items`, `DELETE FROM retention_lijst_log`, `DELETE FROM retention_lijsten`, `DELETE FROM audit`} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
