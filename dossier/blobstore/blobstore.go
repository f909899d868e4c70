// Package blobstore keeps document content in a local directory, named by SHA-256: the default
// dossier.BlobStore. A blob is written to a temporary file in the same file system, hashed while
// it streams, synced, and renamed into place, so a crash never leaves a partial blob under a
// hash. It knows nothing of zaken; the dossier decides when content may go.
package blobstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"zaakarchief/dossier"
)

// Dir is a blob store in a directory: blobs at DIR/ab/abcdef..., temporary files in DIR/tmp.
type Dir struct {
	root string
	bufs sync.Pool // *[2][]byte of bufSize each, one per Put in progress
}

var _ dossier.BlobStore = (*Dir)(nil)

// Open prepares (creating if needed) a blob store in root.
func Open(root string) (*Dir, error) {
	if err := os.MkdirAll(filepath.Join(root, "tmp"), 0o750); err != nil {
		return nil, fmt.Errorf("open blob store %s: %w", root, err)
	}
	d := &Dir{root: root}
	d.bufs.New = func() any { return &[2][]byte{alignedBuf(bufSize), alignedBuf(bufSize)} }
	return d, nil
}

// Root returns the directory.
func (d *Dir) Root() string { return d.root }

func (d *Dir) path(sha string) (string, error) {
	if len(sha) != 64 {
		return "", fmt.Errorf("blob %q: %w", sha, os.ErrNotExist)
	}
	if _, err := hex.DecodeString(sha); err != nil {
		return "", fmt.Errorf("blob %q: %w", sha, os.ErrNotExist)
	}
	return filepath.Join(d.root, sha[:2], sha), nil
}

// bufSize is how much of a blob Put gathers before it hashes and writes it: large enough that
// a GiB costs about a thousand write(2) calls instead of a quarter million of 4 KiB.
const bufSize = 1 << 20

// Put implements dossier.BlobStore. It fills a buffer of bufSize from r before each write, and
// hashes each buffer as it goes (see fill). Content that is already there is not synced or renamed a
// second time: its temporary copy is dropped. New content is synced once, renamed into place,
// and its folder synced.
func (d *Dir) Put(ctx context.Context, r io.Reader) (string, int64, bool, error) {
	tmp, err := createTemp(filepath.Join(d.root, "tmp"))
	if err != nil {
		return "", 0, false, fmt.Errorf("put blob: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	h := sha256.New()
	bufs := d.bufs.Get().(*[2][]byte)
	size, err := fill(ctx, tmp, h, r, bufs)
	d.bufs.Put(bufs)
	if err != nil {
		tmp.Close()
		return "", 0, false, fmt.Errorf("put blob: %w", err)
	}
	sha := hex.EncodeToString(h.Sum(nil))
	dst, _ := d.path(sha)
	if _, err := os.Stat(dst); err == nil {
		tmp.Close()
		return sha, size, false, nil
	}
	err = tmp.Sync()
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, false, fmt.Errorf("put blob %s: %w", sha, err)
	}
	if err := d.mkdir(filepath.Dir(dst)); err != nil {
		return "", 0, false, fmt.Errorf("put blob %s: %w", sha, err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", 0, false, fmt.Errorf("put blob %s: %w", sha, err)
	}
	if err := syncDir(filepath.Dir(dst)); err != nil {
		return "", 0, false, fmt.Errorf("put blob %s: %w", sha, err)
	}
	return sha, size, true, nil
}

// fill copies r to w and h in pieces of bufSize, each gathered in full before it is written
// (the last one may be shorter), and reports how many bytes it copied. A piece is hashed and
// written at the same time, on goroutines of their own, while the next one is read: on a
// 1 GiB upload hashing alone costs about half a second of CPU, which then no longer adds to
// the wall time.
func fill(ctx context.Context, w io.Writer, h hash.Hash, r io.Reader, bufs *[2][]byte) (int64, error) {
	var size int64
	var wg sync.WaitGroup
	var werr error // set by the writer, read after wg.Wait
	defer wg.Wait()
	for i := 0; ; i ^= 1 {
		if err := ctx.Err(); err != nil {
			return size, err
		}
		n, rerr := io.ReadFull(r, bufs[i])
		wg.Wait() // the previous piece is written and hashed
		if werr != nil {
			return size, werr
		}
		if n > 0 {
			piece := bufs[i][:n]
			wg.Go(func() { h.Write(piece) })
			wg.Go(func() {
				if _, err := w.Write(piece); err != nil {
					werr = err
				}
			})
			size += int64(n)
		}
		switch {
		case rerr == io.EOF || rerr == io.ErrUnexpectedEOF:
			wg.Wait()
			return size, werr
		case rerr != nil:
			return size, rerr
		}
	}
}

// mkdir creates the folder of a blob's prefix when it is not there yet, and then syncs the
// store's root, so that the new folder survives a crash with the blob renamed into it.
func (d *Dir) mkdir(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	return syncDir(d.root)
}

// Open implements dossier.BlobStore.
func (d *Dir) Open(ctx context.Context, sha string) (io.ReadCloser, error) {
	p, err := d.path(sha)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("open blob %s: %w", sha, err)
	}
	return f, nil
}

// Delete implements dossier.BlobStore.
func (d *Dir) Delete(ctx context.Context, sha string) error {
	p, err := d.path(sha)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("delete blob %s: %w", sha, err)
	}
	return syncDir(filepath.Dir(p))
}

// Walk calls fn for every blob hash in the store (for fixity checks and garbage reports).
func (d *Dir) Walk(ctx context.Context, fn func(sha string) error) error {
	entries, err := os.ReadDir(d.root)
	if err != nil {
		return fmt.Errorf("walk blobs: %w", err)
	}
	for _, e := range entries {
		if !e.IsDir() || len(e.Name()) != 2 {
			continue
		}
		files, err := os.ReadDir(filepath.Join(d.root, e.Name()))
		if err != nil {
			return fmt.Errorf("walk blobs: %w", err)
		}
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(f.Name()); err != nil {
				return err
			}
		}
	}
	return nil
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// Sweep removes the temporary files in DIR/tmp that were last written before before: what
// uploads interrupted by a crash or a kill left. An upload in progress writes its file as the
// body arrives, so the caller picks before well in the past of any write that may still run.
// It returns how many it removed.
func (d *Dir) Sweep(before time.Time) (int, error) {
	dir := filepath.Join(d.root, "tmp")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("blobstore: sweep %s: %w", dir, err)
	}
	n := 0
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() || !fi.ModTime().Before(before) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err == nil {
			n++
		}
	}
	return n, nil
}
