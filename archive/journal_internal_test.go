package archive

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"zaakarchief/dossier/sqldb"
)

// A process killed during a run leaves its row "bezig" with no totals: they are written when a
// run ends. `archive runs` shows what the run recorded per zaak while it is going, and the next
// run closes it as afgebroken with those totals instead of zeros.
func TestAKilledRunShowsWhatItDid(t *testing.T) {
	ctx := context.Background()
	db, err := sqldb.OpenSQLite(ctx, filepath.Join(t.TempDir(), "zaakarchief.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	a := &Archiver{db: db, now: time.Now}
	killed, err := a.startRun(ctx, SoortArchiveren, "file:///archief")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = db.Update(ctx, func(tx *sqldb.Tx) error {
		for _, it := range []Item{
			{Zaak: "Z1", Stap: StapArchiveren, Status: ItemKlaar, Objecten: 9, Bytes: 9000},
			{Zaak: "Z2", Stap: StapArchiveren, Status: ItemKlaar, Objecten: 7, Bytes: 700},
			{Zaak: "Z3", Stap: StapArchiveren, Status: ItemFout, Fout: "target down"},
			{Zaak: "Z1", Stap: StapOverbrengen, Status: ItemKlaar, Objecten: 9, Bytes: 9000},
			{Zaak: "Z4", Stap: StapRetentie, Status: ItemKlaar, Objecten: 3},
		} {
			if err := recordItem(ctx, tx, killed.ID, it, start, time.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	check := func(when string, r RunInfo, status string) {
		t.Helper()
		if r.ID != killed.ID || r.Status != status || r.Pakketten != 2 || r.Objecten != 16 || r.Bytes != 9700 || r.Fouten != 1 || r.Overgedragen != 1 {
			t.Errorf("%s: %+v; want %s with 2 packages, 16 objects, 9700 bytes, 1 failure, 1 transferred", when, r, status)
		}
	}
	runs, err := a.runs(ctx, 10)
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs: %v %+v", err, runs)
	}
	check("while it runs", runs[0], RunBezig)

	next, err := a.startRun(ctx, SoortArchiveren, "file:///archief")
	if err != nil {
		t.Fatal(err)
	}
	runs, err = a.runs(ctx, 10)
	if err != nil || len(runs) != 2 {
		t.Fatalf("runs: %v %+v", err, runs)
	}
	for _, r := range runs {
		if r.ID == killed.ID {
			check("after the next run started", r, RunAfgebroken)
			if r.Beeindigd == nil {
				t.Errorf("the killed run has no end: %+v", r)
			}
		} else if r.ID != next.ID || r.Status != RunBezig || r.Pakketten != 0 {
			t.Errorf("the new run: %+v", r)
		}
	}
}
