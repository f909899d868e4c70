package sqldb

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// holdWriter starts a write that waits until release is closed, so that the writes started
// meanwhile queue up and run as one group after it. It returns once the write runs.
func holdWriter(t *testing.T, db *DB, release <-chan struct{}) <-chan error {
	t.Helper()
	running := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.Update(context.Background(), func(tx *Tx) error {
			close(running)
			<-release
			_, err := tx.Exec(context.Background(), `INSERT INTO t (i, b) VALUES (0, x'00')`)
			return err
		})
	}()
	<-running
	return done
}

// waitQueued waits until n writes wait to be handed to the group committer.
func waitQueued(t *testing.T, started *sync.WaitGroup) {
	t.Helper()
	started.Wait()
	time.Sleep(50 * time.Millisecond) // from Go's start of Update to its send on the channel
}

func rows(t *testing.T, db *DB) map[int]bool {
	t.Helper()
	r, err := db.R.Query(`SELECT i FROM t`)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out := map[int]bool{}
	for r.Next() {
		var i int
		if err := r.Scan(&i); err != nil {
			t.Fatal(err)
		}
		out[i] = true
	}
	return out
}

func TestConcurrentWritesShareCommitsAndAllLand(t *testing.T) {
	db, _ := checkpointDB(t)
	before := db.commits.Load()
	release := make(chan struct{})
	first := holdWriter(t, db, release)
	const n = 40
	var started, wg sync.WaitGroup
	errs := make([]error, n)
	for i := 1; i <= n; i++ {
		started.Add(1)
		wg.Go(func() {
			started.Done()
			errs[i-1] = db.Update(context.Background(), func(tx *Tx) error {
				_, err := tx.Exec(context.Background(), `INSERT INTO t (i, b) VALUES (?, x'01')`, i)
				return err
			})
		})
	}
	waitQueued(t, &started)
	close(release)
	wg.Wait()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	for i, err := range errs {
		if err != nil {
			t.Errorf("write %d: %v", i+1, err)
		}
	}
	if got := len(rows(t, db)); got != n+1 {
		t.Fatalf("%d rows, want %d", got, n+1)
	}
	// The held write commits alone; the 40 queued behind it share one or a few commits.
	if c := db.commits.Load() - before; c > 5 {
		t.Errorf("%d commits for %d concurrent writes, want them grouped (at most 5)", c, n+1)
	}
}

func TestAFailingOrPanickingWriteIsRolledBackAloneInItsGroup(t *testing.T) {
	db, _ := checkpointDB(t)
	release := make(chan struct{})
	first := holdWriter(t, db, release)
	fout := errors.New("geweigerd")
	type uitkomst struct {
		err      error
		panicVal any
	}
	const n = 12
	got := make([]uitkomst, n)
	var started, wg sync.WaitGroup
	for i := 1; i <= n; i++ {
		started.Add(1)
		wg.Go(func() {
			started.Done()
			defer func() { got[i-1].panicVal = recover() }()
			got[i-1].err = db.Update(context.Background(), func(tx *Tx) error {
				if _, err := tx.Exec(context.Background(), `INSERT INTO t (i, b) VALUES (?, x'01')`, i); err != nil {
					return err
				}
				switch i % 4 {
				case 1:
					return fmt.Errorf("zaak %d: %w", i, fout)
				case 2:
					panic(fmt.Sprintf("kapot %d", i))
				case 3: // a constraint violation: the statement fails, the transaction goes on
					_, err := tx.Exec(context.Background(), `INSERT INTO t (i, b) VALUES (?, x'02')`, i)
					return err
				}
				return nil
			})
		})
	}
	waitQueued(t, &started)
	close(release)
	wg.Wait()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	stored := rows(t, db)
	for i := 1; i <= n; i++ {
		u := got[i-1]
		switch i % 4 {
		case 1:
			if !errors.Is(u.err, fout) || u.panicVal != nil || stored[i] {
				t.Errorf("write %d failed: err %v, panic %v, row kept %v; want its own error and no row", i, u.err, u.panicVal, stored[i])
			}
		case 2:
			if u.panicVal != fmt.Sprintf("kapot %d", i) || stored[i] {
				t.Errorf("write %d panicked: panic %v in the caller, row kept %v; want its panic and no row", i, u.panicVal, stored[i])
			}
		case 3:
			if u.err == nil || stored[i] {
				t.Errorf("write %d violated a constraint: err %v, row kept %v; want an error and no row", i, u.err, stored[i])
			}
		default:
			if u.err != nil || u.panicVal != nil || !stored[i] {
				t.Errorf("write %d succeeded: err %v, panic %v, row kept %v; want nil and its row", i, u.err, u.panicVal, stored[i])
			}
		}
	}
}

func TestACancelledWriteNeitherRunsNorDisturbsItsGroup(t *testing.T) {
	db, _ := checkpointDB(t)
	release := make(chan struct{})
	first := holdWriter(t, db, release)

	// Cancelled while it waits for its turn: it returns at once and never runs.
	ctxWacht, cancelWacht := context.WithCancel(context.Background())
	ran := make(chan struct{}, 1)
	waited := make(chan error, 1)
	go func() {
		waited <- db.Update(ctxWacht, func(tx *Tx) error {
			ran <- struct{}{}
			return nil
		})
	}()
	// Cancelled in the middle of its own work: its next statement fails, it is rolled back.
	ctxHalf, cancelHalf := context.WithCancel(context.Background())
	half := make(chan error, 1)
	// A write queued with both, which must commit.
	other := make(chan error, 1)
	var started sync.WaitGroup
	started.Add(2)
	go func() {
		started.Done()
		half <- db.Update(ctxHalf, func(tx *Tx) error {
			if _, err := tx.Exec(ctxHalf, `INSERT INTO t (i, b) VALUES (2, x'01')`); err != nil {
				return err
			}
			cancelHalf()
			_, err := tx.Exec(ctxHalf, `INSERT INTO t (i, b) VALUES (3, x'01')`)
			return err
		})
	}()
	go func() {
		started.Done()
		other <- db.Update(context.Background(), func(tx *Tx) error {
			_, err := tx.Exec(context.Background(), `INSERT INTO t (i, b) VALUES (4, x'01')`)
			return err
		})
	}()
	waitQueued(t, &started)
	cancelWacht()
	select {
	case err := <-waited:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("a write cancelled while it waited returned %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a write cancelled while it waited did not return while the writer was busy")
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-half; !errors.Is(err, context.Canceled) {
		t.Errorf("a write cancelled halfway returned %v, want context.Canceled", err)
	}
	if err := <-other; err != nil {
		t.Errorf("the write grouped with the cancelled ones: %v", err)
	}
	select {
	case <-ran:
		t.Error("the write cancelled before its turn was run")
	default:
	}
	stored := rows(t, db)
	if !stored[0] || stored[2] || stored[3] || !stored[4] {
		t.Errorf("rows %v, want 0 and 4 only", stored)
	}
}

func TestUpdateAfterCloseIsRefused(t *testing.T) {
	db, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	err = db.Update(context.Background(), func(tx *Tx) error { return nil })
	if !errors.Is(err, ErrClosed) {
		t.Fatalf("Update after Close = %v, want ErrClosed", err)
	}
}

func TestWithoutGroupCommitEachWriteCommitsAlone(t *testing.T) {
	db, _ := checkpointDB(t, WithGroupCommit(1))
	before := db.commits.Load()
	var wg sync.WaitGroup
	for i := 1; i <= 10; i++ {
		wg.Go(func() {
			if err := db.Update(context.Background(), func(tx *Tx) error {
				_, err := tx.Exec(context.Background(), `INSERT INTO t (i, b) VALUES (?, x'01')`, i)
				return err
			}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if c := db.commits.Load() - before; c != 10 {
		t.Fatalf("%d commits, want 10", c)
	}
}
