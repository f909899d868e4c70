package dossier_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"zaakarchief/dossier"
	"zaakarchief/dossier/afspraak"
	"zaakarchief/dossier/blobstore"
	"zaakarchief/dossier/dossiertest"
	"zaakarchief/dossier/sqldb"
)

type stack struct {
	db    *sqldb.DB
	blobs *blobstore.Dir
	svc   *dossier.Service
}

func newStack(t *testing.T) *stack {
	t.Helper()
	db, blobs := dossiertest.Open(t, t.TempDir())
	a, err := afspraak.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	svc, err := dossier.NewService(dossier.Options{DB: db, Blobs: blobs, Afspraak: a})
	if err != nil {
		t.Fatal(err)
	}
	return &stack{db: db, blobs: blobs, svc: svc}
}

var gemeente = dossier.Actor{Organisatie: "gemeente", Rol: dossier.RolOrganisatie, TokenID: "test"}

func (s *stack) zaakWithDocument(t *testing.T, content string) (string, string) {
	t.Helper()
	ctx := context.Background()
	z, err := s.svc.CreateZaak(ctx, gemeente, dossier.NieuweZaak{Zaaktype: "omgevingsvergunning", Omschrijving: "Dakkapel"})
	if err != nil {
		t.Fatal(err)
	}
	d := dossier.DatumVan(2026, 1, 5)
	doc, err := s.svc.AddDocument(ctx, gemeente, z.Identificatie, dossier.DocumentMetadata{
		Informatieobjecttype: "aanvraagformulier", Titel: "Aanvraag", Auteur: "Aanvrager", Creatiedatum: &d,
		Bestandsnaam: "aanvraag.pdf", Formaat: "application/pdf"}, strings.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	return z.Identificatie, doc.SHA256
}

func (s *stack) destroy(t *testing.T, zaak string) int {
	t.Helper()
	ctx := context.Background()
	err := s.svc.Wijzig(ctx, func(w *dossier.Wijziging, _ *sqldb.Tx) error {
		_, err := w.Vernietig(ctx, zaak, dossier.Actor{Rol: dossier.RolSysteem}, nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.svc.PurgeBlobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDestroyedZaakLeavesSharedContentWithItsLastHolder(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	z1, sha := s.zaakWithDocument(t, "dezelfde bijlage in twee dossiers")
	z2, sha2 := s.zaakWithDocument(t, "dezelfde bijlage in twee dossiers")
	if sha != sha2 {
		t.Fatal("same content got two hashes")
	}
	if n := s.destroy(t, z1); n != 0 {
		t.Fatalf("destroying %s deleted %d blobs; the content is still held by %s", z1, n, z2)
	}
	if _, err := s.svc.Dossier(ctx, dossier.Actor{Rol: dossier.RolSysteem}, z1); !errors.Is(err, dossier.ErrNotFound) {
		t.Fatalf("destroyed zaak still readable: %v", err)
	}
	_, rc, err := s.svc.OpenDocument(ctx, dossier.Actor{Rol: dossier.RolSysteem}, z2, mustFirstDoc(t, s, z2))
	if err != nil {
		t.Fatalf("content of the remaining holder is gone: %v", err)
	}
	rc.Close()
	if n := s.destroy(t, z2); n != 1 {
		t.Fatalf("destroying the last holder deleted %d blobs, want 1", n)
	}
	if _, err := s.blobs.Open(ctx, sha); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("content of destroyed zaken still in the blob store: %v", err)
	}
	// The audit trail of a destroyed zaak stays: it is the record of who did what.
	err = s.svc.Inzien(ctx, func(in *dossier.Inzage, _ *sqldb.Tx) error {
		trail, err := in.AuditTrail(ctx, z1)
		if err == nil && len(trail) == 0 {
			err = errors.New("audit trail of the destroyed zaak is gone")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPurgeAfterCrashFinishesQueuedDeletions(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	z, sha := s.zaakWithDocument(t, "inhoud die weg moet")
	// The destruction commits, then the process dies before the purge.
	err := s.svc.Wijzig(ctx, func(w *dossier.Wijziging, _ *sqldb.Tx) error {
		_, err := w.Vernietig(ctx, z, dossier.Actor{Rol: dossier.RolSysteem}, nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.blobs.Open(ctx, sha); err != nil {
		t.Fatalf("content deleted before the purge: %v", err)
	}
	if n := queued(t, s); n != 1 {
		t.Fatalf("%d contents queued after the destruction, want 1", n)
	}
	n, err := s.svc.PurgeBlobs(ctx)
	if err != nil || n != 1 {
		t.Fatalf("purge after restart: %d, %v; want 1 blob deleted", n, err)
	}
	if n, err := s.svc.PurgeBlobs(ctx); err != nil || n != 0 {
		t.Fatalf("second purge: %d, %v; want nothing left to do", n, err)
	}
	if n := queued(t, s); n != 0 {
		t.Fatalf("%d contents still queued after the purge", n)
	}
}

func mustFirstDoc(t *testing.T, s *stack, zaak string) string {
	t.Helper()
	d, err := s.svc.Dossier(context.Background(), dossier.Actor{Rol: dossier.RolSysteem}, zaak)
	if err != nil || len(d.Documenten) == 0 {
		t.Fatalf("dossier %s: %v", zaak, err)
	}
	return d.Documenten[0].ID
}

func queued(t *testing.T, s *stack) int {
	t.Helper()
	var n int
	err := s.svc.Inzien(context.Background(), func(in *dossier.Inzage, _ *sqldb.Tx) error {
		var err error
		n, err = in.InhoudInWachtrij(context.Background())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
