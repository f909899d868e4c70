package filetarget_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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

// An object replaced while it is locked is kept as an older version: its lock still counts (a
// retention extension reaches it, Delete waits for it), then Delete removes every version. A
// crash that left a kept version's record without its data is cleared away.
func TestReplacedLockedObjectKeepsItsLockAsAnOlderVersion(t *testing.T) {
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	tg := newTarget(t, filetarget.Options{Now: func() time.Time { return now }})
	put := func(data string, opts objstore.PutOptions) {
		t.Helper()
		opts.SHA256 = sha256.Sum256([]byte(data))
		if _, err := tg.Put(t.Context(), "z/k", bytes.NewReader([]byte(data)), int64(len(data)), opts); err != nil {
			t.Fatal(err)
		}
	}
	put("first", objstore.PutOptions{Retention: &objstore.Retention{Mode: objstore.Compliance, Until: now.AddDate(1, 0, 0)}})
	put("second", objstore.PutOptions{LegalHold: true})
	put("third", objstore.PutOptions{})
	b, err := os.ReadFile(filepath.Join(tg.Root(), "z", "k"))
	if err != nil || string(b) != "third" {
		t.Errorf("current content %q, %v, want the last one written", b, err)
	}
	// The state a crash leaves between copying a kept version's record and moving its data.
	stray := filepath.Join(tg.Root(), ".versies", "z", "k", "9.json")
	rec, err := os.ReadFile(filepath.Join(tg.Root(), ".versies", "z", "k", "1.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stray, rec, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := tg.ExtendRetention(t.Context(), "z/k", objstore.Retention{Mode: objstore.Compliance, Until: now.AddDate(2, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	// The extension reached the replaced version itself, not only the current object.
	var kept struct{ Retention objstore.Retention }
	if b, err := os.ReadFile(filepath.Join(tg.Root(), ".versies", "z", "k", "1.json")); err != nil {
		t.Fatal(err)
	} else if err := json.Unmarshal(b, &kept); err != nil || !kept.Retention.Until.Equal(now.AddDate(2, 0, 0)) {
		t.Errorf("kept version's retention %+v (%v), want until %s", kept.Retention, err, now.AddDate(2, 0, 0))
	}
	// The state a crash leaves after the current data moved among the older versions, before
	// the new object is in place: a record without data, which Delete clears away too.
	if err := os.Remove(filepath.Join(tg.Root(), "z", "k")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		at      time.Time
		release bool
		wantErr error
	}{
		{"the first lock has ended but was extended", now.AddDate(1, 0, 1), false, objstore.ErrLocked},
		{"the extension has ended, the second version is on hold", now.AddDate(2, 0, 0), false, objstore.ErrLocked},
		{"the hold is released", now.AddDate(2, 0, 0), true, nil},
	} {
		now = c.at
		if c.release {
			if err := tg.SetLegalHold(t.Context(), "z/k", false); err != nil {
				t.Fatal(err)
			}
		}
		if err := tg.Delete(t.Context(), "z/k"); !errors.Is(err, c.wantErr) {
			t.Errorf("%s: Delete = %v, want %v", c.name, err, c.wantErr)
		}
	}
	if left := residue(t, tg); len(left) > 0 {
		t.Errorf("files left after delete: %q", left)
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

// A kill between writing a temporary file and renaming it leaves .tmp-* files beside objects,
// records and versions. Sweep removes the ones older than its time and nothing else.
func TestSweepRemovesOldTemporaryFilesOnly(t *testing.T) {
	tg := newTarget(t, filetarget.Options{})
	ctx := t.Context()
	data := []byte("inhoud")
	sum := sha256.Sum256(data)
	if _, err := tg.Put(ctx, "zaak-1/bestand", bytes.NewReader(data), int64(len(data)), objstore.PutOptions{SHA256: sum}); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * time.Hour)
	debris := []string{"zaak-1/.tmp-123", ".meta/zaak-1/.tmp-456", ".tmp-789"}
	for _, rel := range debris {
		p := filepath.Join(tg.Root(), filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("half"), 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	young := filepath.Join(tg.Root(), "zaak-1", ".tmp-busy")
	if err := os.WriteFile(young, []byte("in progress"), 0o640); err != nil {
		t.Fatal(err)
	}
	n, err := tg.Sweep(ctx, time.Now().Add(-time.Hour))
	if err != nil || n != len(debris) {
		t.Fatalf("Sweep = %d, %v; want %d", n, err, len(debris))
	}
	for _, rel := range debris {
		if _, err := os.Stat(filepath.Join(tg.Root(), filepath.FromSlash(rel))); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s is still there: %v", rel, err)
		}
	}
	if _, err := os.Stat(young); err != nil {
		t.Errorf("the temporary file of a write in progress was removed: %v", err)
	}
	if _, err := tg.Stat(ctx, "zaak-1/bestand"); err != nil {
		t.Errorf("the object is gone after the sweep: %v", err)
	}
}

// An object whose last name is as long as the file system allows (255 bytes) is stored, read,
// listed and deleted like any other: its record does not need a longer name. Two such names
// that differ only at their end keep separate records.
func TestLongestNamesKeepTheirRecords(t *testing.T) {
	tg := newTarget(t, filetarget.Options{})
	ctx := t.Context()
	base := strings.Repeat("é", 100) + strings.Repeat("a", 54) // 254 bytes
	keys := []string{"zaak-1/" + base + "x", "zaak-1/" + base + "y"}
	for i, key := range keys {
		data := []byte("inhoud " + key[len(key)-1:])
		if _, err := tg.Put(ctx, key, bytes.NewReader(data), int64(len(data)), objstore.PutOptions{SHA256: sha256.Sum256(data)}); err != nil {
			t.Fatalf("put key %d: %v", i, err)
		}
	}
	for _, key := range keys {
		info, err := tg.Stat(ctx, key)
		if err != nil || info.Key != key {
			t.Fatalf("stat %q: %+v, %v", key[len(key)-3:], info, err)
		}
		if want := sha256.Sum256([]byte("inhoud " + key[len(key)-1:])); info.SHA256 != hex.EncodeToString(want[:]) {
			t.Errorf("%q has the other key's record", key[len(key)-3:])
		}
	}
	var listed int
	if err := tg.List(ctx, "zaak-1/", func(objstore.ObjectInfo) error { listed++; return nil }); err != nil || listed != 2 {
		t.Errorf("list: %d objects, %v", listed, err)
	}
	if err := tg.Delete(ctx, keys[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := tg.Stat(ctx, keys[1]); err != nil {
		t.Errorf("deleting one long name lost the other: %v", err)
	}
}
