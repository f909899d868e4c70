package archive_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"zaakarchief/archive"
	"zaakarchief/archive/mdto"
	"zaakarchief/archive/target"
	"zaakarchief/archive/target/s3target"
	"zaakarchief/archive/target/s3target/s3test"
	"zaakarchief/cmd/zaakarchief/daemon"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
	"zaakarchief/retention"
)

// env is the real daemon, built by the test kit (daemontest) on a data directory in the
// test's temporary directory. The archive tests build archivers over the same data with
// archiver, each one a daemon of its own with the target and option changes of the test.
type env struct {
	*daemontest.Kit
	tb      testing.TB
	dir     string
	dataDir string
	// blobDir is the blob store's directory.
	blobDir string
	db      *sqldb.DB
	svc     *dossier.Service
	ret     *retention.Service
}

func newEnv(tb testing.TB) *env {
	tb.Helper()
	dir := tb.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o750); err != nil {
		tb.Fatal(err)
	}
	k := daemontest.New(tb, daemontest.WithDir(data))
	blobDir, err := k.Config.BlobDir()
	if err != nil {
		tb.Fatal(err)
	}
	return &env{Kit: k, tb: tb, dir: dir, dataDir: data, blobDir: blobDir, db: k.DB(), svc: k.Dossier, ret: k.Retention}
}

// zaak reads the zaak of a dossier.
func (e *env) zaak(id string) *dossier.Zaak {
	e.tb.Helper()
	return &e.ReadDossier(id).Zaak
}

// audited counts the entries with action actie in the audit trail of zaak.
func (e *env) audited(zaak, actie string) int {
	e.tb.Helper()
	n := 0
	for _, entry := range e.AuditTrail(zaak) {
		if entry.Actie == actie {
			n++
		}
	}
	return n
}

// count runs a COUNT query on the database.
func (e *env) count(query string, args ...any) int {
	e.tb.Helper()
	var n int
	e.scan(&n, query, args...)
	return n
}

// str runs a query for one text value.
func (e *env) str(query string, args ...any) string {
	e.tb.Helper()
	var v string
	e.scan(&v, query, args...)
	return v
}

// scan runs a query for one value and scans it into dst.
func (e *env) scan(dst any, query string, args ...any) {
	e.tb.Helper()
	err := e.db.View(context.Background(), func(tx *sqldb.Tx) error {
		return tx.QueryRow(context.Background(), query, args...).Scan(dst)
	})
	if err != nil {
		e.tb.Fatalf("%s: %v", query, err)
	}
}

// archiver builds an Archiver for tg (nil when a configure sets the Target) over env's data,
// with retention's holds: the archiver of a daemon of its own, opened by the kit on the same
// data directory and clock, as a CLI run next to the daemon is.
func (e *env) archiver(tg target.Target, configure ...func(*archive.Options)) *archive.Archiver {
	e.tb.Helper()
	return e.archiverKit(tg, configure...).Archiver
}

// archiverKit is the daemon archiver builds, with its API on loopback.
func (e *env) archiverKit(tg target.Target, configure ...func(*archive.Options)) *daemontest.Kit {
	e.tb.Helper()
	return daemontest.New(e.tb, daemontest.WithDir(e.dataDir), daemontest.WithClock(e.Clock), daemontest.WithOptions(func(o *daemon.Options) {
		o.Tune.Archive = func(o *archive.Options) {
			o.Target, o.Workers, o.Backoff = fixed(tg), 4, 10*time.Millisecond
			for _, c := range configure {
				c(o)
			}
		}
	}))
}

// fixed opens an already opened target.
func fixed(tg target.Target) archive.Opener {
	return func(context.Context) (target.Target, error) { return tg, nil }
}

// fileTarget is a directory target in the test's temporary directory.
func fileTarget(tb testing.TB, name string) target.Target {
	tb.Helper()
	tg, err := target.Open(context.Background(), "file://"+filepath.Join(tb.TempDir(), name), target.Config{})
	if err != nil {
		tb.Fatal(err)
	}
	return tg
}

// s3Target is a bucket with object lock on srv, reached at endpoint (srv's own, or a proxy).
func s3Target(tb testing.TB, srv *s3test.Server, endpoint, bucket string, retries int) target.Target {
	tb.Helper()
	tg, err := target.Open(context.Background(), "s3://"+bucket+"/archief", target.Config{Endpoint: endpoint,
		AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, CreateBucket: true, MaxRetries: retries})
	if err != nil {
		tb.Fatal(err)
	}
	return tg
}

// backTarget returns a fresh target of the kind back names: "versitygw" (a bucket on a
// server of its own, returned with it) or "file".
func backTarget(tb testing.TB, back string) (tg target.Target, srv *s3test.Server, bucket string) {
	tb.Helper()
	if back == "file" {
		return fileTarget(tb, "archief"), nil, ""
	}
	srv = s3test.Start(tb)
	bucket = s3test.BucketName()
	return s3Target(tb, srv, srv.Endpoint, bucket, 0), srv, bucket
}

// s3Config is how the tests reach srv through endpoint.
func s3Config(srv *s3test.Server, endpoint string) s3target.Config {
	return s3target.Config{Endpoint: endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey}
}

// keys lists every key on tg under prefix.
func keys(tb testing.TB, tg target.Target, prefix string) []string {
	tb.Helper()
	var out []string
	if err := tg.List(context.Background(), prefix, func(oi target.ObjectInfo) error {
		out = append(out, oi.Key)
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// read returns the content of key on tg, verified.
func read(tb testing.TB, tg target.Target, key string) []byte {
	tb.Helper()
	rc, err := tg.Open(context.Background(), key)
	if err != nil {
		tb.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		tb.Fatalf("read %s: %v", key, err)
	}
	return b
}

// validateXML copies every .xml object on tg to a directory and validates them all against
// the MDTO XSD with xmllint. It returns how many it validated.
func validateXML(tb testing.TB, tg target.Target) int {
	tb.Helper()
	dir := tb.TempDir()
	var paths []string
	for i, k := range keys(tb, tg, "") {
		if !strings.HasSuffix(k, ".xml") {
			continue
		}
		p := filepath.Join(dir, fmt.Sprintf("%04d-%s", i, filepath.Base(k)))
		if err := os.WriteFile(p, read(tb, tg, k), 0o600); err != nil {
			tb.Fatal(err)
		}
		paths = append(paths, p)
	}
	err := mdto.ValidateXSD(context.Background(), paths...)
	if err == mdto.ErrNoXmllint {
		if os.Getenv("CI") == "true" {
			tb.Fatal(err)
		}
		tb.Skip(err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return len(paths)
}
