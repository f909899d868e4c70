package sipcheck

import (
	"errors"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
)

// Object is one object of a package in an object store (or a plan): its slash-separated path
// below the package folder, its size, and how to read it.
type Object struct {
	// Pad is the object's path below the package folder, e.g. "archief/serie/zaak/zaak.mdto.xml".
	Pad string
	// Grootte is its size in bytes.
	Grootte int64
	// Open reads it.
	Open func() (io.ReadCloser, error)
}

// ObjectFS returns the objects as an fs.FS, with the folders their paths imply, so that a
// package in an object store can be checked without copying it. A path that is not valid for
// fs.FS (see fs.ValidPath) is left out; the naming check cannot see it, so callers with keys
// from elsewhere should check them with fs.ValidPath first.
func ObjectFS(objs []Object) fs.FS {
	o := &objectFS{files: map[string]Object{}, dirs: map[string]map[string]bool{".": {}}}
	for _, ob := range objs {
		if !fs.ValidPath(ob.Pad) || ob.Pad == "." {
			continue
		}
		o.files[ob.Pad] = ob
		child := ob.Pad
		for d := path.Dir(ob.Pad); ; d = path.Dir(d) {
			if o.dirs[d] == nil {
				o.dirs[d] = map[string]bool{}
			}
			o.dirs[d][path.Base(child)] = true
			if d == "." {
				break
			}
			child = d
		}
	}
	return o
}

type objectFS struct {
	files map[string]Object
	dirs  map[string]map[string]bool
}

// Open opens a file or folder.
func (o *objectFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if ob, ok := o.files[name]; ok {
		rc, err := ob.Open()
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		f := &objectFile{ob: ob, rc: rc}
		if _, ok := rc.(io.Seeker); ok {
			return &seekFile{f}, nil
		}
		return f, nil
	}
	if kids, ok := o.dirs[name]; ok {
		var entries []fs.DirEntry
		for k := range kids {
			entries = append(entries, fs.FileInfoToDirEntry(o.info(path.Join(name, k))))
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
		return &objectDir{info: o.info(name), entries: entries}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// info describes a file or folder of the FS.
func (o *objectFS) info(name string) objectInfo {
	if ob, ok := o.files[name]; ok {
		return objectInfo{name: path.Base(name), size: ob.Grootte}
	}
	return objectInfo{name: path.Base(name), dir: true}
}

type objectInfo struct {
	name string
	size int64
	dir  bool
}

func (i objectInfo) Name() string { return i.name }
func (i objectInfo) Size() int64  { return i.size }
func (i objectInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (i objectInfo) ModTime() time.Time { return time.Time{} }
func (i objectInfo) IsDir() bool        { return i.dir }
func (i objectInfo) Sys() any           { return nil }

// objectFile reads an object.
type objectFile struct {
	ob Object
	rc io.ReadCloser
}

func (f *objectFile) Stat() (fs.FileInfo, error) {
	return objectInfo{name: path.Base(f.ob.Pad), size: f.ob.Grootte}, nil
}

func (f *objectFile) Read(b []byte) (int, error) { return f.rc.Read(b) }

func (f *objectFile) Close() error { return f.rc.Close() }

// seekFile is an objectFile whose reader can seek.
type seekFile struct{ *objectFile }

func (f *seekFile) Seek(offset int64, whence int) (int64, error) {
	return f.rc.(io.Seeker).Seek(offset, whence)
}

type objectDir struct {
	info    objectInfo
	entries []fs.DirEntry
	off     int
}

func (d *objectDir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *objectDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.name, Err: errors.New("is a directory")}
}
func (d *objectDir) Close() error { return nil }

func (d *objectDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	k := min(n, len(rest))
	d.off += k
	return rest[:k], nil
}

// ObjectenOnder turns keys below prefix (a package folder ending in "/") into paths below it,
// leaving out keys that are not below it.
func ObjectenOnder(prefix string, objs []Object) []Object {
	var out []Object
	for _, o := range objs {
		if rel, ok := strings.CutPrefix(o.Pad, prefix); ok && rel != "" {
			o.Pad = rel
			out = append(out, o)
		}
	}
	return out
}
