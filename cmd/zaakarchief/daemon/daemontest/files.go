package daemontest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// Tree lists what is below root, sorted: every directory as "rel/" (root itself as "./") and
// every file as "rel size", rel with slashes. A test compares two listings to see that a
// refused request wrote nothing (not even a temporary file), or reads the names of a blob
// directory. A root that does not exist lists nothing.
func Tree(tb testing.TB, root string) []string {
	tb.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			out = append(out, rel+"/")
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out = append(out, fmt.Sprintf("%s %d", rel, info.Size()))
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		tb.Fatalf("list %s: %v", root, err)
	}
	sort.Strings(out)
	return out
}
