package export_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
)

// An export killed halfway leaves its temporary file beside the path it was writing. The
// next export to that path removes it once it has not been written for an hour, and leaves a
// younger one (an export of the same path still running) alone.
func TestExportRemovesWhatAKilledExportLeft(t *testing.T) {
	k := daemontest.New(t)
	zaak := k.ClosedZaak(daemontest.Geweigerd)
	dir := t.TempDir()
	out := filepath.Join(dir, "dossier.zip")
	stale := filepath.Join(dir, ".dossier.zip.123.tmp")
	busy := filepath.Join(dir, ".dossier.zip.456.tmp")
	for _, p := range []string{stale, busy} {
		if err := os.WriteFile(p, []byte("half"), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Exporter.ExportFile(context.Background(), daemontest.AuditorActor, zaak, out); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the killed export's file survived: %v", err)
	}
	if _, err := os.Stat(busy); err != nil {
		t.Errorf("a running export's file was removed: %v", err)
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("no export: %v", err)
	}
}
