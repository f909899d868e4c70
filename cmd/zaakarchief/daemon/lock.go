package daemon

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// LockFile is the name of the lock file in the data directory that a serving daemon holds
// (Options.Exclusief): it holds the serving process's pid.
const LockFile = "serve.lock"

// ErrBezet is what Open returns (wrapped in a *BezetError) when another daemon already serves
// the data directory.
var ErrBezet = errors.New("datadirectory in gebruik")

// BezetError says which data directory another process serves, and that process's pid
// (0 when the lock file does not say).
type BezetError struct {
	Dir string
	Pid int
}

// Error is the one Dutch line the second serve prints.
func (e *BezetError) Error() string {
	holder := "een ander proces"
	if e.Pid > 0 {
		holder = "proces " + strconv.Itoa(e.Pid)
	}
	return fmt.Sprintf("datadirectory %s is in gebruik door een andere zaakarchief serve (%s): stop die eerst, of kies een andere --data", e.Dir, holder)
}

// Unwrap makes errors.Is(err, ErrBezet) hold.
func (e *BezetError) Unwrap() error { return ErrBezet }

// lockData takes the exclusive flock(2) on dir/serve.lock without waiting and writes this
// process's pid into it. The kernel releases the lock when the process ends, so a killed
// daemon never leaves a stale lock; the file itself stays.
func lockData(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("datadirectory %s: %w", dir, err)
	}
	p := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("vergrendeling %s: %w", p, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		b := make([]byte, 32)
		n, _ := f.ReadAt(b, 0)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			abs, aerr := filepath.Abs(dir)
			if aerr != nil {
				abs = dir
			}
			pid, _ := strconv.Atoi(string(bytes.TrimSpace(b[:n])))
			return nil, &BezetError{Dir: abs, Pid: pid}
		}
		return nil, fmt.Errorf("vergrendeling %s: %w", p, err)
	}
	if err := writePid(f); err != nil {
		unlock(f)
		return nil, fmt.Errorf("vergrendeling %s: %w", p, err)
	}
	return f, nil
}

func writePid(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return err
}

// unlock releases the lock taken by lockData; nil does nothing.
func unlock(f *os.File) {
	if f == nil {
		return
	}
	_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	f.Close()
}
