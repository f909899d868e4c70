package archive_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"zaakarchief/archive"
	"zaakarchief/archive/target/s3target/s3test"
	"zaakarchief/cmd/zaakarchief/daemon"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/retention"
)

// TestDestructionListDeletesTheArchivedPackageUnlessItsLockRefuses runs retention's whole
// destruction procedure with the Archiver as its ArchiefVerwijderaar: a zaak whose package has no
// lock left is destroyed and its package deleted from versitygw; a zaak whose package is locked
// until its (original) archiefactiedatum stays, with the refusal on its item.
func TestDestructionListDeletesTheArchivedPackageUnlessItsLockRefuses(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	srv := s3test.Start(t)
	tg := s3Target(t, srv, srv.Endpoint, s3test.BucketName(), 0)

	// Archived as if two years on: the one-year term has passed, so the package gets no lock.
	free := e.ClosedZaak(daemontest.Ingetrokken)
	later := func() time.Time { return time.Now().AddDate(2, 0, 0) }
	if rep, err := e.archiver(tg, func(o *archive.Options) { o.Now = later }).Run(ctx, nil); err != nil || rep.Pakketten != 1 {
		t.Fatalf("archive %s: %v %+v", free, err, rep)
	}
	// Archived two years on too, but its term is five years: locked until its archiefactiedatum.
	// (The runs share the clock: a run on today's clock would lock the first package again,
	// since its archiefactiedatum lies ahead of today.)
	locked := e.ClosedZaak(daemontest.Geweigerd)
	a := e.archiver(tg, func(o *archive.Options) { o.Now = later })
	if rep, err := a.Run(ctx, nil); err != nil || rep.Pakketten != 1 {
		t.Fatalf("archive %s: %v %+v", locked, err, rep)
	}

	// Six years on, both are due; the archivaris approves the list, the daemon executes it: a
	// daemon on the same data whose clock reads six years on, its archiver that of the runs.
	six := daemontest.New(t, daemontest.WithDir(e.dataDir), daemontest.WithClock(daemontest.NewClock(time.Now().AddDate(6, 0, 0))),
		daemontest.WithOptions(func(o *daemon.Options) {
			o.Tune.Archive = func(o *archive.Options) { o.Target, o.Now = fixed(tg), later }
		}))
	svc, ret := six.Dossier, six.Retention
	archivaris := daemontest.ArchivarisActor
	v, err := ret.Propose(ctx, daemontest.RecordmanagerActor)
	if err != nil || v.Lijst == nil || v.Opgenomen != 2 {
		t.Fatalf("propose: %v %+v", err, v)
	}
	id := v.Lijst.ID
	if _, err := ret.Submit(ctx, daemontest.RecordmanagerActor, id); err != nil {
		t.Fatal(err)
	}
	if _, err := ret.Review(ctx, archivaris, id, []retention.Beoordeling{{Zaak: free, Beoordeling: retention.BeoordelingVernietigen},
		{Zaak: locked, Beoordeling: retention.BeoordelingVernietigen}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ret.Approve(ctx, archivaris, id); err != nil {
		t.Fatal(err)
	}
	six.Clock.AddDate(0, 0, 8) // past the waiting period of the approved list
	u, err := ret.Execute(ctx, retention.Systeem, id)
	if err != nil {
		t.Fatal(err)
	}
	if u.Vernietigd != 1 || u.Geweigerd != 1 {
		t.Fatalf("execution %+v", u)
	}
	if got := keys(t, tg, free+"/"); len(got) != 0 {
		t.Errorf("the destroyed zaak's package is still there: %v", got)
	}
	if got := keys(t, tg, locked+"/"); len(got) == 0 {
		t.Error("the locked package was deleted")
	}
	if st := e.zaak(locked).Archief.Archiefstatus; st != dossier.ArchiefstatusGearchiveerd {
		t.Errorf("refused zaak: archiefstatus %s", st)
	}
	if _, err := svc.Dossier(ctx, dossier.Actor{Rol: dossier.RolSysteem}, free); !errors.Is(err, dossier.ErrNotFound) {
		t.Errorf("destroyed zaak still in the dossier store: %v", err)
	}
	p, err := a.Pakket(ctx, systeem, free)
	if err != nil || p.Status != archive.PakketVerwijderd {
		t.Errorf("journal of the destroyed zaak's package: %+v %v", p, err)
	}
	// The journal keeps that the package was deleted, not its keys or MDTO sidecars.
	for _, table := range []string{"archief_objecten", "archief_inhoud"} {
		if n := e.count(`SELECT COUNT(*) FROM `+table+` WHERE zaak = ?`, free); n != 0 {
			t.Errorf("%s still holds %d rows (keys, sidecar content) of the destroyed zaak", table, n)
		}
		if n := e.count(`SELECT COUNT(*) FROM `+table+` WHERE zaak = ?`, locked); n == 0 {
			t.Errorf("%s lost the rows of the package that stays", table)
		}
	}
}
