package archive_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"zaakarchief/archive"
	"zaakarchief/archive/target"
	"zaakarchief/archive/target/s3target/s3test"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
)

// losingTarget loses the first document it wrote (its data file removed behind the store's
// back) just before the run reads the package's listing back.
type losingTarget struct {
	target.Target
	dataPath func(key string) string
	once     sync.Once
	mu       sync.Mutex
	lost     string
	docs     []string
}

func (l *losingTarget) Put(ctx context.Context, key string, r io.Reader, size int64, opts target.PutOptions) (target.ObjectInfo, error) {
	info, err := l.Target.Put(ctx, key, r, size, opts)
	if err == nil && strings.HasSuffix(key, ".pdf") {
		l.mu.Lock()
		l.docs = append(l.docs, key)
		l.mu.Unlock()
	}
	return info, err
}

func (l *losingTarget) List(ctx context.Context, prefix string, fn func(target.ObjectInfo) error) error {
	var err error
	l.once.Do(func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if len(l.docs) > 0 {
			l.lost = l.docs[0]
			err = os.Remove(l.dataPath(l.lost))
		}
	})
	if err != nil {
		return err
	}
	return l.Target.List(ctx, prefix, fn)
}

// An object that is gone when the package's listing is read back fails the package: no
// manifest, the zaak not archived, the object journaled as not written (after its "written"),
// and the next run writes it again and completes the package.
func TestObjectLostBeforeTheReadBackIsWrittenAgain(t *testing.T) {
	for _, back := range []string{"versitygw", "file"} {
		t.Run(back, func(t *testing.T) {
			e := newEnv(t)
			zaak := e.ClosedZaak(daemontest.Geweigerd)
			ctx := context.Background()
			var tg target.Target
			var dataPath func(string) string
			if back == "file" {
				dir := t.TempDir()
				var err error
				if tg, err = target.Open(ctx, "file://"+dir, target.Config{}); err != nil {
					t.Fatal(err)
				}
				dataPath = func(key string) string { return filepath.Join(dir, filepath.FromSlash(key)) }
			} else {
				var srv *s3test.Server
				var bucket string
				tg, srv, bucket = backTarget(t, back)
				dataPath = func(key string) string {
					return filepath.Join(srv.DataDir, bucket, "archief", filepath.FromSlash(key))
				}
			}
			lossy := &losingTarget{Target: tg, dataPath: dataPath}
			rep, err := e.archiver(lossy).Run(ctx, nil)
			if err != nil || rep.Pakketten != 0 || rep.Fouten != 1 || len(rep.Problemen) != 1 {
				t.Fatalf("run with a lost object: %v %+v", err, rep)
			}
			if lossy.lost == "" || !strings.Contains(rep.Problemen[0].Fout, lossy.lost+" is missing from the listing") {
				t.Fatalf("the failure does not name the lost object %q: %q", lossy.lost, rep.Problemen[0].Fout)
			}
			if got := e.zaak(zaak).Archief.Archiefstatus; got != dossier.ArchiefstatusNogTeArchiveren {
				t.Fatalf("archiefstatus %s after a failed package, want %s", got, dossier.ArchiefstatusNogTeArchiveren)
			}
			if ks := keys(t, tg, zaak+"/"); slices.Contains(ks, zaak+"/manifest.json") {
				t.Fatalf("a failed package has a manifest: %v", ks)
			}
			if n := e.count(`SELECT COUNT(*) FROM archief_objecten WHERE zaak = ? AND sleutel = ? AND gedaan = 0`, zaak, lossy.lost); n != 1 {
				t.Fatalf("the lost object is not journaled as not written (%d rows)", n)
			}
			if n := e.count(`SELECT COUNT(*) FROM archief_objecten WHERE zaak = ? AND gedaan = 1`, zaak); n == 0 {
				t.Fatal("the objects that were written are not journaled as written")
			}

			rep, err = e.archiver(tg).Run(ctx, nil)
			if err != nil || rep.Pakketten != 1 || rep.Fouten != 0 || rep.Objecten == 0 {
				t.Fatalf("next run: %v %+v %+v", err, rep.RunInfo, rep.Problemen)
			}
			if got := e.zaak(zaak).Archief.Archiefstatus; got != dossier.ArchiefstatusGearchiveerd {
				t.Fatalf("archiefstatus %s after the next run, want %s", got, dossier.ArchiefstatusGearchiveerd)
			}
			if _, err := os.Stat(dataPath(lossy.lost)); err != nil {
				t.Fatalf("the lost object was not written again: %v", err)
			}
			vrep, err := e.archiver(tg).Verify(ctx, archive.VerifyOptions{})
			if err != nil || vrep.Fouten != 0 {
				t.Fatalf("fixity check after the next run: %v %+v", err, vrep)
			}
		})
	}
}
