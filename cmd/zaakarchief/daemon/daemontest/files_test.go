package daemontest_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
)

func TestTreeListsDirectoriesAndFilesWithTheirSizes(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "ab", "leeg"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "ab", "abc"), []byte("inhoud"), 0o640); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		root string
		want []string
	}{
		{root, []string{"./", "ab/", "ab/abc 6", "ab/leeg/"}},
		{filepath.Join(root, "ontbreekt"), nil},
	} {
		if got := daemontest.Tree(t, tc.root); !slices.Equal(got, tc.want) {
			t.Errorf("Tree(%s) = %q, want %q", tc.root, got, tc.want)
		}
	}
}
