//go:build unix

package formaat

import (
	"os"
	"syscall"
)

// mapFile maps the first size bytes of f read-only. ok is false when the file cannot be mapped
// (empty, too large for this platform's int, or refused); the caller then reads it.
func mapFile(f *os.File, size int64) (data []byte, unmap func(), ok bool) {
	if size <= 0 || int64(int(size)) != size {
		return nil, nil, false
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, false
	}
	return data, func() { _ = syscall.Munmap(data) }, true
}
