package archive_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"zaakarchief/archive/target/filetarget"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
)

// An archive run that was killed between writing a temporary file and renaming it leaves
// .tmp-* files in a file:// target. The next run removes those that are older than the sweep
// margin and archives as usual.
func TestRunSweepsWhatAKilledRunLeftInTheTarget(t *testing.T) {
	e := newEnv(t)
	zaak := e.ClosedZaak(daemontest.Verleend)
	tg := fileTarget(t, "archief")
	root := tg.(*filetarget.Target).Root()
	old := time.Now().Add(-3 * time.Hour)
	debris := []string{filepath.Join(root, "oud-pakket", ".tmp-111"), filepath.Join(root, ".meta", ".tmp-222")}
	for _, p := range debris {
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("half geschreven"), 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := e.archiver(tg).Run(context.Background(), nil)
	if err != nil || rep.Pakketten != 1 || rep.Fouten != 0 {
		t.Fatalf("run: %v %+v %+v", err, rep.RunInfo, rep.Problemen)
	}
	for _, p := range debris {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s survived the run: %v", p, err)
		}
	}
	if len(keys(t, tg, zaak+"/")) == 0 {
		t.Errorf("zaak %s was not archived", zaak)
	}
}
