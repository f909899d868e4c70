package sqldb

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestRebindTurnsPlaceholdersIntoDollarsForPostgres(t *testing.T) {
	tests := []struct {
		dialect Dialect
		in, out string
	}{
		{SQLite, "SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = ? AND b = ?"},
		{Postgres, "SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = $1 AND b = $2"},
		{Postgres, "INSERT INTO t VALUES (?, ?, ?)", "INSERT INTO t VALUES ($1, $2, $3)"},
	}
	for _, tc := range tests {
		db := &DB{Dialect: tc.dialect}
		if got := db.Rebind(tc.in); got != tc.out {
			t.Errorf("%s: Rebind(%q) = %q, want %q", tc.dialect, tc.in, got, tc.out)
		}
	}
}

func TestMigrateAppliesEachFileOnceInOrder(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	fsys := fstest.MapFS{
		"0001_create.sql": {Data: []byte("CREATE TABLE a (x INTEGER);\nINSERT INTO a VALUES (1);\n")},
		"0002_more.sql":   {Data: []byte("-- a comment\nINSERT INTO a VALUES (2);")},
	}
	for i := 0; i < 2; i++ { // a second open must not apply anything again
		db, err := OpenSQLite(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Migrate(ctx, "test", fsys); err != nil {
			t.Fatal(err)
		}
		var n, sum int
		if err := db.R.QueryRow("SELECT COUNT(*), SUM(x) FROM a").Scan(&n, &sum); err != nil {
			t.Fatal(err)
		}
		if n != 2 || sum != 3 {
			t.Fatalf("open %d: table a has %d rows summing %d, want 2 rows summing 3", i+1, n, sum)
		}
		db.Close()
	}
}

func TestMigrateFailureRollsBackTheFile(t *testing.T) {
	ctx := context.Background()
	db, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fsys := fstest.MapFS{"0001_bad.sql": {Data: []byte("CREATE TABLE b (x INTEGER);\nTHIS IS NOT SQL;\n")}}
	if err := db.Migrate(ctx, "test", fsys); err == nil {
		t.Fatal("a broken migration was accepted")
	}
	var n int
	if err := db.R.QueryRow("SELECT COUNT(*) FROM sqlite_master WHERE name = 'b'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatal("a failed migration left table b behind")
	}
}

// Two migration files with the same number would leave one of them unapplied for ever: the
// migrator refuses them, naming both, and applies nothing.
func TestMigrateRefusesTwoFilesWithOneVersion(t *testing.T) {
	ctx := context.Background()
	db, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fsys := fstest.MapFS{
		"0001_eerste.sql":   {Data: []byte("CREATE TABLE a (x TEXT);\n")},
		"0002_tweede.sql":   {Data: []byte("CREATE TABLE b (x TEXT);\n")},
		"0002_tweeling.sql": {Data: []byte("CREATE TABLE c (x TEXT);\n")},
	}
	err = db.Migrate(ctx, "test", fsys)
	if err == nil || !strings.Contains(err.Error(), "0002_tweede.sql") || !strings.Contains(err.Error(), "0002_tweeling.sql") {
		t.Fatalf("Migrate = %v, want a refusal naming both files", err)
	}
	var n int
	if err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('a', 'b', 'c')`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d of the tables were created (%v), want none", n, err)
	}
}
