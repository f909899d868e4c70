package filetarget_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"zaakarchief/archive/target"
	"zaakarchief/archive/target/filetarget"
	"zaakarchief/archive/target/objstore"
	"zaakarchief/archive/target/targettest"
)

func newTarget(t *testing.T, opts filetarget.Options) *filetarget.Target {
	t.Helper()
	tg, err := filetarget.New(filepath.Join(t.TempDir(), "archief"), opts)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// residue lists every file under the root, records and temporary files included.
func residue(t *testing.T, tg target.Target) []string {
	t.Helper()
	root := tg.(*filetarget.Target).Root()
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestFileTargetPassesSharedSuite(t *testing.T) {
	targettest.Run(t, func(t *testing.T) target.Target { return newTarget(t, filetarget.Options{}) }, targettest.Caps{
		Residue: residue,
		Corrupt: func(t *testing.T, tg target.Target, key string) {
			p := filepath.Join(tg.(*filetarget.Target).Root(), filepath.FromSlash(key))
			f, err := os.OpenFile(p, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteAt([]byte("X"), 10); err != nil {
				t.Fatal(err)
			}
		},
	})
}

func TestDeleteAllowedOnceRetentionHasEnded(t *testing.T) {
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	tg := newTarget(t, filetarget.Options{Now: func() time.Time { return now }})
	data := []byte("vernietigen na P1Y")
	_, err := tg.Put(t.Context(), "z/1", bytes.NewReader(data), int64(len(data)), objstore.PutOptions{
		SHA256:    sha256.Sum256(data),
		Retention: &objstore.Retention{Mode: objstore.Compliance, Until: now.AddDate(1, 0, 0)},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		at      time.Time
		wantErr error
	}{
		{now.AddDate(1, 0, 0).Add(-time.Second), objstore.ErrLocked},
		{now.AddDate(1, 0, 0), nil},
	} {
		now = c.at
		if err := tg.Delete(t.Context(), "z/1"); !errors.Is(err, c.wantErr) {
			t.Errorf("Delete at %s = %v, want %v", c.at, err, c.wantErr)
		}
	}
	if left := residue(t, tg); len(left) > 0 {
		t.Errorf("files left after delete: %q", left)
	}
}

func TestPutRefusesToOverwriteLockedObject(t *testing.T) {
	tg := newTarget(t, filetarget.Options{})
	first := []byte("first")
	opts := objstore.PutOptions{SHA256: sha256.Sum256(first), LegalHold: true}
	if _, err := tg.Put(t.Context(), "k", bytes.NewReader(first), 5, opts); err != nil {
		t.Fatal(err)
	}
	second := []byte("second")
	_, err := tg.Put(t.Context(), "k", bytes.NewReader(second), 6, objstore.PutOptions{SHA256: sha256.Sum256(second)})
	if !errors.Is(err, objstore.ErrLocked) {
		t.Fatalf("overwrite under legal hold = %v, want ErrLocked", err)
	}
	b, err := os.ReadFile(filepath.Join(tg.Root(), "k"))
	if err != nil || string(b) != "first" {
		t.Errorf("content after refused overwrite = %q, %v", b, err)
	}
	if left := residue(t, tg); len(left) != 2 { // k and .meta/k.json, no temporary files
		t.Errorf("files = %q, want the object and its record only", left)
	}
}

func TestMissingRecordIsDamageNotAbsence(t *testing.T) {
	tg := newTarget(t, filetarget.Options{})
	data := []byte("x")
	if _, err := tg.Put(t.Context(), "k", bytes.NewReader(data), 1, objstore.PutOptions{SHA256: sha256.Sum256(data)}); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(tg.Root(), ".meta", "k.json")); err != nil {
		t.Fatal(err)
	}
	_, err := tg.Stat(t.Context(), "k")
	if err == nil || errors.Is(err, os.ErrNotExist) {
		t.Errorf("Stat without record = %v, want a damage error that is not os.ErrNotExist", err)
	}
	if err := tg.Delete(t.Context(), "k"); err == nil {
		t.Error("Delete without a record (lock unknown) succeeded")
	}
}

func TestNewRefusesRelativeRoot(t *testing.T) {
	if _, err := filetarget.New("relative/dir", filetarget.Options{}); err == nil {
		t.Error("New accepted a relative root")
	}
}

func TestURLNamesRoot(t *testing.T) {
	tg := newTarget(t, filetarget.Options{})
	if want := "file://" + filepath.ToSlash(tg.Root()); tg.URL() != want {
		t.Errorf("URL() = %q, want %q", tg.URL(), want)
	}
}
