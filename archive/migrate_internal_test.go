package archive

import (
	"context"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"zaakarchief/dossier/sqldb"
)

// A journal written before generated content moved to archief_inhoud (migration 0003) keeps
// every sidecar, pakbon and manifest: a package left half written by the old version resumes
// with the same bytes.
func TestMigrationKeepsTheContentOfPlannedPackages(t *testing.T) {
	ctx := context.Background()
	db, err := sqldb.OpenSQLite(ctx, filepath.Join(t.TempDir(), "zaakarchief.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	before := fstest.MapFS{}
	for _, name := range []string{"0001_archief.sql", "0002_retenties.sql"} {
		b, err := fs.ReadFile(migrations, "migrations/"+name)
		if err != nil {
			t.Fatal(err)
		}
		before[name] = &fstest.MapFile{Data: b}
	}
	if err := db.Migrate(ctx, "archive", before); err != nil {
		t.Fatal(err)
	}
	sidecar := `<?xml version="1.0"?><MDTO><informatieobject/></MDTO>`
	err = db.Update(ctx, func(tx *sqldb.Tx) error {
		for _, q := range []string{
			`INSERT INTO archief_pakketten (zaak, map, doel, status, run, gepland, vingerafdruk, nominatie, objecten, bytes, manifest_sha256)
				VALUES ('Z1', 'Z1', 'file:///a', 'schrijven', 'r1', '2026-11-29T12:00:00Z', 'fp', 'blijvend_bewaren', 3, 30, '')`,
			`INSERT INTO archief_objecten (zaak, sleutel, volgorde, soort, grootte, sha256, mediatype, blob, inhoud, gedaan)
				VALUES ('Z1', 'Z1/doc.pdf', 0, 'bestand', 10, 'aa', 'application/pdf', 'bb', NULL, 1)`,
			`INSERT INTO archief_objecten (zaak, sleutel, volgorde, soort, grootte, sha256, mediatype, blob, inhoud, gedaan)
				VALUES ('Z1', 'Z1/doc.pdf.mdto.xml', 1, 'mdto', 10, 'cc', 'application/xml', '', '` + sidecar + `', 0)`,
			`INSERT INTO archief_objecten (zaak, sleutel, volgorde, soort, grootte, sha256, mediatype, blob, inhoud, gedaan)
				VALUES ('Z1', 'Z1/manifest.json', 2, 'manifest', 0, '', 'application/json', '', NULL, 0)`,
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := Migrate(ctx, db); err != nil {
		t.Fatalf("migrate a journal with planned packages: %v", err)
	}
	var p *pakketRow
	if err := db.View(ctx, func(tx *sqldb.Tx) (err error) { p, err = loadPakket(ctx, tx, "Z1"); return err }); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range p.Objecten {
		got = append(got, o.Sleutel+"="+string(o.Inhoud))
	}
	want := []string{"Z1/doc.pdf=", "Z1/doc.pdf.mdto.xml=" + sidecar, "Z1/manifest.json="}
	if !slices.Equal(got, want) {
		t.Errorf("objects after the migration:\n got %q\nwant %q", got, want)
	}
	if !p.Objecten[0].Gedaan || p.Objecten[1].Gedaan {
		t.Errorf("done marks changed by the migration: %+v", p.Objecten)
	}

	// Sealing stores content for objects that had none; planning again replaces it all.
	p.Objecten[2].Inhoud, p.Objecten[2].SHA256, p.Objecten[2].Grootte = []byte(`{"objecten":[]}`), "dd", 15
	p.ManifestSHA = "dd"
	if err := db.Update(ctx, func(tx *sqldb.Tx) error { return saveSeal(ctx, tx, &p.plan) }); err != nil {
		t.Fatal(err)
	}
	if err := db.View(ctx, func(tx *sqldb.Tx) (err error) { p, err = loadPakket(ctx, tx, "Z1"); return err }); err != nil {
		t.Fatal(err)
	}
	if m := p.Objecten[2]; string(m.Inhoud) != `{"objecten":[]}` || m.SHA256 != "dd" || p.ManifestSHA != "dd" {
		t.Errorf("sealed manifest as journaled: %+v (package manifest %q)", m, p.ManifestSHA)
	}
	p.Objecten = p.Objecten[:1]
	p.Gepland = time.Date(2026, 11, 29, 13, 0, 0, 0, time.UTC)
	if err := db.Update(ctx, func(tx *sqldb.Tx) error { return savePlan(ctx, tx, &p.plan) }); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.View(ctx, func(tx *sqldb.Tx) error {
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM archief_inhoud WHERE zaak = 'Z1'`).Scan(&n)
	}); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("a new plan without generated objects left %d content rows of the old plan", n)
	}
}
