package blobstore

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"unsafe"
)

// directAlign is the alignment O_DIRECT asks of a write's buffer, offset and length.
const directAlign = 4096

// createTemp creates a new temporary file in dir for writing a blob, opened with O_DIRECT
// where the file system allows it (see directFile).
func createTemp(dir string) (*directFile, error) {
	var b [12]byte
	_, _ = rand.Read(b[:])
	name := filepath.Join(dir, "put-"+hex.EncodeToString(b[:]))
	const flags = os.O_RDWR | os.O_CREATE | os.O_EXCL
	f, err := os.OpenFile(name, flags|syscall.O_DIRECT, 0o640)
	if err == nil {
		return &directFile{File: f, direct: true}, nil
	}
	if !errors.Is(err, syscall.EINVAL) {
		return nil, err
	}
	f, err = os.OpenFile(name, flags, 0o640) // tmpfs and others refuse O_DIRECT
	if err != nil {
		return nil, err
	}
	return &directFile{File: f}, nil
}

// directFile writes a blob's full pieces past the page cache. Copying 1 GiB into the page
// cache cost this machine 1 to 3.7 CPU seconds (copy_folio_from_iter_atomic was 64% of the
// daemon's profile during an upload), and the sync at the end then wrote it all out; a
// direct write hands the aligned buffer to the disk instead, and the sync has only the
// metadata and the tail left. The first write that is not aligned (the last, shorter piece)
// turns O_DIRECT off for the rest of the file and goes through the page cache, as does
// everything written where the file system refuses direct writes. The blob is as durable as
// before: Put still syncs the file and its folder before it answers.
type directFile struct {
	*os.File
	direct bool
	off    int64
}

func (f *directFile) Write(p []byte) (int, error) {
	if f.direct && (len(p)%directAlign != 0 || f.off%directAlign != 0 || !aligned(p)) {
		if err := f.buffered(); err != nil {
			return 0, err
		}
	}
	n, err := f.File.Write(p)
	if f.direct && errors.Is(err, syscall.EINVAL) && n == 0 {
		if err := f.buffered(); err != nil {
			return 0, err
		}
		n, err = f.File.Write(p)
	}
	f.off += int64(n)
	return n, err
}

// buffered turns O_DIRECT off.
func (f *directFile) buffered() error {
	f.direct = false
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		fl, _, errno := syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_GETFL, 0)
		if errno == 0 {
			_, _, errno = syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_SETFL, fl&^syscall.O_DIRECT)
		}
		if errno != 0 {
			serr = errno
		}
	}); err != nil {
		return err
	}
	return serr
}

// aligned reports whether p starts at a multiple of directAlign.
func aligned(p []byte) bool {
	return len(p) > 0 && uintptr(unsafe.Pointer(unsafe.SliceData(p)))%directAlign == 0
}

// alignedBuf returns a buffer of n bytes that starts at a multiple of directAlign.
func alignedBuf(n int) []byte {
	b := make([]byte, n+directAlign)
	off := int(uintptr(unsafe.Pointer(unsafe.SliceData(b))) % directAlign)
	if off != 0 {
		off = directAlign - off
	}
	return b[off : off+n : off+n]
}
