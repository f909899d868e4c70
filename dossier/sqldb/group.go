package sqldb

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// DefaultGroupCommit is how many concurrent write transactions at most share one SQLite
// transaction (see WithGroupCommit).
const DefaultGroupCommit = 64

// ErrClosed is returned by Update once the database is closed.
var ErrClosed = errors.New("sqldb: database closed")

// groupCommitter runs the write transactions of DB.Update on SQLite, several at a time in one
// transaction (group commit). SQLite has one writer, so concurrent writes queue anyway; what a
// separate transaction per write costs on top is its BEGIN and, above all, its COMMIT, which
// writes every page the write touched to the write-ahead log: creating a zaak spent 30% of the
// daemon's CPU in COMMIT, 26% writing log frames. In one transaction the pages several writes
// share (the tables' and indexes' last leaves, the audit trail's) go to the log once.
//
// One goroutine takes a write, begins a transaction, runs each write waiting at that moment
// (up to max) in a SAVEPOINT of its own, yields once to the goroutines that can run (so that
// writes about to be made join the group), and commits. With 8 clients creating zaken the
// groups held 1.5 writes on average without the yield, 4.5 with it. A write whose function fails or panics
// is rolled back to its savepoint, alone, and answered at once; the others are answered only
// after the COMMIT that holds them returned, with its outcome, so a nil from Update means
// what it meant with a transaction per write: committed. Should SQLite have rolled back the
// whole transaction itself (it does on some I/O errors), every write of the group not yet
// answered gets an error; none is run twice.
//
// A statement in a grouped write runs with a context that is not cancelled (Tx.stmtCtx):
// SQLite answers an interrupted INSERT, UPDATE or DELETE in a transaction by rolling back the
// whole transaction, which would undo the other writes of the group. A write whose context is
// cancelled fails at its next statement instead, and one cancelled while it waits for its turn
// is never run.
type groupCommitter struct {
	db   *DB
	max  int
	reqs chan *updateReq // unbuffered: a write is handed over only to the running goroutine
	stop chan struct{}
	wg   sync.WaitGroup
}

// States of an updateReq.
const (
	reqQueued int32 = iota
	reqTaken
	reqAbandoned
)

// updateReq is one call of DB.Update waiting for its group.
type updateReq struct {
	ctx   context.Context
	fn    func(tx *Tx) error
	state atomic.Int32
	done  chan updateResult // buffered (1): the goroutine never waits for the caller
}

// updateResult is the outcome of one write; a panic of its function is carried back to the
// caller's goroutine and raised there again.
type updateResult struct {
	err      error
	panicked bool
	panicVal any
}

func startGroupCommitter(db *DB, max int) *groupCommitter {
	g := &groupCommitter{db: db, max: max, reqs: make(chan *updateReq), stop: make(chan struct{})}
	g.wg.Go(func() {
		for {
			select {
			case <-g.stop:
				return
			case r := <-g.reqs:
				g.runGroup(r)
			}
		}
	})
	return g
}

// update is DB.Update through the group committer.
func (g *groupCommitter) update(ctx context.Context, fn func(tx *Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := &updateReq{ctx: ctx, fn: fn, done: make(chan updateResult, 1)}
	select {
	case g.reqs <- r:
	case <-ctx.Done():
		return ctx.Err()
	case <-g.stop:
		return ErrClosed
	}
	var res updateResult
	select {
	case res = <-r.done:
	case <-ctx.Done():
		if r.state.CompareAndSwap(reqQueued, reqAbandoned) {
			return ctx.Err()
		}
		res = <-r.done // it runs already: its function may still use what the caller gave it
	}
	if res.panicked {
		panic(res.panicVal)
	}
	return res.err
}

// runGroup runs first and whatever writes arrive while the group runs, up to max, in one
// transaction, and answers each.
func (g *groupCommitter) runGroup(first *updateReq) {
	bg := context.Background()
	if !first.state.CompareAndSwap(reqQueued, reqTaken) {
		return
	}
	sqlTx, err := g.db.W.BeginTx(bg, nil)
	if err != nil {
		first.done <- updateResult{err: fmt.Errorf("begin transaction: %w", err)}
		return
	}
	tx := &Tx{tx: sqlTx, db: g.db, grouped: true}
	var held []*updateReq // run without error, answered after the commit
	lost := func(err error) {
		_ = sqlTx.Rollback()
		for _, r := range held {
			r.done <- updateResult{err: fmt.Errorf("transaction rolled back with the writes grouped with it: %w", err)}
		}
	}
	r, n := first, 0
	yielded := false
	for r != nil {
		n++
		ok, err := g.runOne(bg, tx, r)
		if err != nil {
			lost(err)
			return
		}
		if ok {
			held = append(held, r)
		}
		r = nil
		for r == nil && n < g.max {
			select {
			case next := <-g.reqs:
				if next.state.CompareAndSwap(reqQueued, reqTaken) {
					r = next
				}
				continue
			default:
			}
			if !yielded {
				// Once per group, let the goroutines that can run go first: under concurrent
				// writes some of them are about to call Update and join this group instead of
				// the next. With none runnable this returns at once.
				yielded = true
				runtime.Gosched()
				continue
			}
			break
		}
	}
	if len(held) == 0 {
		_ = sqlTx.Rollback()
		return
	}
	err = sqlTx.Commit()
	if err != nil {
		err = fmt.Errorf("commit: %w", err)
	} else {
		g.db.commits.Add(1)
	}
	for _, r := range held {
		r.done <- updateResult{err: err}
	}
}

// runOne runs r's function in a savepoint of tx. ok reports that it succeeded and waits for
// the commit; a failure is rolled back to the savepoint and answered here. err reports that
// the transaction itself is lost (r has been answered).
func (g *groupCommitter) runOne(bg context.Context, tx *Tx, r *updateReq) (ok bool, err error) {
	if _, err := tx.tx.ExecContext(bg, "SAVEPOINT sqldb_groep"); err != nil {
		err = fmt.Errorf("savepoint: %w", err)
		r.done <- updateResult{err: err}
		return false, err
	}
	res := call(tx, r.fn)
	if !res.panicked && res.err == nil {
		if _, err := tx.tx.ExecContext(bg, "RELEASE sqldb_groep"); err != nil {
			err = fmt.Errorf("release savepoint: %w", err)
			r.done <- updateResult{err: err}
			return false, err
		}
		return true, nil
	}
	_, err = tx.tx.ExecContext(bg, "ROLLBACK TO sqldb_groep")
	if err == nil {
		_, err = tx.tx.ExecContext(bg, "RELEASE sqldb_groep")
	}
	r.done <- res
	if err != nil {
		return false, fmt.Errorf("roll back to savepoint: %w", err)
	}
	return false, nil
}

// call runs fn, turning a panic into a result.
func call(tx *Tx, fn func(tx *Tx) error) (res updateResult) {
	defer func() {
		if p := recover(); p != nil {
			res = updateResult{panicked: true, panicVal: p}
		}
	}()
	return updateResult{err: fn(tx)}
}

// close stops the goroutine after the group it runs; later writes get ErrClosed.
func (g *groupCommitter) close() {
	close(g.stop)
	g.wg.Wait()
}

// stmtCtx is the context a statement of t runs with: ctx, unless t is a grouped write and ctx
// is still live; then one that is not cancelled with ctx (see groupCommitter). A cancelled ctx
// is passed on as it is: database/sql then refuses the statement before SQLite sees it.
func (t *Tx) stmtCtx(ctx context.Context) context.Context {
	if !t.grouped || ctx.Err() != nil {
		return ctx
	}
	return context.WithoutCancel(ctx)
}
