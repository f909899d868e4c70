package filetarget

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"zaakarchief/archive/target/objstore"
)

// version is one stored version of a key: the current object or an older one kept because it
// was locked when it was replaced.
type version struct {
	dataPath, recPath string
	rec               record
}

func (v version) info() objstore.ObjectInfo {
	return objstore.ObjectInfo{Key: v.rec.Key, Size: v.rec.Size, SHA256: v.rec.SHA256, Retention: v.rec.Retention, LegalHold: v.rec.LegalHold}
}

// remove deletes the version's data, then its record: a record without data is invisible,
// data without a record would be damage.
func (v version) remove() error {
	for _, p := range []string{v.dataPath, v.recPath} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if err := syncDir(filepath.Dir(p)); err != nil {
			return err
		}
	}
	return nil
}

// versionsPath is the directory that holds the older versions of key.
func (t *Target) versionsPath(key string) string {
	return filepath.Join(t.root, versionDir, filepath.FromSlash(key))
}

// versions returns the current object of key (first, when there is one) and its older
// versions; os.ErrNotExist when there are none. The caller holds t.mu.
func (t *Target) versions(key string) ([]version, error) {
	var out []version
	if _, err := t.stat(key); err == nil {
		rec, err := readRecord(t.metaPath(key))
		if err != nil {
			return nil, err
		}
		out = append(out, version{dataPath: t.dataPath(key), recPath: t.metaPath(key), rec: rec})
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	dir := t.versionsPath(key)
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("older versions: %w", err)
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || !e.Type().IsRegular() || strings.HasPrefix(name, ".") {
			continue
		}
		v := version{dataPath: filepath.Join(dir, name), recPath: filepath.Join(dir, e.Name())}
		if v.rec, err = readRecord(v.recPath); err != nil {
			return nil, err
		}
		if _, err := os.Stat(v.dataPath); errors.Is(err, os.ErrNotExist) {
			// A record whose data never arrived (a crash while a version was kept): nothing
			// to protect, so it is cleared away.
			if err := os.Remove(v.recPath); err != nil {
				return nil, err
			}
			continue
		} else if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: %w", key, os.ErrNotExist)
	}
	return out, nil
}

// keepVersion moves the current object of key, which is locked, among its older versions,
// where its lock goes on applying (Delete, SetLegalHold, ExtendRetention) although Stat, Open
// and List no longer show it. Its record is copied there first and its data moved after, so
// that a crash at any point leaves either the current object or a complete older version
// (a record without data is cleared away). The caller holds t.mu.
func (t *Target) keepVersion(key string) error {
	rec, err := readRecord(t.metaPath(key))
	if err != nil {
		return err
	}
	dir := t.versionsPath(key)
	if err := mkdirAllSync(t.root, dir); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	// Versions are numbered from 1 in the order they were kept.
	last := 0
	for _, e := range entries {
		if n, err := strconv.Atoi(strings.TrimSuffix(e.Name(), ".json")); err == nil {
			last = max(last, n)
		}
	}
	name := strconv.Itoa(last + 1)
	tmp, err := writeTemp(dir, rec.write)
	if err != nil {
		return err
	}
	if err := renameSync(tmp, filepath.Join(dir, name+".json")); err != nil {
		os.Remove(tmp)
		return err
	}
	return renameSync(t.dataPath(key), filepath.Join(dir, name))
}
