//go:build !linux

package blobstore

import "os"

// directFile is the temporary file of a blob; only on Linux are its full pieces written past
// the page cache (see direct_linux.go).
type directFile struct{ *os.File }

func createTemp(dir string) (*directFile, error) {
	f, err := os.CreateTemp(dir, "put-*")
	if err != nil {
		return nil, err
	}
	return &directFile{File: f}, nil
}

func alignedBuf(n int) []byte { return make([]byte, n) }
