package dossier

import (
	"context"
	"fmt"
	"io"
)

// BlobStore keeps document content by its SHA-256 (content addressing): the same bytes in two
// dossiers are stored once. Implementations: dossier/blobstore (a local directory).
//
// "Not found" is os.ErrNotExist (errors.Is). Implementations are safe for concurrent use.
type BlobStore interface {
	// Put streams r into the store and returns the SHA-256 (lower-case hex) and size of what it
	// read. The content becomes visible under its hash only when r is read to the end without
	// error; on any error nothing is left behind. created is false when the content was already
	// there (and nothing changed).
	Put(ctx context.Context, r io.Reader) (sha string, size int64, created bool, err error)
	// Open returns the content with this hash.
	Open(ctx context.Context, sha string) (io.ReadCloser, error)
	// Delete removes the content with this hash; deleting what is not there is no error.
	Delete(ctx context.Context, sha string) error
}

// limitReader returns ErrTooLarge once more than max bytes were read.
type limitReader struct {
	r   io.Reader
	max int64
	n   int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.max > 0 && int64(len(p)) > l.max-l.n+1 {
		p = p[:l.max-l.n+1]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.max > 0 && l.n > l.max {
		return n, &Fout{Kind: ErrTooLarge, Field: "inhoud", Detail: fmt.Sprintf("the file is larger than the limit of %d bytes", l.max)}
	}
	return n, err
}
