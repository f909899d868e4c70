package export_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"zaakarchief/cmd/zaakarchief/daemon"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/export"
	"zaakarchief/retention"
)

// stack is the real daemon built by the test kit (daemontest) with the exporter of the test:
// the clearance and option changes the test gives, and no MDTO source unless a test sets one.
type stack struct {
	*daemontest.Kit
	tb      testing.TB
	blobDir string
	svc     *dossier.Service
	exp     *export.Exporter
	ret     *retention.Service
}

func newStack(tb testing.TB, clearance map[string]string, opts ...func(*export.Options)) *stack {
	tb.Helper()
	k := daemontest.New(tb, daemontest.WithOptions(func(o *daemon.Options) {
		o.Tune.Export = func(eo *export.Options) {
			eo.Clearance, eo.MDTO = clearance, nil
			for _, f := range opts {
				f(eo)
			}
		}
	}))
	blobDir, err := k.Config.BlobDir()
	if err != nil {
		tb.Fatal(err)
	}
	return &stack{Kit: k, tb: tb, blobDir: blobDir, svc: k.Dossier, exp: k.Exporter, ret: k.Retention}
}

// doc is a document the scenario uploads.
type doc struct {
	iot, titel, naam, formaat, vertrouwelijk string
	content                                  []byte
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
	z, err := s.svc.CreateZaak(ctx, daemontest.GemeenteActor, dossier.NieuweZaak{Zaaktype: daemontest.Zaaktype, Omschrijving: o.omschrijving, Startdatum: &start})
	s.must(err)
	id := z.Identificatie
	s.upload(daemontest.GemeenteActor, id, doc{iot: "aanvraagformulier", titel: "Aanvraag omgevingsvergunning", naam: "aanvraag.pdf", content: daemontest.PDF("aanvraag", 2716)})
	_, err = s.svc.AddRol(ctx, daemontest.GemeenteActor, id, dossier.NieuweRol{Roltype: "aanvrager", Betrokkene: "J. de Vries"})
	s.must(err)
	s.SetStatus(daemontest.GemeenteActor, id, daemontest.Fase2)
	s.SetStatus(daemontest.OmgevingsdienstActor, id, daemontest.Fase3)
	s.upload(daemontest.OmgevingsdienstActor, id, doc{iot: "adviesrapport", titel: "Advies brandveiligheid", naam: "advies.pdf", content: daemontest.PDF("advies", 2816)})
	s.upload(daemontest.OmgevingsdienstActor, id, doc{iot: "ontwerpbesluit", titel: "Ontwerpbesluit", naam: "ontwerp.txt", formaat: "text/plain", content: []byte(strings.Repeat("Ontwerpbesluit dakkapel.\n", 200))})
	for _, d := range o.extra {
		s.upload(daemontest.OmgevingsdienstActor, id, d)
	}
	if o.open {
		return id
	}
	s.SetStatus(daemontest.OmgevingsdienstActor, id, daemontest.Fase4)
	d := dossier.DatumVan(2026, 2, 20)
	in := dossier.DatumVan(2026, 2, 21)
	_, err = s.svc.AddBesluit(ctx, daemontest.GemeenteActor, id, dossier.NieuwBesluit{Besluittype: "omgevingsvergunning", Datum: &d, Ingangsdatum: &in})
	s.must(err)
	if o.resultaat == "" {
		o.resultaat = "Verleend"
	}
	_, err = s.svc.SetResultaat(ctx, daemontest.GemeenteActor, id, dossier.NieuwResultaat{Resultaattype: o.resultaat})
	s.must(err)
	s.SetStatus(daemontest.GemeenteActor, id, daemontest.Fase5)
	return id
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
