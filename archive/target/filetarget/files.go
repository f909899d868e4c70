package filetarget

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"zaakarchief/archive/target/objstore"
)

// record is the sidecar .meta/<key>.json of an object.
type record struct {
	Key         string              `json:"key"`
	Size        int64               `json:"size"`
	SHA256      string              `json:"sha256"`
	ContentType string              `json:"contentType"`
	Retention   *objstore.Retention `json:"retention,omitempty"`
	LegalHold   bool                `json:"legalHold"`
}

func (r record) write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func readRecord(p string) (record, error) {
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		// Deliberately not os.ErrNotExist: the object exists, its record is missing.
		return record{}, fmt.Errorf("metadata record %s is missing (damaged target)", p)
	}
	if err != nil {
		return record{}, err
	}
	var rec record
	if err := json.Unmarshal(b, &rec); err != nil {
		return record{}, fmt.Errorf("metadata record %s: %w", p, err)
	}
	if rec.Retention != nil && !rec.Retention.Mode.Valid() {
		return record{}, fmt.Errorf("metadata record %s: retention mode %q is invalid", p, rec.Retention.Mode)
	}
	return rec, nil
}

// writeTemp creates a temporary file in dir, fills it with fill, fsyncs and closes it, and
// returns its path. On any error the file is removed.
func writeTemp(dir string, fill func(io.Writer) error) (name string, err error) {
	f, err := os.CreateTemp(dir, tmpGlob)
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := f.Chmod(filePerm); err != nil {
		return "", err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := fill(bw); err != nil {
		return "", err
	}
	if err := bw.Flush(); err != nil {
		return "", err
	}
	if err := f.Sync(); err != nil {
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return f.Name(), nil
}

// renameSync renames from to to and fsyncs the destination directory.
func renameSync(from, to string) error {
	if err := os.Rename(from, to); err != nil {
		return err
	}
	return syncDir(filepath.Dir(to))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("fsync %s: %w", dir, err)
	}
	return nil
}

// mkdirAllSync creates dir (inside root) and any missing parents, fsyncing the parent of each
// directory it creates so the new entries survive a crash.
func mkdirAllSync(root, dir string) error {
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("directory %s is outside root %s", dir, root)
	}
	if rel == "." {
		return nil
	}
	cur := root
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		next := filepath.Join(cur, part)
		err := os.Mkdir(next, dirPerm)
		switch {
		case err == nil:
			if err := syncDir(cur); err != nil {
				return err
			}
		case errors.Is(err, os.ErrExist):
			fi, serr := os.Stat(next)
			if serr != nil {
				return serr
			}
			if !fi.IsDir() {
				return fmt.Errorf("%s is an object, it cannot also be a prefix here", filepath.ToSlash(mustRel(root, next)))
			}
		default:
			return err
		}
		cur = next
	}
	return nil
}

func mustRel(root, p string) string {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return p
	}
	return rel
}

// Sweep removes the temporary files (.tmp-*) that writes interrupted by a crash or a kill left
// in the target, when they were last modified before before, and returns how many it removed.
// A write in progress keeps its temporary file younger than that, so the caller picks before
// well in the past of any write that may still run.
func (t *Target) Sweep(ctx context.Context, before time.Time) (int, error) {
	n := 0
	err := filepath.WalkDir(t.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || !strings.HasPrefix(d.Name(), ".tmp-") {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !info.ModTime().Before(before) {
			return nil
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("filetarget: sweep temporary files: %w", err)
	}
	return n, nil
}
