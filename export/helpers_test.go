package export_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"zaakarchief/configs"
	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
	"zaakarchief/dossier/dossiertest"
	"zaakarchief/dossier/httpapi"
	"zaakarchief/dossier/sqldb"
	"zaakarchief/export"
	"zaakarchief/retention"
	"zaakarchief/server"
)

// Names from the default agreement (configs/omgevingsvergunning.yaml).
const (
	orgGemeente        = "gemeente"
	orgOmgevingsdienst = "omgevingsdienst"
	zaaktypeOV         = "omgevingsvergunning"
	fase2              = "In behandeling bij de omgevingsdienst"
	fase3              = "Advies en ontwerpbesluit"
	fase4              = "Besluitvorming"
	fase5              = "Resultaat geleverd"
)

var (
	gemeente = dossier.Actor{Organisatie: orgGemeente, Rol: dossier.RolOrganisatie, TokenID: "t-gemeente"}
	ods      = dossier.Actor{Organisatie: orgOmgevingsdienst, Rol: dossier.RolOrganisatie, TokenID: "t-ods"}
	auditor  = dossier.Actor{Organisatie: orgGemeente, Rol: dossier.RolAuditor, TokenID: "t-auditor"}
	recman   = dossier.Actor{Organisatie: orgGemeente, Rol: dossier.RolRecordmanager, TokenID: "t-recordmanager"}
)

// stack is the real daemon in-process: a SQLite file and a blob directory in a temporary
// directory, the default agreement, the dossier service with retention's derivation, the
// exporter, and the HTTP API on a loopback port.
type stack struct {
	tb      testing.TB
	dir     string
	blobDir string
	db      *sqldb.DB
	svc     *dossier.Service
	exp     *export.Exporter
	ret     *retention.Service
	hs      *httptest.Server
	ag      *afspraak.Afspraak
	clock   *clock
}

// clock is the stack's time, which a test moves forward (retention waits years). Every
// reading moves it a microsecond on, as a real clock would between two registrations: the
// dossier lists documents in the order they were registered, and two documents registered at
// the same instant would be listed in the order of their IDs, whose random part decides
// within a millisecond.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Microsecond)
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newStack(tb testing.TB, clearance map[string]string, opts ...func(*export.Options)) *stack {
	tb.Helper()
	dir := tb.TempDir()
	db, blobs := dossiertest.Open(tb, dir, retention.Migrate)
	blobDir := blobs.Root()
	ag, err := afspraak.LoadDefault()
	if err != nil {
		tb.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	lijsten := retention.NewLijsten(configs.FS)
	bepaler, err := retention.NewBepaler(retention.BepalerOptions{Afspraak: ag, Lijsten: lijsten, Overbrenging: retention.StandaardOverbrenging()})
	if err != nil {
		tb.Fatal(err)
	}
	clk := &clock{t: time.Now()}
	svc, err := dossier.NewService(dossier.Options{DB: db, Blobs: blobs, Afspraak: ag, Archief: bepaler, Logger: log, Now: clk.now})
	if err != nil {
		tb.Fatal(err)
	}
	ret, err := retention.New(retention.Options{Dossier: svc, Bepaler: bepaler, Lijsten: lijsten, Logger: log})
	if err != nil {
		tb.Fatal(err)
	}
	eo := export.Options{Service: svc, Retention: ret, Clearance: clearance, Logger: log}
	for _, o := range opts {
		o(&eo)
	}
	exp, err := export.New(eo)
	if err != nil {
		tb.Fatal(err)
	}
	srv := server.New(svc, prometheus.NewRegistry(), log)
	srv.Mount(httpapi.New(svc, log).Routes(), exp.Routes())
	hs := httptest.NewServer(srv)
	tb.Cleanup(hs.Close)
	return &stack{tb: tb, dir: dir, blobDir: blobDir, db: db, svc: svc, exp: exp, ret: ret, hs: hs, ag: ag, clock: clk}
}

// doc is a document the scenario uploads.
type doc struct {
	iot, titel, naam, formaat, vertrouwelijk string
	content                                  []byte
}

func pdf(label string, n int) []byte {
	return []byte("%PDF-1.7\n" + strings.Repeat(label+"\n", n) + "%%EOF\n")
}

// zaakOpts shapes the scenario.
type zaakOpts struct {
	omschrijving string
	// extra documents the omgevingsdienst records in phase 3.
	extra []doc
	// open stops before the besluit (the zaak stays in phase 3).
	open bool
	// resultaat is the resultaattype (default Verleend).
	resultaat string
}

// scenario runs the seed scenario on a new zaak: the gemeente registers it and uploads the
// application, the omgevingsdienst records advice and a draft, the gemeente decides, records
// the resultaat and closes the zaak. It returns the zaak's identificatie.
func (s *stack) scenario(o zaakOpts) string {
	s.tb.Helper()
	ctx := context.Background()
	if o.omschrijving == "" {
		o.omschrijving = "Dakkapel Kerkstraat 2"
	}
	start := dossier.DatumVan(2026, 1, 5)
	z, err := s.svc.CreateZaak(ctx, gemeente, dossier.NieuweZaak{Zaaktype: zaaktypeOV, Omschrijving: o.omschrijving, Startdatum: &start})
	s.must(err)
	id := z.Identificatie
	s.upload(gemeente, id, doc{iot: "aanvraagformulier", titel: "Aanvraag omgevingsvergunning", naam: "aanvraag.pdf", content: pdf("aanvraag", 300)})
	_, err = s.svc.AddRol(ctx, gemeente, id, dossier.NieuweRol{Roltype: "aanvrager", Betrokkene: "J. de Vries"})
	s.must(err)
	s.status(gemeente, id, fase2)
	s.status(ods, id, fase3)
	s.upload(ods, id, doc{iot: "adviesrapport", titel: "Advies brandveiligheid", naam: "advies.pdf", content: pdf("advies", 400)})
	s.upload(ods, id, doc{iot: "ontwerpbesluit", titel: "Ontwerpbesluit", naam: "ontwerp.txt", formaat: "text/plain", content: []byte(strings.Repeat("Ontwerpbesluit dakkapel.\n", 200))})
	for _, d := range o.extra {
		s.upload(ods, id, d)
	}
	if o.open {
		return id
	}
	s.status(ods, id, fase4)
	d := dossier.DatumVan(2026, 2, 20)
	in := dossier.DatumVan(2026, 2, 21)
	_, err = s.svc.AddBesluit(ctx, gemeente, id, dossier.NieuwBesluit{Besluittype: "omgevingsvergunning", Datum: &d, Ingangsdatum: &in})
	s.must(err)
	if o.resultaat == "" {
		o.resultaat = "Verleend"
	}
	_, err = s.svc.SetResultaat(ctx, gemeente, id, dossier.NieuwResultaat{Resultaattype: o.resultaat})
	s.must(err)
	s.status(gemeente, id, fase5)
	return id
}

func (s *stack) status(a dossier.Actor, zaak, st string) {
	s.tb.Helper()
	_, err := s.svc.SetStatus(context.Background(), a, zaak, dossier.NieuweStatus{Statustype: st})
	s.must(err)
}

func (s *stack) upload(a dossier.Actor, zaak string, d doc) *dossier.Document {
	s.tb.Helper()
	cd := dossier.DatumVan(2026, 1, 6)
	if d.formaat == "" {
		d.formaat = "application/pdf"
	}
	out, err := s.svc.AddDocument(context.Background(), a, zaak, dossier.DocumentMetadata{
		Informatieobjecttype: d.iot, Titel: d.titel, Auteur: "Test", Creatiedatum: &cd, Bestandsnaam: d.naam,
		Formaat: d.formaat, Vertrouwelijkheidaanduiding: d.vertrouwelijk,
	}, bytes.NewReader(d.content))
	s.must(err)
	return out
}

func (s *stack) must(err error) {
	s.tb.Helper()
	if err != nil {
		s.tb.Fatal(err)
	}
}

// dossier reads a zaak as the system.
func (s *stack) dossier(zaak string) *dossier.Dossier {
	s.tb.Helper()
	d, err := s.svc.Dossier(context.Background(), dossier.Actor{Rol: dossier.RolSysteem}, zaak)
	s.must(err)
	return d
}

// trail reads a zaak's audit trail from the store.
func (s *stack) trail(zaak string) []dossier.AuditEntry {
	s.tb.Helper()
	out, err := s.svc.AuditTrail(context.Background(), dossier.Actor{Rol: dossier.RolSysteem}, zaak)
	s.must(err)
	return out
}

// exportFile exports zaak as actor into a temporary file and returns its path.
func (s *stack) exportFile(actor dossier.Actor, zaak string) (string, *export.Result) {
	s.tb.Helper()
	p := filepath.Join(s.tb.TempDir(), zaak+".zip")
	res, err := s.exp.ExportFile(context.Background(), actor, zaak, p)
	if err != nil {
		s.tb.Fatalf("export %s: %v", zaak, err)
	}
	return p, res
}

// bag is an export ZIP read into memory for checks (tests only; the exports are small).
type bag struct {
	root     string
	files    map[string][]byte
	zipFiles map[string]*zip.File
}

// readBag reads the export at path; with only, just those entries (names below the root).
func readBag(tb testing.TB, path string, only ...string) *bag {
	tb.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		tb.Fatalf("open %s with archive/zip: %v", path, err)
	}
	defer zr.Close()
	b := &bag{files: map[string][]byte{}, zipFiles: map[string]*zip.File{}}
	for _, f := range zr.File {
		root, rest, ok := strings.Cut(f.Name, "/")
		if !ok {
			tb.Fatalf("entry %q is outside a top-level directory", f.Name)
		}
		if b.root == "" {
			b.root = root
		}
		if root != b.root {
			tb.Fatalf("entry %q: second top-level directory besides %s", f.Name, b.root)
		}
		if len(only) > 0 && !slices.Contains(only, rest) {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			tb.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			tb.Fatalf("read %s: %v", f.Name, err)
		}
		b.files[rest] = data
		ff := *f
		b.zipFiles[rest] = &ff
	}
	return b
}

// names lists the files below prefix, sorted.
func (b *bag) names(prefix string) []string {
	var out []string
	for n := range b.files {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// fields parses a tag file of "Label: value" lines.
func (b *bag) fields(name string) map[string]string {
	out := map[string]string{}
	for _, l := range strings.Split(string(b.files[name]), "\n") {
		if k, v, ok := strings.Cut(l, ": "); ok {
			out[k] = v
		}
	}
	return out
}

// manifest parses a BagIt manifest into path -> sha256.
func (b *bag) manifest(tb testing.TB, name string) map[string]string {
	tb.Helper()
	out := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(b.files[name])), "\n") {
		sum, p, ok := strings.Cut(l, "  ")
		if !ok || len(sum) != 64 {
			tb.Fatalf("%s: line %q is not \"sha256  path\"", name, l)
		}
		out[p] = sum
	}
	return out
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// rewriteZip copies the ZIP at src to a new file, passing every entry (name relative to the
// bag's root) through edit: return nil to drop it, or new content.
func rewriteZip(tb testing.TB, src string, edit func(name string, content []byte) []byte) string {
	tb.Helper()
	b := readBag(tb, src)
	files := map[string][]byte{}
	for n, c := range b.files {
		if c = edit(n, c); c != nil {
			files[n] = c
		}
	}
	return writeBag(tb, filepath.Base(src), b.root, files)
}

// writeBag writes files (names relative to root) as a new ZIP named name and returns its path.
func writeBag(tb testing.TB, name, root string, files map[string][]byte) string {
	tb.Helper()
	dst := filepath.Join(tb.TempDir(), name)
	f, err := os.Create(dst)
	if err != nil {
		tb.Fatal(err)
	}
	zw := zip.NewWriter(f)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: root + "/" + n, Method: zip.Deflate, Modified: time.Now()})
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write(files[n]); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return dst
}

// remanifest rewrites the manifest lines of the given payload files to their new content's hash
// and the tag manifest to match: what a forger with the file in hand would do.
func remanifest(tb testing.TB, src string, changed map[string][]byte) string {
	tb.Helper()
	b := readBag(tb, src)
	for n, c := range changed {
		b.files[n] = c
	}
	fix := func(manifest string) []byte {
		var out bytes.Buffer
		for _, l := range strings.Split(strings.TrimSpace(string(b.files[manifest])), "\n") {
			_, p, _ := strings.Cut(l, "  ")
			fmt.Fprintf(&out, "%s  %s\n", sha(b.files[p]), p)
		}
		return out.Bytes()
	}
	b.files["manifest-sha256.txt"] = fix("manifest-sha256.txt")
	b.files["tagmanifest-sha256.txt"] = fix("tagmanifest-sha256.txt")
	return rewriteZip(tb, src, func(name string, content []byte) []byte { return b.files[name] })
}

// ciOrSkip skips when a tool is missing, except under CI=true, where it fails.
func ciOrSkip(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf(format, args...)
	}
	tb.Skipf(format, args...)
}
