package archive_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/dossier/blobstore"
	"zaakarchief/dossier/sqldb"
)

// legacyContent gives document doc of zaak the content b behind the capture checks' back, as
// a dossier captured before they existed holds it: the content goes into the blob store and
// the document row names it.
func legacyContent(t *testing.T, k *daemontest.Kit, zaak, doc string, b []byte) {
	t.Helper()
	ctx := context.Background()
	dir, err := k.Config.BlobDir()
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blobstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	sha, size, _, err := blobs.Put(ctx, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	path, err := k.Config.SQLitePath()
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqldb.OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(ctx, func(tx *sqldb.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE documenten SET sha256 = ?, bestandsomvang = ? WHERE zaak = ? AND id = ?`, sha, size, zaak, doc)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A zaak captured before the capture checks existed, with a password-protected PDF, is
// refused by every archive run (the e-Depot's password check) and stays nog_te_archiveren; a
// records manager's conversion of the document to an unprotected PDF repairs it, and the next
// run archives it.
func TestRunRefusesAPasswordProtectedPDFUntilARecordsManagerConvertsIt(t *testing.T) {
	k := daemontest.New(t)
	zaak := k.ClosedZaak(daemontest.Geweigerd, daemontest.Document{Informatieobjecttype: "bijlage", Titel: "Beveiligde bijlage",
		Bestandsnaam: "beveiligd.pdf", Content: daemontest.PDF("bijlage", 1000)})
	var doc string
	for _, d := range k.ReadDossier(zaak).Documenten {
		if d.Bestandsnaam == "beveiligd.pdf" {
			doc = d.ID
		}
	}
	legacyContent(t, k, zaak, doc, []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R /Encrypt 2 0 R >>\n%%EOF\n"))

	ctx := context.Background()
	rep, err := k.Archiver.Run(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pakketten != 0 || rep.Fouten != 1 || len(rep.Problemen) != 1 || !strings.Contains(rep.Problemen[0].Fout, "wachtwoord") ||
		!strings.Contains(rep.Problemen[0].Fout, "beveiligd.pdf") {
		t.Fatalf("run: %+v %+v", rep.RunInfo, rep.Problemen)
	}
	if got := k.ReadDossier(zaak).Zaak.Archief.Archiefstatus; got != dossier.ArchiefstatusNogTeArchiveren {
		t.Errorf("archiefstatus %s, want %s", got, dossier.ArchiefstatusNogTeArchiveren)
	}

	// The same content is refused as a conversion: it must be unprotected.
	c := dossier.Conversie{Reden: "wachtwoord verwijderd, opnieuw als PDF opgeslagen", Bestandsnaam: "bijlage.pdf", Formaat: "application/pdf"}
	if _, _, err := k.Dossier.ConverteerDocument(ctx, daemontest.RecordmanagerActor, zaak, doc, c,
		strings.NewReader("%PDF-1.7\ntrailer << /Encrypt 2 0 R >>\n%%EOF\n")); !errors.Is(err, dossier.ErrInvalid) {
		t.Fatalf("conversion to a protected PDF: %v, want invalid", err)
	}
	if _, v, err := k.Dossier.ConverteerDocument(ctx, daemontest.RecordmanagerActor, zaak, doc, c,
		bytes.NewReader(daemontest.PDF("bijlage zonder wachtwoord", 1200))); err != nil || v != 2 {
		t.Fatalf("conversion: version %d, %v", v, err)
	}
	rep, err = k.Archiver.Run(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pakketten != 1 || rep.Fouten != 0 {
		t.Fatalf("run after the conversion: %+v %+v", rep.RunInfo, rep.Problemen)
	}
	if got := k.ReadDossier(zaak).Zaak.Archief.Archiefstatus; got != dossier.ArchiefstatusGearchiveerd {
		t.Errorf("archiefstatus %s, want %s", got, dossier.ArchiefstatusGearchiveerd)
	}
}
