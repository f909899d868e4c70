// Package dossiertest opens the real stores the dossier keeps its data in, for the tests of the
// packages built on it: a SQLite file with the migrations applied and a blob directory. It holds
// no fakes: every test that uses it talks to the same parts the daemon uses.
package dossiertest

import (
	"context"
	"path/filepath"
	"testing"

	"zaakarchief/dossier"
	"zaakarchief/dossier/blobstore"
	"zaakarchief/dossier/sqldb"
)

// Open opens DIR/zaakarchief.db with the dossier's migrations and those in migrate (another
// package's Migrate), and the blob store DIR/blobs. The database closes when tb ends.
func Open(tb testing.TB, dir string, migrate ...func(context.Context, *sqldb.DB) error) (*sqldb.DB, *blobstore.Dir) {
	tb.Helper()
	ctx := context.Background()
	db, err := sqldb.OpenSQLite(ctx, filepath.Join(dir, "zaakarchief.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	for _, m := range append([]func(context.Context, *sqldb.DB) error{dossier.Migrate}, migrate...) {
		if err := m(ctx, db); err != nil {
			tb.Fatal(err)
		}
	}
	blobs, err := blobstore.Open(filepath.Join(dir, "blobs"))
	if err != nil {
		tb.Fatal(err)
	}
	return db, blobs
}
