package archive

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"zaakarchief/archive/mdto"
	"zaakarchief/archive/target"
	"zaakarchief/dossier"
	"zaakarchief/dossier/blobstore"
)

// A document whose Scan did not see every byte while it was written (a target that read it in
// some other way, or a retry that did not start over) gets its format read from the blob store
// before its bestand sidecar is written: never the head's guess.
func TestBestandSidecarReadsTheDocumentWhenItsScanMissedBytes(t *testing.T) {
	ctx := context.Background()
	blobs, err := blobstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	content := []byte("%PDF-1.7\n" + strings.Repeat("x", 100<<10) +
		`<rdf:Description pdfaid:part="2" pdfaid:conformance="B"/>` + "\n%%EOF\n")
	sha, n, _, err := blobs.Put(ctx, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	a := &Archiver{blobs: blobs}
	head, first, err := a.identify(ctx, &dossier.Document{ID: "d1", SHA256: sha, Bestandsomvang: n}, true)
	if err != nil || first == nil || head.PUID != "fmt/276" {
		t.Fatalf("identify from the head: %+v, scan %v, %v", head, first, err)
	}
	b := mdto.Bestand{Identificatie: []mdto.Identificatie{{Kenmerk: "d1", Bron: "test"}}, Naam: "a.pdf", Omvang: n,
		Bestandsformaat: mdto.FormaatBegrip(head), IsRepresentatieVan: mdto.Verwijzing{Naam: "A"},
		Checksum: []mdto.Checksum{{Algoritme: mdto.ChecksumAlgoritme(mdto.SHA256), Waarde: sha, Datum: time.Unix(1e9, 0).UTC()}}}
	for _, seen := range []int{0, len(content) / 2, len(content) - 1, len(content)} {
		p := &plan{Zaak: "Z1", Objecten: []object{
			{Sleutel: "Z1/A/a.pdf", Soort: soortBestand, Blob: sha, Grootte: n, SHA256: sha, bestand: &b, naSidecar: 1},
			{Sleutel: "Z1/A/a.pdf.bestand.mdto.xml", Soort: soortMDTO, volgt: true},
		}}
		_, scan, _ := a.identify(ctx, &dossier.Document{ID: "d1", SHA256: sha, Bestandsomvang: n}, true) // a fresh Scan
		p.Objecten[0].scan = scan
		scan.Observe(0, content[:seen])
		sc, err := a.finishSidecar(ctx, p, &p.Objecten[0])
		if err != nil {
			t.Fatalf("%d bytes seen: %v", seen, err)
		}
		if !bytes.Contains(sc.Inhoud, []byte("<begripCode>fmt/477</begripCode>")) || sc.pending() || sc.Grootte != int64(len(sc.Inhoud)) {
			t.Errorf("%d of %d bytes seen: sidecar (%d bytes, sha %q):\n%s", seen, len(content), sc.Grootte, sc.SHA256, sc.Inhoud)
		}
	}
}

// A package planned again never gets a shorter lock than objects its earlier plan wrote.
func TestLaterRetentionKeepsTheLongerLock(t *testing.T) {
	d := func(y int) *target.Retention {
		return &target.Retention{Mode: target.Compliance, Until: time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)}
	}
	tests := []struct {
		name       string
		old, nieuw *target.Retention
		want       *target.Retention
	}{
		{"neither", nil, nil, nil},
		{"only the new plan", nil, d(2031), d(2031)},
		{"only the earlier plan", d(2031), nil, d(2031)},
		{"new date later", d(2031), d(2034), d(2034)},
		{"new date earlier", d(2034), d(2031), d(2034)},
		{"same date", d(2031), d(2031), d(2031)},
	}
	for _, tc := range tests {
		got := laterRetention(tc.old, tc.nieuw)
		if (got == nil) != (tc.want == nil) || (got != nil && !got.Until.Equal(tc.want.Until)) {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
		if got != nil && got == tc.old {
			t.Errorf("%s: returns the earlier plan's retention itself, not a copy", tc.name)
		}
	}
}
