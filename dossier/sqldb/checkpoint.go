package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of the checkpointer (see WithCheckpoints).
const (
	// DefaultCheckpointIdle is how long the database must have had no write before the
	// write-ahead log is copied back into the database file.
	DefaultCheckpointIdle = time.Second
	// DefaultCheckpointBusy is how long, at most, the log is left to grow while writes go on.
	DefaultCheckpointBusy = time.Minute
	// defaultTruncatePages is the size of the log, in pages, past which it is emptied.
	defaultTruncatePages = 16 << 10 // 64 MiB at 4 KiB pages
)

// checkpointer copies the write-ahead log of a SQLite database back into the database file on
// its own connection, at moments it chooses, as litestream does.
//
// SQLite's default is that the commit that takes the log past 1,000 pages (4 MiB) copies it
// back itself. A checkpoint syncs the log and the database file; with synchronous=NORMAL
// nothing else the daemon does syncs. On a machine that is also writing gigabytes (an archive
// run with the S3 server on the same disk, in the benchmark) every such fsync made ext4 commit
// its journal with the other files' data first: up to 1.2 s during which the writer connection
// waited, and with it every package being planned or sealed, and during which the S3 server's
// own file operations stopped. An archive run of 1,000 zaken did about 40 of them.
//
// So commits never checkpoint (wal_autocheckpoint 0). The checkpointer looks every idle
// interval: when no write was committed since its last look, it runs a PASSIVE checkpoint,
// which copies what no reader still needs and takes no lock a writer waits for; the next
// commit then starts the log from its beginning again. While writes go on, it checkpoints
// once per busy interval, and when that finds the log past truncatePages (64 MiB), it empties
// it with a TRUNCATE checkpoint, which holds the writers until it is done. During a long run
// that is one or two syncs a minute instead of one per 4 MiB of commits. Once a checkpoint has
// copied the whole log, nothing is done until the next commit: an idle daemon is left alone.
// What is committed is as safe as before: checkpoints only move it from the log into the
// database file.
type checkpointer struct {
	db            *sql.DB
	path          string
	log           *slog.Logger
	truncatePages int
	stop          chan struct{}
	wg            sync.WaitGroup
}

// startCheckpointer starts checkpointing on db, watching commits (the writes committed
// through DB.Update) to tell a pause in the writes.
func startCheckpointer(db *sql.DB, path string, o sqliteOptions, commits *atomic.Uint64) *checkpointer {
	c := &checkpointer{db: db, path: path, log: o.log, truncatePages: o.truncatePages, stop: make(chan struct{})}
	c.wg.Go(func() {
		t := time.NewTicker(o.idle)
		defer t.Stop()
		seen, last := commits.Load(), time.Now()
		// copiedAt is the commit count when a checkpoint last copied the whole log: until the
		// next commit there is nothing to copy, and an idle database is left alone.
		var copiedAt uint64
		copiedAll := false
		for {
			select {
			case <-c.stop:
				return
			case <-t.C:
			}
			n := commits.Load()
			idle := n == seen
			seen = n
			if copiedAll && n == copiedAt {
				continue
			}
			if !idle && time.Since(last) < o.busy {
				continue
			}
			last = time.Now()
			all, err := c.checkpoint(context.Background())
			if err != nil {
				c.log.Warn("sqlite: checkpoint the write-ahead log (tried again)", "db", c.path, "err", err)
			}
			copiedAll, copiedAt = all, n
		}
	})
	return c
}

// checkpoint copies the log back once: PASSIVE, then TRUNCATE when the log has grown past
// truncatePages. It reports whether every page of the log is now in the database file (a
// reader on an older snapshot can keep a PASSIVE checkpoint from copying the newest pages).
func (c *checkpointer) checkpoint(ctx context.Context) (all bool, err error) {
	var busy, pages, copied int
	start := time.Now()
	if err := c.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &pages, &copied); err != nil {
		return false, fmt.Errorf("passive checkpoint: %w", err)
	}
	c.log.Debug("sqlite: write-ahead log copied back", "db", c.path, "pages", pages, "copied", copied, "took", time.Since(start))
	if pages < c.truncatePages {
		return copied == pages, nil
	}
	start = time.Now()
	if err := c.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &pages, &copied); err != nil {
		return false, fmt.Errorf("truncate checkpoint: %w", err)
	}
	c.log.Debug("sqlite: write-ahead log emptied", "db", c.path, "busy", busy != 0, "took", time.Since(start))
	return busy == 0, nil
}

// close stops the checkpointer and closes its connection.
func (c *checkpointer) close() error {
	close(c.stop)
	c.wg.Wait()
	return c.db.Close()
}
