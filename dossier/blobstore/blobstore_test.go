package blobstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestPutStoresContentUnderItsSHA256(t *testing.T) {
	ctx := context.Background()
	d, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	content := []byte("aanvraagformulier omgevingsvergunning")
	sum := sha256.Sum256(content)
	sha, size, created, err := d.Put(ctx, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	if sha != hex.EncodeToString(sum[:]) || size != int64(len(content)) || !created {
		t.Fatalf("Put = %s, %d, %v", sha, size, created)
	}
	_, _, created, err = d.Put(ctx, bytes.NewReader(content))
	if err != nil || created {
		t.Fatalf("second Put of the same content: created=%v err=%v; want shared blob", created, err)
	}
	rc, err := d.Open(ctx, sha)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, content) {
		t.Fatal("content read back differs")
	}
	if err := d.Delete(ctx, sha); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Open(ctx, sha); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Open after Delete: %v, want os.ErrNotExist", err)
	}
}

type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("connection reset")
	}
	n := min(len(p), f.n)
	f.n -= n
	return n, nil
}

func TestPutThatFailsMidStreamLeavesNothing(t *testing.T) {
	root := t.TempDir()
	d, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := d.Put(context.Background(), &failingReader{n: 100000}); err == nil {
		t.Fatal("a broken stream was stored")
	}
	var files []string
	filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) != 0 {
		t.Fatalf("files left behind: %v", files)
	}
}

func TestOpenRefusesNamesThatAreNotHashes(t *testing.T) {
	d, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"../../etc/passwd", "", "zz", string(bytes.Repeat([]byte("g"), 64))} {
		if _, err := d.Open(context.Background(), name); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Open(%q) = %v, want os.ErrNotExist", name, err)
		}
	}
}
