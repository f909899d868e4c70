package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"unsafe"
)

// copyDirect writes body to the new file at name in 1 MiB pieces with O_DIRECT, past the page
// cache, the last shorter piece through it, as the daemon's blob store does, and syncs the
// file: the reference's upload with -referentie-direct, to compare like with like.
func copyDirect(name string, body io.Reader) (int64, error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL|syscall.O_DIRECT, 0o640)
	if err != nil {
		return 0, fmt.Errorf("open %s with O_DIRECT: %w", name, err)
	}
	defer f.Close()
	raw := make([]byte, blockSize+4096)
	off := int(uintptr(unsafe.Pointer(unsafe.SliceData(raw))) % 4096)
	if off != 0 {
		off = 4096 - off
	}
	buf := raw[off : off+blockSize]
	var size int64
	for {
		n, rerr := io.ReadFull(body, buf)
		if n > 0 {
			if n%4096 != 0 {
				if err := clearDirect(f); err != nil {
					return size, err
				}
			}
			if _, err := f.Write(buf[:n]); err != nil {
				return size, err
			}
			size += int64(n)
		}
		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		}
		if rerr != nil {
			return size, rerr
		}
	}
	return size, f.Sync()
}

func clearDirect(f *os.File) error {
	fl, _, errno := syscall.Syscall(syscall.SYS_FCNTL, f.Fd(), syscall.F_GETFL, 0)
	if errno == 0 {
		_, _, errno = syscall.Syscall(syscall.SYS_FCNTL, f.Fd(), syscall.F_SETFL, fl&^syscall.O_DIRECT)
	}
	if errno != 0 {
		return fmt.Errorf("turn O_DIRECT off: %w", errno)
	}
	return nil
}
