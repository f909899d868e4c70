package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
)

// openTest opens a SQLite file with table t (k TEXT PRIMARY KEY, v INTEGER) holding k1..k5.
func openTest(tb testing.TB) *DB {
	db, _ := openTestAt(tb)
	return db
}

func openTestAt(tb testing.TB) (*DB, string) {
	tb.Helper()
	ctx := context.Background()
	path := filepath.Join(tb.TempDir(), "c.db")
	db, err := OpenSQLite(ctx, path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	err = db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)`); err != nil {
			return err
		}
		for i := 1; i <= 5; i++ {
			if _, err := tx.Exec(ctx, `INSERT INTO t (k, v) VALUES (?, ?)`, fmt.Sprintf("k%d", i), i); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return db, path
}

// idle counts the statements the write connection keeps, from the connection itself.
func idle(t *testing.T, db *DB) (total int, per map[string]int) {
	t.Helper()
	c, err := db.W.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	per = map[string]int{}
	err = c.Raw(func(dc any) error {
		cc, ok := dc.(*cachingConn)
		if !ok {
			return fmt.Errorf("connection is a %T, not a *cachingConn", dc)
		}
		cc.mu.Lock()
		defer cc.mu.Unlock()
		for q, l := range cc.idle {
			per[q] = len(l)
		}
		total = cc.n
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return total, per
}

// The statement cache is invisible to callers: the same query run while its own rows are
// read, a statement that failed, a query cut off by its context, a table whose schema changed
// and a prepared statement all give what they would without it, and statements are reused.
func TestStatementCacheKeepsQueriesCorrect(t *testing.T) {
	ctx := context.Background()
	const sum = `SELECT COALESCE(SUM(v), 0) FROM t WHERE k <= ?`
	tests := []struct {
		name string
		run  func(t *testing.T, tx *Tx)
	}{
		{"nested use of one query", func(t *testing.T, tx *Tx) {
			rows, err := tx.Query(ctx, `SELECT k, v FROM t ORDER BY k`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				var k string
				var v int
				if err := rows.Scan(&k, &v); err != nil {
					t.Fatal(err)
				}
				inner, err := tx.Strings(ctx, `SELECT k FROM t ORDER BY k`)
				if err != nil || len(inner) != 5 {
					t.Fatalf("inner query while the outer one is read: %q %v", inner, err)
				}
				if want := fmt.Sprintf("k%d", v); k != want {
					t.Errorf("outer row %d: %s, want %s", n, k, want)
				}
				n++
			}
			if err := rows.Err(); err != nil || n != 5 {
				t.Errorf("outer query read %d rows, %v", n, err)
			}
		}},
		{"a failed statement is not kept broken", func(t *testing.T, tx *Tx) {
			const ins = `INSERT INTO t (k, v) VALUES (?, ?)`
			if _, err := tx.Exec(ctx, ins, "k1", 9); err == nil {
				t.Fatal("duplicate key accepted")
			}
			if _, err := tx.Exec(ctx, ins, "k6", 6); err != nil {
				t.Fatalf("the same insert with a new key: %v", err)
			}
			var s int
			if err := tx.QueryRow(ctx, sum, "k9").Scan(&s); err != nil || s != 21 {
				t.Errorf("sum after the insert: %d %v, want 21", s, err)
			}
		}},
		{"a query cut off by its context", func(t *testing.T, tx *Tx) {
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			var s int
			if err := tx.QueryRow(cctx, sum, "k9").Scan(&s); !errors.Is(err, context.Canceled) {
				t.Fatalf("query with a canceled context: %v", err)
			}
			if err := tx.QueryRow(ctx, sum, "k2").Scan(&s); err != nil || s != 3 {
				t.Errorf("the same query afterwards: %d %v, want 3", s, err)
			}
		}},
		{"a prepared statement used many times", func(t *testing.T, tx *Tx) {
			st, err := tx.Prepare(ctx, sum)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			for i, want := range []int{1, 3, 6, 10, 15} {
				var s int
				if err := st.QueryRowContext(ctx, fmt.Sprintf("k%d", i+1)).Scan(&s); err != nil || s != want {
					t.Errorf("prepared sum to k%d: %d %v, want %d", i+1, s, err, want)
				}
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := openTest(t)
			err := db.Update(ctx, func(tx *Tx) error {
				tc.run(t, tx)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}

	t.Run("schema changed between uses", func(t *testing.T) {
		db := openTest(t)
		cols := func() int {
			var n int
			err := db.Update(ctx, func(tx *Tx) error {
				rows, err := tx.Query(ctx, `SELECT * FROM t WHERE k = ?`, "k1")
				if err != nil {
					return err
				}
				defer rows.Close()
				c, err := rows.Columns()
				n = len(c)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := cols(); n != 2 {
			t.Fatalf("%d columns, want 2", n)
		}
		if err := db.Update(ctx, func(tx *Tx) error {
			_, err := tx.Exec(ctx, `ALTER TABLE t ADD COLUMN w TEXT`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if n := cols(); n != 3 {
			t.Errorf("after ALTER TABLE the cached query returns %d columns, want 3", n)
		}
	})

	t.Run("statements are reused and bounded", func(t *testing.T) {
		db := openTest(t)
		for range 3 {
			if err := db.Update(ctx, func(tx *Tx) error {
				var s int
				return tx.QueryRow(ctx, sum, "k5").Scan(&s)
			}); err != nil {
				t.Fatal(err)
			}
		}
		if _, per := idle(t, db); per[sum] != 1 {
			t.Errorf("the query run three times left %d statements, want 1 kept for reuse", per[sum])
		}
		if err := db.Update(ctx, func(tx *Tx) error {
			for i := range maxIdleStmts + 50 {
				var s int
				if err := tx.QueryRow(ctx, fmt.Sprintf(`SELECT %d + COUNT(*) FROM t`, i)).Scan(&s); err != nil || s != i+5 {
					return fmt.Errorf("query %d: %d %w", i, s, err)
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if n, _ := idle(t, db); n > maxIdleStmts {
			t.Errorf("the connection keeps %d statements, more than the bound %d", n, maxIdleStmts)
		}
	})
}

// BenchmarkReadSeveralTablesCached reads like dossier.LoadDossier does (one transaction, a
// few short queries) through OpenSQLite's connections and through plain sql.Open connections
// of the same file (the reference): compare the two ns/op of one run.
func BenchmarkReadSeveralTablesCached(b *testing.B) {
	ctx := context.Background()
	db, path := openTestAt(b)
	plain, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)")
	if err != nil {
		b.Fatal(err)
	}
	defer plain.Close()
	queries := []string{
		`SELECT k, v FROM t WHERE k = ?`, `SELECT COUNT(*) FROM t WHERE k > ?`, `SELECT k FROM t WHERE k >= ? ORDER BY k`,
		`SELECT SUM(v) FROM t WHERE k <> ?`, `SELECT MAX(v) FROM t WHERE k < ?`, `SELECT MIN(k) FROM t WHERE k > ?`,
		`SELECT v FROM t WHERE k = ? ORDER BY v`, `SELECT k, v FROM t WHERE v > 0 AND k <> ? ORDER BY k DESC`,
	}
	read := func(b *testing.B, pool *sql.DB) {
		for b.Loop() {
			tx, err := pool.BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			for _, q := range queries {
				rows, err := tx.QueryContext(ctx, q, "k3")
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next() {
				}
				rows.Close()
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("cached", func(b *testing.B) { read(b, db.R) })
	b.Run("plain", func(b *testing.B) { read(b, plain) })
}
