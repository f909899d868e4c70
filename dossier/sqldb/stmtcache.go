package sqldb

import (
	"context"
	"database/sql/driver"
	"errors"
	"sync"
)

// maxIdleStmts bounds the prepared statements one connection keeps. The daemon's SQL is a
// fixed set of a few hundred statements; a query built with a varying number of placeholders
// may add a few more. Beyond the bound, statements are finalized after use as before.
const maxIdleStmts = 512

// cachingConnector opens connections that keep their prepared statements. The SQLite driver
// parses a query's SQL on every call that is not a prepared statement's; for the short
// statements the daemon runs (a dossier is read with eight of them), parsing took about a
// third of SQLite's CPU time.
type cachingConnector struct {
	driver.Connector
}

// Connect implements driver.Connector.
func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	for _, need := range []bool{
		implements[driver.ConnBeginTx](conn), implements[driver.ConnPrepareContext](conn),
		implements[driver.ExecerContext](conn), implements[driver.QueryerContext](conn),
		implements[driver.Pinger](conn), implements[driver.SessionResetter](conn), implements[driver.Validator](conn),
	} {
		if !need {
			conn.Close()
			return nil, errors.New("sqldb: the sqlite driver's connection lacks an interface the statement cache forwards")
		}
	}
	return &cachingConn{Conn: conn, idle: map[string][]driver.Stmt{}}, nil
}

func implements[T any](v any) bool {
	_, ok := v.(T)
	return ok
}

// cachingConn is a driver connection with a cache of idle prepared statements per SQL text. A
// statement in use (by an open result set, or prepared by database/sql and not yet closed) is
// taken out of the cache, so that two uses of the same SQL at once, such as a query run while
// the rows of the same query are read, each get their own. database/sql uses a connection from
// one goroutine at a time; the mutex only guards against a result set closed from another.
type cachingConn struct {
	driver.Conn
	mu   sync.Mutex
	idle map[string][]driver.Stmt
	n    int
}

// Unwrap returns the driver's own connection.
func (c *cachingConn) Unwrap() driver.Conn { return c.Conn }

// take returns an idle statement for query, or prepares one.
func (c *cachingConn) take(ctx context.Context, query string) (driver.Stmt, error) {
	c.mu.Lock()
	if l := c.idle[query]; len(l) > 0 {
		st := l[len(l)-1]
		c.idle[query] = l[:len(l)-1]
		c.n--
		c.mu.Unlock()
		return st, nil
	}
	c.mu.Unlock()
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

// put returns a statement to the cache after use; one that failed is finalized instead, so
// that no statement in an unknown state is used again.
func (c *cachingConn) put(query string, st driver.Stmt, failed bool) error {
	if !failed {
		c.mu.Lock()
		if c.n < maxIdleStmts {
			c.idle[query] = append(c.idle[query], st)
			c.n++
			c.mu.Unlock()
			return nil
		}
		c.mu.Unlock()
	}
	return st.Close()
}

// Close finalizes the cached statements and closes the connection.
func (c *cachingConn) Close() error {
	c.mu.Lock()
	var errs []error
	for _, l := range c.idle {
		for _, st := range l {
			errs = append(errs, st.Close())
		}
	}
	c.idle, c.n = nil, 0
	c.mu.Unlock()
	errs = append(errs, c.Conn.Close())
	return errors.Join(errs...)
}

// Prepare implements driver.Conn.
func (c *cachingConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// PrepareContext implements driver.ConnPrepareContext: the statement returns to the cache
// when database/sql closes it.
func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	st, err := c.take(ctx, query)
	if err != nil {
		return nil, err
	}
	return &cachedStmt{Stmt: st, c: c, query: query}, nil
}

// ExecContext implements driver.ExecerContext.
func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	st, err := c.take(ctx, query)
	if err != nil {
		return nil, err
	}
	res, err := st.(driver.StmtExecContext).ExecContext(ctx, args)
	if perr := c.put(query, st, err != nil); err == nil && perr != nil {
		return nil, perr
	}
	return res, err
}

// QueryContext implements driver.QueryerContext: the statement returns to the cache when
// the rows are closed.
func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	st, err := c.take(ctx, query)
	if err != nil {
		return nil, err
	}
	rows, err := st.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		_ = c.put(query, st, true)
		return nil, err
	}
	return &cachedRows{Rows: rows, release: func(failed bool) error { return c.put(query, st, failed) }}, nil
}

// BeginTx implements driver.ConnBeginTx.
func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

// Ping implements driver.Pinger.
func (c *cachingConn) Ping(ctx context.Context) error { return c.Conn.(driver.Pinger).Ping(ctx) }

// ResetSession implements driver.SessionResetter.
func (c *cachingConn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

// IsValid implements driver.Validator.
func (c *cachingConn) IsValid() bool { return c.Conn.(driver.Validator).IsValid() }

// cachedStmt is a statement database/sql prepared; Close returns it to the cache.
type cachedStmt struct {
	driver.Stmt
	c      *cachingConn
	query  string
	failed bool
	closed bool
}

// Close implements driver.Stmt.
func (s *cachedStmt) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	return s.c.put(s.query, s.Stmt, s.failed)
}

// ExecContext implements driver.StmtExecContext.
func (s *cachedStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	res, err := s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
	if err != nil {
		s.failed = true
	}
	return res, err
}

// QueryContext implements driver.StmtQueryContext. database/sql closes a statement only after
// the rows it returned.
func (s *cachedStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	rows, err := s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		s.failed = true
		return nil, err
	}
	return &cachedRows{Rows: rows, release: func(failed bool) error {
		if failed {
			s.failed = true
		}
		return nil
	}}, nil
}

// cachedRows releases its statement when it is closed.
type cachedRows struct {
	driver.Rows
	release func(failed bool) error
	done    bool
}

// Close implements driver.Rows.
func (r *cachedRows) Close() error {
	if r.done {
		return nil
	}
	r.done = true
	err := r.Rows.Close()
	if rerr := r.release(err != nil); err == nil {
		err = rerr
	}
	return err
}
