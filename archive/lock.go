package archive

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"syscall"
	"time"

	"zaakarchief/dossier/sqldb"
)

// ErrBusy reports that another archive run or fixity check holds the run lock: in this process,
// in the daemon, or in a CLI run on the same database.
var ErrBusy = errors.New("archive: another run holds the lock")

// lockName is the one lock runs, fixity checks and package deletions share: each of them reads
// or changes packages another would see half done.
const lockName = "archief"

// runLock is a lease in table archief_slot, renewed while it is held. A holder that dies leaves
// the row behind: it can be taken over when its lease has run out, or at once when it was a
// process on this host that no longer exists.
type runLock struct {
	db     *sqldb.DB
	owner  string
	lease  time.Duration
	now    func() time.Time
	log    *slog.Logger
	stop   chan struct{}
	done   sync.WaitGroup
	closed sync.Once
}

// LockHolder describes who holds the run lock.
type LockHolder struct {
	Eigenaar string    `json:"eigenaar"`
	Host     string    `json:"host"`
	PID      int       `json:"pid"`
	Sinds    time.Time `json:"sinds"`
	Verloopt time.Time `json:"verloopt"`
}

// BusyError is ErrBusy with the holder.
type BusyError struct{ Holder LockHolder }

// Error names the holder.
func (e *BusyError) Error() string {
	return fmt.Sprintf("archive: another run holds the lock (pid %d on %s since %s, lease until %s)",
		e.Holder.PID, e.Holder.Host, e.Holder.Sinds.Format(time.RFC3339), e.Holder.Verloopt.Format(time.RFC3339))
}

// Unwrap returns ErrBusy.
func (e *BusyError) Unwrap() error { return ErrBusy }

// acquireLock takes the run lock or returns a *BusyError.
func acquireLock(ctx context.Context, db *sqldb.DB, lease time.Duration, now func() time.Time, log *slog.Logger) (*runLock, error) {
	var b [8]byte
	_, _ = rand.Read(b[:])
	l := &runLock{db: db, owner: hex.EncodeToString(b[:]), lease: lease, now: now, log: log, stop: make(chan struct{})}
	host, _ := os.Hostname()
	err := db.Update(ctx, func(tx *sqldb.Tx) error {
		var h LockHolder
		var sinds, verloopt string
		err := tx.QueryRow(ctx, `SELECT eigenaar, host, pid, sinds, verloopt FROM archief_slot WHERE naam = ?`, lockName).
			Scan(&h.Eigenaar, &h.Host, &h.PID, &sinds, &verloopt)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		default:
			h.Sinds, _ = time.Parse(time.RFC3339Nano, sinds)
			h.Verloopt, _ = time.Parse(time.RFC3339Nano, verloopt)
			if !l.now().After(h.Verloopt) && !(h.Host == host && processGone(h.PID)) {
				return &BusyError{Holder: h}
			}
			log.WarnContext(ctx, "taking over an abandoned archive lock", "pid", h.PID, "host", h.Host, "since", sinds)
			if _, err := tx.Exec(ctx, `DELETE FROM archief_slot WHERE naam = ?`, lockName); err != nil {
				return err
			}
		}
		t := l.now()
		_, err = tx.Exec(ctx, `INSERT INTO archief_slot (naam, eigenaar, host, pid, sinds, verloopt) VALUES (?, ?, ?, ?, ?, ?)`,
			lockName, l.owner, host, os.Getpid(), fmtTime(t), fmtTime(t.Add(lease)))
		return err
	})
	if err != nil {
		var busy *BusyError
		if errors.As(err, &busy) {
			return nil, err
		}
		return nil, fmt.Errorf("archive: take the run lock: %w", err)
	}
	l.done.Add(1)
	go l.renew()
	return l, nil
}

// renew extends the lease every third of it until release.
func (l *runLock) renew() {
	defer l.done.Done()
	t := time.NewTicker(l.lease / 3)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), l.lease/3)
			err := l.db.Update(ctx, func(tx *sqldb.Tx) error {
				_, err := tx.Exec(ctx, `UPDATE archief_slot SET verloopt = ? WHERE naam = ? AND eigenaar = ?`,
					fmtTime(l.now().Add(l.lease)), lockName, l.owner)
				return err
			})
			cancel()
			if err != nil {
				l.log.Error("renew the archive run lock", "err", err)
			}
		}
	}
}

// release gives the lock up; it runs even when the run's context has ended.
func (l *runLock) release() {
	l.closed.Do(func() {
		close(l.stop)
		l.done.Wait()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := l.db.Update(ctx, func(tx *sqldb.Tx) error {
			_, err := tx.Exec(ctx, `DELETE FROM archief_slot WHERE naam = ? AND eigenaar = ?`, lockName, l.owner)
			return err
		})
		if err != nil {
			l.log.Error("release the archive run lock", "err", err)
		}
	})
}

// processGone reports whether no process with this pid exists on this host. It errs on the side
// of "still there": only a definite "no such process" counts.
func processGone(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return true
	}
	err = p.Signal(syscall.Signal(0))
	return errors.Is(err, os.ErrProcessDone) || errors.Is(err, syscall.ESRCH)
}
