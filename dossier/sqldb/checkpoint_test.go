package sqldb

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// withTruncatePages sets the log size from which the checkpointer empties the log (tests).
func withTruncatePages(n int) SQLiteOption { return func(o *sqliteOptions) { o.truncatePages = n } }

// checkpointDB opens a database with table t (i, b) and the given checkpointer settings.
func checkpointDB(t *testing.T, opts ...SQLiteOption) (*DB, string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	db, err := OpenSQLite(ctx, path, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var auto int
	if err := db.W.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&auto); err != nil {
		t.Fatal(err)
	}
	if auto != 0 {
		t.Fatalf("the writer checkpoints every %d pages on commit, want never (0)", auto)
	}
	if err := db.Update(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `CREATE TABLE t (i INTEGER PRIMARY KEY, b BLOB NOT NULL)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return db, path
}

// insert commits one row of size bytes.
func insert(t *testing.T, db *DB, i, size int) {
	t.Helper()
	ctx := context.Background()
	if err := db.Update(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO t (i, b) VALUES (?, ?)`, i, bytes.Repeat([]byte{byte(i)}, size))
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// waitForSize waits until the file at path has at least size bytes.
func waitForSize(t *testing.T, path string, size int64, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for fileSize(t, path) < size {
		if time.Now().After(deadline) {
			t.Fatalf("%s has %d bytes after %v, want at least %d", filepath.Base(path), fileSize(t, path), within, size)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestCommitsLeaveTheLogToTheCheckpointerUntilTheWritesPause: while commits stream in, none
// of them copies the log into the database file (that sync is what stalled archive runs);
// once the writes pause, the checkpointer does, without any further commit.
func TestCommitsLeaveTheLogToTheCheckpointerUntilTheWritesPause(t *testing.T) {
	// Idle 500 ms: the checkpointer looks at least once while the commits below go on for
	// 600 ms, and finds a commit since its last look each time.
	const idle = 500 * time.Millisecond
	db, path := checkpointDB(t, WithCheckpoints(idle, time.Hour))
	time.Sleep(3 * idle) // the table reaches the file once things are quiet
	before := fileSize(t, path)
	const size = 16 << 10
	n := 0
	for start := time.Now(); time.Since(start) < 600*time.Millisecond; n++ {
		insert(t, db, n, size)
	}
	if after := fileSize(t, path); after != before {
		t.Fatalf("the database file went from %d to %d bytes while %d commits streamed in, want no checkpoint meanwhile", before, after, n)
	}
	waitForSize(t, path, before+int64(n*size), 5*time.Second)
}

// TestALongRunOfCommitsKeepsTheLogBounded: commits that never pause (a long archive run) still
// reach the database file, once per busy interval, and the log is emptied once it passes its
// bound instead of holding all they wrote.
func TestALongRunOfCommitsKeepsTheLogBounded(t *testing.T) {
	const truncate = 256 // pages: 1 MiB at 4 KiB
	db, path := checkpointDB(t, WithCheckpoints(2*time.Millisecond, 20*time.Millisecond), withTruncatePages(truncate))
	const n, size = 128, 64 << 10
	maxWAL, emptied := int64(0), 0
	for i := range n {
		insert(t, db, i, size)
		wal := fileSize(t, path+"-wal")
		maxWAL = max(maxWAL, wal)
		// On a loaded machine the checkpointer may get its turn late; a run that goes on
		// gives it one before the log holds twice its bound, and it must use it.
		if wal > 2*truncate*4096 {
			deadline := time.Now().Add(5 * time.Second)
			for fileSize(t, path+"-wal") > truncate*4096 && time.Now().Before(deadline) {
				time.Sleep(2 * time.Millisecond)
			}
			if w := fileSize(t, path+"-wal"); w > truncate*4096 {
				t.Fatalf("after commit %d the log holds %d bytes and the checkpointer did not empty it within 5 s", i, w)
			}
			emptied++
		}
		time.Sleep(time.Millisecond) // commits a little apart, as a run makes them
	}
	waitForSize(t, path, n*size, 10*time.Second)
	// Without the checkpointer the log would hold all 8 MiB.
	if limit := int64(n * size / 2); maxWAL > limit {
		t.Errorf("the log grew to %d bytes, want at most %d (emptied past %d pages; %d times the run waited for it)", maxWAL, limit, truncate, emptied)
	}
	var rows, sum int
	if err := db.R.QueryRowContext(context.Background(), `SELECT COUNT(*), SUM(length(b)) FROM t`).Scan(&rows, &sum); err != nil {
		t.Fatal(err)
	}
	if rows != n || sum != n*size {
		t.Fatalf("read back %d rows of %d bytes in all, want %d of %d", rows, sum, n, n*size)
	}
}

// countingHandler counts the log records whose message is msg.
type countingHandler struct {
	msg string
	n   *atomic.Int64
}

func (h countingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h countingHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Message == h.msg {
		h.n.Add(1)
	}
	return nil
}
func (h countingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h countingHandler) WithGroup(string) slog.Handler      { return h }

// TestAnIdleDatabaseIsLeftAloneOnceItsLogIsCopiedBack: after the checkpoint that copies the
// last commit into the database file, the checkpointer does nothing until the next commit
// (it used to run a checkpoint every idle interval for as long as the daemon ran).
func TestAnIdleDatabaseIsLeftAloneOnceItsLogIsCopiedBack(t *testing.T) {
	const idle = 20 * time.Millisecond
	var checkpoints atomic.Int64
	log := slog.New(countingHandler{msg: "sqlite: write-ahead log copied back", n: &checkpoints})
	db, _ := checkpointDB(t, WithCheckpoints(idle, time.Minute), WithLogger(log))
	// after waits until a checkpoint beyond the first n has run, and returns how many have.
	after := func(n int64) int64 {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for checkpoints.Load() <= n {
			if time.Now().After(deadline) {
				t.Fatalf("no checkpoint within 5 s of a commit (%d before it)", n)
			}
			time.Sleep(time.Millisecond)
		}
		return checkpoints.Load()
	}
	after(0) // the table's creation is copied back
	// (A first look may also have run before the table was created: let that settle.)
	time.Sleep(5 * idle)
	n := checkpoints.Load()
	for i := range 3 {
		time.Sleep(20 * idle)
		if got := checkpoints.Load(); got != n {
			t.Fatalf("after commit %d: %d more checkpoints while nothing was committed, want none", i, got-n)
		}
		insert(t, db, i, 1000)
		n = after(n) // and so is each insert
	}
}
