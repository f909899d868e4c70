package archive_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
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
	"zaakarchief/configs"
	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
	"zaakarchief/dossier/blobstore"
	"zaakarchief/dossier/dossiertest"
	"zaakarchief/dossier/sqldb"
	"zaakarchief/retention"
)

// Names from the embedded agreement (configs/omgevingsvergunning.yaml).
const (
	zaaktypeOV = "omgevingsvergunning"
	fase2      = "In behandeling bij de omgevingsdienst"
	fase3      = "Advies en ontwerpbesluit"
	fase4      = "Besluitvorming"
	fase5      = "Resultaat geleverd"

	verleend  = "Verleend"                   // 11.1.6 blijvend_bewaren
	geweigerd = "Geweigerd"                  // 11.2 vernietigen P5Y
	ingetrokk = "Ingetrokken"                // 11.3 vernietigen P1Y
	buitenBeh = "Buiten behandeling gesteld" // 11.4 vernietigen P1Y
)

var (
	gemeente        = dossier.Actor{Organisatie: "gemeente", Rol: dossier.RolOrganisatie, TokenID: "test-gemeente"}
	omgevingsdienst = dossier.Actor{Organisatie: "omgevingsdienst", Rol: dossier.RolOrganisatie, TokenID: "test-od"}
	recordmanager   = dossier.Actor{Organisatie: "gemeente", Rol: dossier.RolRecordmanager, TokenID: "test-rm"}
)

// env is the real daemon's stores in a temporary directory: a SQLite file with the dossier,
// retention and archive migrations, a blob directory, the embedded agreement, the dossier
// service with retention's Bepaler, and the retention service (holds).
type env struct {
	tb      testing.TB
	dir     string
	dataDir string
	db      *sqldb.DB
	blobs   *blobstore.Dir
	ag      *afspraak.Afspraak
	svc     *dossier.Service
	ret     *retention.Service
	log     *slog.Logger
}

func newEnv(tb testing.TB) *env {
	tb.Helper()
	dir := tb.TempDir()
	data := filepath.Join(dir, "data")
	db, blobs := dossiertest.Open(tb, data, retention.Migrate, archive.Migrate)
	ag, err := afspraak.LoadDefault()
	if err != nil {
		tb.Fatal(err)
	}
	lijsten := retention.NewLijsten(configs.FS)
	bep, err := retention.NewBepaler(retention.BepalerOptions{Afspraak: ag, Lijsten: lijsten, Overbrenging: retention.StandaardOverbrenging()})
	if err != nil {
		tb.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	if os.Getenv("ARCHIVE_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	svc, err := dossier.NewService(dossier.Options{DB: db, Blobs: blobs, Afspraak: ag, Archief: bep, Logger: log})
	if err != nil {
		tb.Fatal(err)
	}
	ret, err := retention.New(retention.Options{Dossier: svc, Bepaler: bep, Lijsten: lijsten, Logger: log})
	if err != nil {
		tb.Fatal(err)
	}
	return &env{tb: tb, dir: dir, dataDir: data, db: db, blobs: blobs, ag: ag, svc: svc, ret: ret, log: log}
}

// doc is a document to add to a zaak.
type doc struct {
	iot, titel, naam string
	content          []byte
}

// pdf returns deterministic content that DetectFormaat identifies as PDF 1.7 (fmt/276).
func pdf(name string, size int) []byte {
	head := "%PDF-1.7\n% " + name + "\n"
	tail := "\n%%EOF\n"
	body := bytes.Repeat([]byte(name+" "), max(1, (size-len(head)-len(tail))/(len(name)+1)+1))
	b := append([]byte(head), body...)
	if size > len(head)+len(tail) {
		b = b[:size-len(tail)]
	}
	return append(b, tail...)
}

// closedZaak runs the seed scenario on a new zaak and closes it with resultaat: the gemeente
// registers it with the application, the omgevingsdienst adds its advice and draft decision,
// the gemeente records the besluit and the resultaat and delivers. extra documents go in phase 1
// (gemeente). It returns the zaak's identificatie.
func (e *env) closedZaak(resultaat string, extra ...doc) string {
	e.tb.Helper()
	ctx := context.Background()
	z, err := e.svc.CreateZaak(ctx, gemeente, dossier.NieuweZaak{Zaaktype: zaaktypeOV,
		Omschrijving: "Dakkapel Kerkstraat " + resultaat, Toelichting: "aanvraag via het omgevingsloket", Initiator: "J. Jansen"})
	if err != nil {
		e.tb.Fatal(err)
	}
	id := z.Identificatie
	e.addDoc(gemeente, id, doc{"aanvraagformulier", "Aanvraag omgevingsvergunning", "aanvraag.pdf", pdf(id+" aanvraag", 3000)})
	for _, d := range extra {
		e.addDoc(gemeente, id, d)
	}
	e.status(gemeente, id, fase2)
	e.status(omgevingsdienst, id, fase3)
	e.addDoc(omgevingsdienst, id, doc{"adviesrapport", "Advies veiligheidsregio", "advies.pdf", pdf(id+" advies", 5000)})
	e.addDoc(omgevingsdienst, id, doc{"ontwerpbesluit", "Ontwerpbesluit", "ontwerpbesluit.pdf", pdf(id+" ontwerp", 4000)})
	e.status(omgevingsdienst, id, fase4)
	besluittype := "omgevingsvergunning"
	if resultaat == buitenBeh {
		besluittype = "buiten behandeling stellen"
	}
	today := dossier.DatumIn(time.Now(), e.svc.Location())
	if _, err := e.svc.AddBesluit(ctx, gemeente, id, dossier.NieuwBesluit{Besluittype: besluittype, Datum: &today, Ingangsdatum: &today}); err != nil {
		e.tb.Fatal(err)
	}
	if _, err := e.svc.SetResultaat(ctx, gemeente, id, dossier.NieuwResultaat{Resultaattype: resultaat}); err != nil {
		e.tb.Fatal(err)
	}
	e.status(gemeente, id, fase5)
	return id
}

func (e *env) addDoc(a dossier.Actor, zaak string, d doc) *dossier.Document {
	e.tb.Helper()
	today := dossier.DatumIn(time.Now(), e.svc.Location())
	out, err := e.svc.AddDocument(context.Background(), a, zaak, dossier.DocumentMetadata{Informatieobjecttype: d.iot, Titel: d.titel,
		Auteur: "T. Ester", Creatiedatum: &today, Bestandsnaam: d.naam, Formaat: "application/pdf"}, bytes.NewReader(d.content))
	if err != nil {
		e.tb.Fatalf("add %s to %s: %v", d.naam, zaak, err)
	}
	return out
}

func (e *env) status(a dossier.Actor, zaak, st string) {
	e.tb.Helper()
	if _, err := e.svc.SetStatus(context.Background(), a, zaak, dossier.NieuweStatus{Statustype: st}); err != nil {
		e.tb.Fatalf("status %s of %s: %v", st, zaak, err)
	}
}

func (e *env) dossier(id string) *dossier.Dossier {
	e.tb.Helper()
	var d *dossier.Dossier
	err := e.svc.Inzien(context.Background(), func(in *dossier.Inzage, _ *sqldb.Tx) error {
		var err error
		d, err = in.Dossier(context.Background(), id)
		return err
	})
	if err != nil {
		e.tb.Fatal(err)
	}
	return d
}

func (e *env) zaak(id string) *dossier.Zaak {
	e.tb.Helper()
	return &e.dossier(id).Zaak
}

func (e *env) audit(zaak string) []dossier.AuditEntry {
	e.tb.Helper()
	var out []dossier.AuditEntry
	err := e.svc.Inzien(context.Background(), func(in *dossier.Inzage, _ *sqldb.Tx) error {
		var err error
		out, err = in.AuditTrail(context.Background(), zaak)
		return err
	})
	if err != nil {
		e.tb.Fatal(err)
	}
	return out
}

// audited counts the entries with action actie in the audit trail of zaak.
func (e *env) audited(zaak, actie string) int {
	e.tb.Helper()
	n := 0
	for _, entry := range e.audit(zaak) {
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
	err := e.db.View(context.Background(), func(tx *sqldb.Tx) error {
		return tx.QueryRow(context.Background(), query, args...).Scan(&n)
	})
	if err != nil {
		e.tb.Fatal(err)
	}
	return n
}

// str runs a query for one text value.
func (e *env) str(query string, args ...any) string {
	e.tb.Helper()
	var v string
	err := e.db.View(context.Background(), func(tx *sqldb.Tx) error {
		return tx.QueryRow(context.Background(), query, args...).Scan(&v)
	})
	if err != nil {
		e.tb.Fatal(err)
	}
	return v
}

// archiver builds an Archiver over env for tg, with retention's holds.
func (e *env) archiver(tg target.Target, configure ...func(*archive.Options)) *archive.Archiver {
	e.tb.Helper()
	o := archive.Options{DB: e.db, Dossier: e.svc, Afspraak: e.ag, Target: fixed(tg), Holds: e.ret.Bevroren,
		Workers: 4, Backoff: 10 * time.Millisecond, Logger: e.log}
	for _, c := range configure {
		c(&o)
	}
	a, err := archive.New(o)
	if err != nil {
		e.tb.Fatal(err)
	}
	return a
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
