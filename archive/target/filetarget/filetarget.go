package filetarget

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"zaakarchief/archive/target/objstore"
)

const (
	metaDir    = ".meta"
	versionDir = ".versies"
	tmpGlob    = ".tmp-*"
	dirPerm    = 0o750
	filePerm   = 0o640
)

// Options tunes a Target. The zero value is the production setting.
type Options struct {
	// Now returns the current time for retention checks; nil means time.Now. Tests set it to
	// step past an until-date without waiting.
	Now func() time.Time
}

// Target is an archive target in a local directory. It is safe for concurrent use by the
// goroutines of one process.
type Target struct {
	root string
	now  func() time.Time
	mu   sync.Mutex // serialises commits, deletes and legal-hold updates
}

// New returns a Target rooted at root, an absolute path, creating the directory if needed.
func New(root string, opts Options) (*Target, error) {
	if !filepath.IsAbs(root) {
		return nil, fmt.Errorf("filetarget: root %q is not an absolute path", root)
	}
	root = filepath.Clean(root)
	if err := os.MkdirAll(filepath.Join(root, metaDir), dirPerm); err != nil {
		return nil, fmt.Errorf("filetarget: create root: %w", err)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Target{root: root, now: now}, nil
}

// URL returns the target as a file:// URL.
func (t *Target) URL() string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(t.root)}).String()
}

// Root returns the directory the target stores in.
func (t *Target) Root() string { return t.root }

func (t *Target) dataPath(key string) string { return filepath.Join(t.root, filepath.FromSlash(key)) }

// maxName is the longest file name the file systems a target lives on allow (NAME_MAX of
// ext4, XFS, btrfs and ZFS).
const maxName = 255

// metaPath is the record of key: .meta/<key>.json. When the key's last name leaves no room for
// the suffix, the record's name keeps as much of it as fits and adds the start of the name's
// SHA-256, so records of different keys never share a name.
func (t *Target) metaPath(key string) string {
	dir, base := path.Split(key)
	name := base + ".json"
	if len(name) > maxName {
		sum := sha256.Sum256([]byte(base))
		tag := "~" + hex.EncodeToString(sum[:8]) + ".json"
		keep := maxName - len(tag)
		for keep > 0 && !utf8.RuneStart(base[keep]) {
			keep--
		}
		name = base[:keep] + tag
	}
	return filepath.Join(t.root, metaDir, filepath.FromSlash(dir), name)
}

// Put stores size bytes from r under key, refusing content that does not match opts.SHA256 with
// ErrChecksumMismatch and leaving nothing behind. An object it replaces that is still locked is
// kept as an older version (see the package documentation).
func (t *Target) Put(ctx context.Context, key string, r io.Reader, size int64, opts objstore.PutOptions) (objstore.ObjectInfo, error) {
	info, err := t.put(ctx, key, r, size, opts)
	if err != nil {
		return objstore.ObjectInfo{}, fmt.Errorf("filetarget: put %s: %w", key, err)
	}
	return info, nil
}

func (t *Target) put(ctx context.Context, key string, r io.Reader, size int64, opts objstore.PutOptions) (objstore.ObjectInfo, error) {
	if err := objstore.ValidateKey(key); err != nil {
		return objstore.ObjectInfo{}, err
	}
	if size < 0 {
		return objstore.ObjectInfo{}, fmt.Errorf("size %d: the size must be known", size)
	}
	if err := opts.Validate(t.now()); err != nil {
		return objstore.ObjectInfo{}, err
	}
	dataFile := t.dataPath(key)
	if err := mkdirAllSync(t.root, filepath.Dir(dataFile)); err != nil {
		return objstore.ObjectInfo{}, err
	}
	tmpData, err := writeTemp(filepath.Dir(dataFile), func(w io.Writer) error {
		h := sha256.New()
		src := objstore.NewSizedReader(objstore.NewContextReader(ctx, r), size)
		if _, err := io.Copy(io.MultiWriter(w, h), src); err != nil {
			return err
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != opts.SHA256Hex() {
			return fmt.Errorf("content sha-256 %s, announced %s: %w", got, opts.SHA256Hex(), objstore.ErrChecksumMismatch)
		}
		return nil
	})
	if err != nil {
		return objstore.ObjectInfo{}, err
	}
	committed := false
	defer func() {
		if !committed {
			os.Remove(tmpData)
		}
	}()

	rec := record{Key: key, Size: size, SHA256: opts.SHA256Hex(), ContentType: contentType(opts.ContentType), LegalHold: opts.LegalHold}
	if opts.Retention != nil {
		n := opts.Retention.Normalized()
		rec.Retention = &n
	}
	metaFile := t.metaPath(key)
	if err := mkdirAllSync(t.root, filepath.Dir(metaFile)); err != nil {
		return objstore.ObjectInfo{}, err
	}
	tmpMeta, err := writeTemp(filepath.Dir(metaFile), rec.write)
	if err != nil {
		return objstore.ObjectInfo{}, err
	}
	metaRenamed := false
	defer func() {
		if !metaRenamed {
			os.Remove(tmpMeta)
		}
	}()

	t.mu.Lock()
	defer t.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return objstore.ObjectInfo{}, err
	}
	if old, err := t.stat(key); err == nil && old.Locked(t.now()) {
		if err := t.keepVersion(key); err != nil {
			return objstore.ObjectInfo{}, fmt.Errorf("keep the locked version (%s): %w", lockReason(old), err)
		}
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return objstore.ObjectInfo{}, err
	}
	// The record goes first: a visible object always has its lock recorded.
	if err := renameSync(tmpMeta, metaFile); err != nil {
		return objstore.ObjectInfo{}, err
	}
	metaRenamed = true
	if err := renameSync(tmpData, dataFile); err != nil {
		return objstore.ObjectInfo{}, err
	}
	committed = true
	return t.stat(key)
}

// Stat describes the object under key from its file and record.
func (t *Target) Stat(ctx context.Context, key string) (objstore.ObjectInfo, error) {
	if err := objstore.ValidateKey(key); err != nil {
		return objstore.ObjectInfo{}, fmt.Errorf("filetarget: stat: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return objstore.ObjectInfo{}, fmt.Errorf("filetarget: stat %s: %w", key, err)
	}
	info, err := t.stat(key)
	if err != nil {
		return objstore.ObjectInfo{}, fmt.Errorf("filetarget: stat %s: %w", key, err)
	}
	return info, nil
}

func (t *Target) stat(key string) (objstore.ObjectInfo, error) {
	fi, err := os.Stat(t.dataPath(key))
	if errors.Is(err, syscall.ENOTDIR) {
		return objstore.ObjectInfo{}, fmt.Errorf("%s: a parent is an object: %w", key, os.ErrNotExist)
	}
	if err != nil {
		return objstore.ObjectInfo{}, err
	}
	if !fi.Mode().IsRegular() {
		return objstore.ObjectInfo{}, fmt.Errorf("%s is a prefix, not an object: %w", key, os.ErrNotExist)
	}
	rec, err := readRecord(t.metaPath(key))
	if err != nil {
		return objstore.ObjectInfo{}, err
	}
	if rec.Size != fi.Size() {
		return objstore.ObjectInfo{}, fmt.Errorf("file holds %d bytes, record says %d: %w", fi.Size(), rec.Size, objstore.ErrChecksumMismatch)
	}
	return objstore.ObjectInfo{
		Key: key, Size: fi.Size(), SHA256: rec.SHA256, ContentType: rec.ContentType,
		Retention: rec.Retention, LegalHold: rec.LegalHold, ModTime: fi.ModTime().UTC(),
	}, nil
}

// Open returns the content of key. Reading it to the end verifies it against the record: the
// last Read returns an error wrapping ErrChecksumMismatch instead of io.EOF if it differs.
func (t *Target) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	info, err := t.Stat(ctx, key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(t.dataPath(key))
	if err != nil {
		return nil, fmt.Errorf("filetarget: open %s: %w", key, err)
	}
	return objstore.NewVerifyingReader(f, key, info.SHA256, info.Size), nil
}

// List calls fn for every object whose key starts with prefix, in ascending key order, with
// Key, Size and ModTime filled. An error from fn stops the listing and is returned as is.
func (t *Target) List(ctx context.Context, prefix string, fn func(objstore.ObjectInfo) error) error {
	if err := objstore.ValidatePrefix(prefix); err != nil {
		return fmt.Errorf("filetarget: list: %w", err)
	}
	// Walk only the deepest directory the prefix names.
	start := t.root
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		start = filepath.Join(t.root, filepath.FromSlash(prefix[:i]))
	}
	var found []objstore.ObjectInfo
	err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == start && (errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)) {
				return fs.SkipAll
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if p == start {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") { // .meta, temporary files
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(t.root, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if d.IsDir() {
			if !strings.HasPrefix(key+"/", prefix) && !strings.HasPrefix(prefix, key+"/") {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !strings.HasPrefix(key, prefix) {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		found = append(found, objstore.ObjectInfo{Key: key, Size: fi.Size(), ModTime: fi.ModTime().UTC()})
		return nil
	})
	if err != nil {
		return fmt.Errorf("filetarget: list %q: %w", prefix, err)
	}
	slices.SortFunc(found, func(a, b objstore.ObjectInfo) int { return strings.Compare(a.Key, b.Key) })
	for _, info := range found {
		if err := fn(info); err != nil {
			return err
		}
	}
	return nil
}

// Delete removes key, its record and its older versions. It refuses with ErrLocked while any
// of them has a retention until-date in the future or a legal hold, and returns
// os.ErrNotExist for a missing key.
func (t *Target) Delete(ctx context.Context, key string) error {
	if err := objstore.ValidateKey(key); err != nil {
		return fmt.Errorf("filetarget: delete: %w", err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("filetarget: delete %s: %w", key, err)
	}
	vs, err := t.versions(key)
	if err != nil {
		return fmt.Errorf("filetarget: delete %s: %w", key, err)
	}
	for _, v := range vs {
		if info := v.info(); info.Locked(t.now()) {
			return fmt.Errorf("filetarget: delete %s refused, %s: %w", key, lockReason(info), objstore.ErrLocked)
		}
	}
	for _, v := range vs {
		if err := v.remove(); err != nil {
			return fmt.Errorf("filetarget: delete %s: %w", key, err)
		}
	}
	// A record whose data a crash moved among the older versions before the new object came.
	if err := os.Remove(t.metaPath(key)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("filetarget: delete %s: %w", key, err)
	}
	return nil
}

// SetLegalHold places (on) or clears (off) the legal hold of key and of its older versions.
func (t *Target) SetLegalHold(ctx context.Context, key string, on bool) error {
	if err := objstore.ValidateKey(key); err != nil {
		return fmt.Errorf("filetarget: legal hold: %w", err)
	}
	return t.updateRecord(ctx, "legal hold", key, func(rec *record) bool {
		rec.LegalHold = on
		return true
	})
}

// ExtendRetention makes key and its older versions stay locked until at least r.Until; see
// target.Target.
func (t *Target) ExtendRetention(ctx context.Context, key string, r objstore.Retention) error {
	if err := objstore.ValidateKey(key); err != nil {
		return fmt.Errorf("filetarget: extend retention: %w", err)
	}
	if err := objstore.ValidateRetention(r, t.now()); err != nil {
		return fmt.Errorf("filetarget: extend retention %s: %w", key, err)
	}
	return t.updateRecord(ctx, "extend retention", key, func(rec *record) bool {
		next, ok := objstore.Extended(rec.Retention, r, t.now())
		rec.Retention = &next
		return ok
	})
}

// updateRecord changes the records of an existing object and its older versions with change
// and replaces each atomically, unless change reports that nothing changed.
func (t *Target) updateRecord(ctx context.Context, op, key string, change func(*record) bool) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("filetarget: %s %s: %w", op, key, err)
	}
	vs, err := t.versions(key)
	if err != nil {
		return fmt.Errorf("filetarget: %s %s: %w", op, key, err)
	}
	for _, v := range vs {
		rec := v.rec
		if !change(&rec) {
			continue
		}
		tmp, err := writeTemp(filepath.Dir(v.recPath), rec.write)
		if err != nil {
			return fmt.Errorf("filetarget: %s %s: %w", op, key, err)
		}
		if err := renameSync(tmp, v.recPath); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("filetarget: %s %s: %w", op, key, err)
		}
	}
	return nil
}

func lockReason(info objstore.ObjectInfo) string {
	if info.LegalHold {
		return "legal hold is on"
	}
	return fmt.Sprintf("%s retention until %s", info.Retention.Mode, info.Retention.Until.Format(time.RFC3339))
}

func contentType(ct string) string {
	if ct == "" {
		return "application/octet-stream"
	}
	return ct
}
