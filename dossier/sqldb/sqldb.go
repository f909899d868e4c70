// Package sqldb opens the relational database the daemon keeps its state in and applies the
// schema migrations of every package that owns tables.
//
// SQL in this project is written once, portable between SQLite (the embedded default, through
// modernc.org/sqlite, no cgo) and PostgreSQL: `?` placeholders that Rebind turns into `$n`,
// TEXT for dates and times, IDs made by the application instead of autoincrement, and
// INSERT ... ON CONFLICT for upserts. It does not own any table itself except the migration log.
package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
)

// Dialect says which SQL flavour a DB speaks.
type Dialect string

// The dialects the daemon supports.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is a database with a pool for writes and a pool for reads. On SQLite the writer has one
// connection whose transactions start with BEGIN IMMEDIATE, so that writers queue instead of
// failing on a lock upgrade, while readers see WAL snapshots concurrently; the write-ahead log
// is copied back into the database file in the background (see checkpointer). On PostgreSQL
// both pools are the same.
type DB struct {
	W       *sql.DB
	R       *sql.DB
	Dialect Dialect

	ckpt    *checkpointer   // SQLite only
	group   *groupCommitter // SQLite only, unless WithGroupCommit(1)
	commits atomic.Uint64   // write transactions committed, which the checkpointer watches
}

// readers is the number of connections of the read pool.
const readers = 4

// SQLiteOption sets an option of OpenSQLite.
type SQLiteOption func(*sqliteOptions)

type sqliteOptions struct {
	log           *slog.Logger
	idle, busy    time.Duration
	truncatePages int
	group         int
}

// WithLogger sets where the database reports its background checkpoints: those it could not
// do as warnings, each one done at debug level.
func WithLogger(l *slog.Logger) SQLiteOption { return func(o *sqliteOptions) { o.log = l } }

// WithCheckpoints sets when the write-ahead log is copied back into the database file: after
// idle without a write, and at least every busy while writes go on (see checkpointer). The
// defaults are DefaultCheckpointIdle and DefaultCheckpointBusy.
func WithCheckpoints(idle, busy time.Duration) SQLiteOption {
	return func(o *sqliteOptions) { o.idle, o.busy = idle, busy }
}

// WithGroupCommit sets how many concurrent writes (DB.Update) at most share one transaction,
// each in a savepoint of its own (see groupCommitter); 1 or less gives each its own
// transaction. The default is DefaultGroupCommit.
func WithGroupCommit(max int) SQLiteOption { return func(o *sqliteOptions) { o.group = max } }

// OpenSQLite opens (creating if needed) the SQLite database file at path with WAL, foreign
// keys and a busy timeout. Its connections keep the statements they prepare (see
// cachingConn), so the SQL of a query is parsed once per connection, not once per call.
// Commits never copy the write-ahead log back into the database file themselves: a
// background checkpointer does (see checkpointer), until Close.
func OpenSQLite(ctx context.Context, path string, opts ...SQLiteOption) (*DB, error) {
	o := sqliteOptions{log: slog.New(slog.DiscardHandler), idle: DefaultCheckpointIdle, busy: DefaultCheckpointBusy,
		truncatePages: defaultTruncatePages, group: DefaultGroupCommit}
	for _, opt := range opts {
		opt(&o)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "foreign_keys(1)", "busy_timeout(10000)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	base := "file:" + path + "?" + q.Encode()
	open := func(dsn string) (*sql.DB, error) {
		c, err := sqlite.NewConnector(dsn)
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		return sql.OpenDB(cachingConnector{c}), nil
	}
	// The writer's commits leave the log to the checkpointer (wal_autocheckpoint 0).
	w, err := open(base + "&_pragma=" + url.QueryEscape("wal_autocheckpoint(0)") + "&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	r, err := open(base)
	if err != nil {
		w.Close()
		return nil, err
	}
	// Readers keep all their connections: database/sql keeps two idle by default, so under
	// load the others were closed and opened again, each time reading the schema and
	// preparing its statements anew (4% of the daemon's CPU while creating zaken).
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	db := &DB{W: w, R: r, Dialect: SQLite}
	if err := w.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	ck, err := open(base)
	if err != nil {
		db.Close()
		return nil, err
	}
	ck.SetMaxOpenConns(1)
	db.ckpt = startCheckpointer(ck, path, o, &db.commits)
	if o.group > 1 {
		db.group = startGroupCommitter(db, o.group)
	}
	return db, nil
}

// Close stops the checkpointer and closes the pools; the last connection to close copies what
// is left of the write-ahead log into the database file.
func (db *DB) Close() error {
	var err error
	if db.group != nil {
		db.group.close()
	}
	if db.ckpt != nil {
		err = db.ckpt.close()
	}
	if werr := db.W.Close(); err == nil {
		err = werr
	}
	if db.R != db.W {
		if rerr := db.R.Close(); err == nil {
			err = rerr
		}
	}
	return err
}

// Rebind turns the portable `?` placeholders into the dialect's own.
func (db *DB) Rebind(query string) string {
	if db.Dialect != Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Tx is a transaction that rebinds its queries.
type Tx struct {
	tx      *sql.Tx
	db      *DB
	grouped bool // a write sharing its transaction with others (see groupCommitter)
}

// Exec runs a statement in the transaction.
func (t *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(t.stmtCtx(ctx), t.db.Rebind(query), args...)
}

// Query runs a query in the transaction.
func (t *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(t.stmtCtx(ctx), t.db.Rebind(query), args...)
}

// QueryRow runs a query that returns at most one row.
func (t *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(t.stmtCtx(ctx), t.db.Rebind(query), args...)
}

// Prepare prepares a statement for repeated use in the transaction (a loop of inserts parses
// its SQL once); it is closed with the transaction, or by the caller.
func (t *Tx) Prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	return t.tx.PrepareContext(t.stmtCtx(ctx), t.db.Rebind(query))
}

// Dialect reports the SQL flavour of the transaction's database.
func (t *Tx) Dialect() Dialect { return t.db.Dialect }

// Update runs fn in a write transaction and commits it when fn returns nil; it returns nil
// only once the commit returned. On SQLite, fn may share the transaction with concurrent
// writes, in a savepoint of its own (see groupCommitter): what it wrote is rolled back alone
// when it returns an error or panics (the panic goes on in the caller), and it sees what the
// writes before it in the group wrote, as it would had they committed just before it.
func (db *DB) Update(ctx context.Context, fn func(tx *Tx) error) error {
	if db.group != nil {
		return db.group.update(ctx, fn)
	}
	return db.run(ctx, db.W, nil, fn)
}

// View runs fn in a read-only transaction: one consistent snapshot.
func (db *DB) View(ctx context.Context, fn func(tx *Tx) error) error {
	return db.run(ctx, db.R, &sql.TxOptions{ReadOnly: db.Dialect == Postgres}, fn)
}

func (db *DB) run(ctx context.Context, pool *sql.DB, opts *sql.TxOptions, fn func(tx *Tx) error) error {
	sqlTx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := fn(&Tx{tx: sqlTx, db: db}); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if pool == db.W {
		db.commits.Add(1)
	}
	return nil
}

// Strings runs a query whose rows have one text column and returns the values in order.
func (t *Tx) Strings(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := t.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
