package zgw

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"
)

// procLock keeps two processes from collecting into one data directory at the same time: the
// daemon and a `zgw sync` would otherwise both record what they found, each believing the
// other's half-done work was a crash. It holds an exclusive flock(2) on a file while at least
// one pass of this process runs; the kernel releases it when the process dies, so a killed
// process never leaves a stale lock. A nil procLock locks nothing.
type procLock struct {
	path string

	mu sync.Mutex
	n  int
	f  *os.File
}

// acquire takes the lock, waiting (until ctx ends) while another process holds it, and
// returns its release.
func (l *procLock) acquire(ctx context.Context) (func(), error) {
	if l == nil {
		return func() {}, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n == 0 {
		f, err := os.OpenFile(l.path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("collector lock %s: %w", l.path, err)
		}
		wait := 50 * time.Millisecond
		for {
			err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
			if err == nil {
				break
			}
			if !errors.Is(err, syscall.EWOULDBLOCK) {
				f.Close()
				return nil, fmt.Errorf("collector lock %s: %w", l.path, err)
			}
			select {
			case <-ctx.Done():
				f.Close()
				return nil, fmt.Errorf("collector lock %s is held by another process (the daemon, or another zgw sync): %w", l.path, ctx.Err())
			case <-time.After(wait):
			}
			wait = min(2*wait, time.Second)
		}
		l.f = f
	}
	l.n++
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.n--
		if l.n == 0 {
			_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
			l.f.Close()
			l.f = nil
		}
	}, nil
}
