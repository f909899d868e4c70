package archive_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"zaakarchief/archive"
	"zaakarchief/archive/target"
	"zaakarchief/archive/target/s3target/s3test"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
)

// pdfa returns a PDF of size bytes whose XMP claims PDF/A part and conformance at byte at:
// what a run can only tell from every byte of the file.
func pdfa(name string, size, at int, part, conformance string) []byte {
	b := daemontest.PDF(name, size)
	claim := fmt.Sprintf(`<rdf:Description xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" pdfaid:part="%s" pdfaid:conformance="%s"/>`, part, conformance)
	copy(b[at:], claim)
	return b
}

// A run identifies a PDF/A document while it writes it (the bytes pass once) and writes the
// document's bestand sidecar after it with the PDF/A format, wherever the claim sits in the
// file and however the target reads it (one PUT, a multipart upload, a file copy). The
// sidecars are the ones an export shows, which identifies the formats by reading the files.
func TestPDFADocumentsAreIdentifiedAsTheyAreWritten(t *testing.T) {
	docs := []struct {
		doc  daemontest.Document
		puid string
	}{
		{daemontest.Document{Informatieobjecttype: "bijlage", Titel: "Situatietekening", Bestandsnaam: "situatie.pdf", Content: pdfa("situatie", 300<<10, 250<<10, "2", "B")}, "fmt/477"},
		{daemontest.Document{Informatieobjecttype: "bijlage", Titel: "Welstandsadvies", Bestandsnaam: "welstand.pdf", Content: pdfa("welstand", 5000, 20, "1", "A")}, "fmt/95"},
		{daemontest.Document{Informatieobjecttype: "bijlage", Titel: "Constructieberekening", Bestandsnaam: "constructie.pdf", Content: pdfa("constructie", 11<<20, 11<<20-300, "3", "U")}, "fmt/481"},
		{daemontest.Document{Informatieobjecttype: "bijlage", Titel: "Foto", Bestandsnaam: "foto.pdf", Content: daemontest.PDF("foto", 70<<10)}, "fmt/276"},
	}
	srv := s3test.Start(t)
	targets := []struct {
		name string
		tg   func(t *testing.T) target.Target
	}{
		{"versitygw", func(t *testing.T) target.Target {
			tg, err := target.Open(context.Background(), "s3://"+s3test.BucketName()+"/archief", target.Config{Endpoint: srv.Endpoint,
				AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, CreateBucket: true, PartSize: 5 << 20})
			if err != nil {
				t.Fatal(err)
			}
			return tg
		}},
		{"file", func(t *testing.T) target.Target { return fileTarget(t, "archief") }},
	}
	for _, tc := range targets {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			var extra []daemontest.Document
			for _, d := range docs {
				extra = append(extra, d.doc)
			}
			zaak := e.ClosedZaak(daemontest.Geweigerd, extra...)
			tg := tc.tg(t)
			a := e.archiver(tg, func(o *archive.Options) { o.PartSize = 5 << 20 })
			rep, err := a.Run(context.Background(), nil)
			if err != nil || rep.Pakketten != 1 || rep.Fouten != 0 {
				t.Fatalf("run: %v %+v %+v", err, rep.RunInfo, rep.Problemen)
			}
			checkPackage(t, tg, zaak)
			validateXML(t, tg)
			export, err := a.MDTO(context.Background(), e.ReadDossier(zaak))
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range docs {
				rel := sipRel(zaak) + "/" + strings.ReplaceAll(d.doc.Titel, " ", "_") + "/" + d.doc.Bestandsnaam + ".bestand.mdto.xml"
				b := read(t, tg, zaak+"/"+rel)
				if got := xmlDoc(t, b).FindElement("bestand/bestandsformaat/begripCode"); got == nil || got.Text() != d.puid {
					t.Errorf("%s: bestandsformaat %v, want %s", rel, got, d.puid)
				}
				if !bytes.Equal(b, export[rel]) {
					t.Errorf("%s differs from the sidecar an export builds:\n%s\n%s", rel, b, export[rel])
				}
			}
		})
	}
}
