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
	"strings"
	"testing"
	"time"
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

// trickleReader hands out its content in pieces of at most step bytes, as a network body does.
type trickleReader struct {
	b    []byte
	step int
}

func (t *trickleReader) Read(p []byte) (int, error) {
	if len(t.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), t.step)], t.b)
	t.b = t.b[n:]
	return n, nil
}

func TestPutHashesAndStoresEverySizeAroundTheBuffer(t *testing.T) {
	for _, tc := range []struct {
		naam string
		size int
		step int
	}{
		{"leeg", 0, 4096},
		{"een byte", 1, 4096},
		{"net onder de buffer", bufSize - 1, 4096},
		{"precies de buffer", bufSize, 4096},
		{"net boven de buffer", bufSize + 1, 7},
		{"drie buffers en wat, in grote stukken", 3*bufSize + 12345, 3 << 20},
	} {
		t.Run(tc.naam, func(t *testing.T) {
			root := t.TempDir()
			d, err := Open(root)
			if err != nil {
				t.Fatal(err)
			}
			content := make([]byte, tc.size)
			for i := range content {
				content[i] = byte(i*7 + i>>11)
			}
			sum := sha256.Sum256(content)
			sha, size, created, err := d.Put(context.Background(), &trickleReader{b: content, step: tc.step})
			if err != nil {
				t.Fatal(err)
			}
			if sha != hex.EncodeToString(sum[:]) || size != int64(tc.size) || !created {
				t.Fatalf("Put = %s, %d, %v; want %x, %d, true", sha, size, created, sum, tc.size)
			}
			got, err := os.ReadFile(filepath.Join(root, sha[:2], sha))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, content) {
				t.Fatal("the stored blob differs from what was put")
			}
			if _, _, created, err := d.Put(context.Background(), bytes.NewReader(content)); err != nil || created {
				t.Fatalf("second Put: created=%v err=%v; want the blob that is there", created, err)
			}
			if left, _ := os.ReadDir(filepath.Join(root, "tmp")); len(left) != 0 {
				t.Fatalf("temporary files left behind: %v", left)
			}
		})
	}
}

func TestPutStopsWhenTheContextIsCancelled(t *testing.T) {
	root := t.TempDir()
	d, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, _, err := d.Put(ctx, bytes.NewReader(make([]byte, 3*bufSize))); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put with a cancelled context = %v, want context.Canceled", err)
	}
	if left, _ := os.ReadDir(filepath.Join(root, "tmp")); len(left) != 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}
}

// An upload killed before its rename leaves its temporary file in DIR/tmp. Sweep removes the
// ones not written since the given time and leaves a younger one (an upload in progress) and
// every blob alone.
func TestSweepRemovesWhatKilledUploadsLeft(t *testing.T) {
	root := t.TempDir()
	d, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	sha, _, _, err := d.Put(t.Context(), strings.NewReader("inhoud"))
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * time.Hour)
	for _, name := range []string{"put-111", "put-222"} {
		p := filepath.Join(root, "tmp", name)
		if err := os.WriteFile(p, []byte("half"), 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	busy := filepath.Join(root, "tmp", "put-333")
	if err := os.WriteFile(busy, []byte("bezig"), 0o640); err != nil {
		t.Fatal(err)
	}
	if n, err := d.Sweep(time.Now().Add(-time.Hour)); err != nil || n != 2 {
		t.Fatalf("Sweep = %d, %v; want 2", n, err)
	}
	if _, err := os.Stat(busy); err != nil {
		t.Errorf("the file of an upload in progress is gone: %v", err)
	}
	rc, err := d.Open(t.Context(), sha)
	if err != nil {
		t.Fatalf("the blob is gone after the sweep: %v", err)
	}
	rc.Close()
}
