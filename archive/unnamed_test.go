package archive_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"path/filepath"
	"testing"

	"zaakarchief/archive"
	"zaakarchief/archive/target"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
)

// An object on the archive target that no package names (left by a killed run, or by a
// destruction that stopped halfway) is reported by a full fixity check, next to the packages
// that match.
func TestFullVerifyReportsObjectsNoPackageNames(t *testing.T) {
	k := daemontest.New(t)
	ctx := context.Background()
	zaak := k.ClosedZaak(daemontest.Verleend)
	if rep, err := k.Archiver.Run(ctx, nil); err != nil || rep.Pakketten != 1 {
		t.Fatalf("archive run: %v %+v", err, rep)
	}
	tg, err := target.Open(ctx, "file://"+filepath.Join(k.Dir, "archief"), target.Config{})
	if err != nil {
		t.Fatal(err)
	}
	stray := []byte("achtergebleven van een afgebroken run")
	const key = "verdwaald/ZAAK-X/document.pdf"
	if _, err := tg.Put(ctx, key, bytes.NewReader(stray), int64(len(stray)), target.PutOptions{SHA256: sha256.Sum256(stray)}); err != nil {
		t.Fatal(err)
	}
	rep, err := k.Archiver.Verify(ctx, archive.VerifyOptions{SamplePercent: 100})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pakketten != 1 || rep.Afwijkingen != 1 || len(rep.Gevonden) != 1 {
		t.Fatalf("verify of %s: %d packages, %d findings %+v; want the one package and the one stray object", zaak, rep.Pakketten, rep.Afwijkingen, rep.Gevonden)
	}
	if f := rep.Gevonden[0]; f.Soort != archive.AfwijkingOnbekend || f.Sleutel != key {
		t.Errorf("finding %+v, want %s of %s", f, archive.AfwijkingOnbekend, key)
	}
	if rep.Status != archive.RunMetFouten {
		t.Errorf("status %s", rep.Status)
	}
}
