package archive_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"zaakarchief/archive"
	"zaakarchief/archive/target"
	"zaakarchief/archive/target/s3target/s3test"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/retention"
)

func TestObjectLockRefusesToDeleteAVernietigenPackageBeforeItsArchiefactiedatum(t *testing.T) {
	e := newEnv(t)
	zaak := e.ClosedZaak(daemontest.Geweigerd)
	srv := s3test.Start(t)
	tg := s3Target(t, srv, srv.Endpoint, s3test.BucketName(), 0)
	a := e.archiver(tg)
	ctx := context.Background()
	if rep, err := a.Run(ctx, nil); err != nil || rep.Pakketten != 1 {
		t.Fatalf("run: %v %+v", err, rep)
	}
	before := keys(t, tg, zaak+"/")

	err := a.VerwijderPakket(ctx, zaak)
	if !errors.Is(err, target.ErrLocked) || !errors.Is(err, retention.ErrPakketBewaard) || !strings.Contains(err.Error(), zaak) {
		t.Fatalf("early delete of a locked package: %v, want ErrLocked and ErrPakketBewaard naming the zaak", err)
	}
	if err := tg.Delete(ctx, zaak+"/manifest.json"); !errors.Is(err, target.ErrLocked) {
		t.Errorf("delete straight on the target: %v, want ErrLocked", err)
	}
	if got := keys(t, tg, zaak+"/"); len(got) != len(before) {
		t.Errorf("after the refused delete %d objects remain of %d", len(got), len(before))
	}
	p, err := a.Pakket(ctx, systeem, zaak)
	if err != nil || p.Status != archive.PakketGearchiveerd || p.Retentie == nil || p.Retentie.Mode != target.Compliance {
		t.Errorf("package after a refused delete: %+v %v", p, err)
	}
}

func TestVerwijderPakketDeletesAPackageWhoseLockHasEnded(t *testing.T) {
	e := newEnv(t)
	zaak := e.ClosedZaak(daemontest.Ingetrokken)
	tg := fileTarget(t, "archief")
	// Archived as if six years later: the one-year term has passed, so no lock is set.
	later := func() time.Time { return time.Now().AddDate(6, 0, 0) }
	a := e.archiver(tg, func(o *archive.Options) { o.Now = later })
	ctx := context.Background()
	if rep, err := a.Run(ctx, nil); err != nil || rep.Pakketten != 1 {
		t.Fatalf("run: %v %+v", err, rep)
	}
	if err := a.VerwijderPakket(ctx, zaak); err != nil {
		t.Fatal(err)
	}
	if got := keys(t, tg, ""); len(got) != 0 {
		t.Errorf("left behind: %v", got)
	}
	if err := a.VerwijderPakket(ctx, zaak); err != nil {
		t.Errorf("second delete: %v", err)
	}
	if err := a.VerwijderPakket(ctx, "ZAAK-1900-0000001"); err != nil {
		t.Errorf("delete of a zaak without package: %v", err)
	}
	if e.audited(zaak, "archief.pakket.verwijderd") == 0 {
		t.Error("deletion not in the audit trail")
	}
}

func TestLegalHoldFollowsTheHoldsInForce(t *testing.T) {
	e := newEnv(t)
	held := e.ClosedZaak(daemontest.Geweigerd)
	free := e.ClosedZaak(daemontest.BuitenBehandl)
	srv := s3test.Start(t)
	tg := s3Target(t, srv, srv.Endpoint, s3test.BucketName(), 0)
	a := e.archiver(tg)
	ctx := context.Background()

	// A zaak held before it is archived is written with a legal hold.
	h, err := e.ret.AddHold(ctx, daemontest.RecordmanagerActor, retention.NieuweHold{Soort: retention.HoldJuridisch, Reden: "bezwaarprocedure", Zaak: held})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := a.Run(ctx, nil); err != nil || rep.Pakketten != 2 {
		t.Fatalf("run: %v %+v", err, rep)
	}
	assertHold(t, tg, held, true)
	assertHold(t, tg, free, false)

	// The hold ends: the next run clears the legal hold.
	if _, err := e.ret.ReleaseHold(ctx, daemontest.RecordmanagerActor, h.ID, "procedure afgerond"); err != nil {
		t.Fatal(err)
	}
	rep, err := a.Run(ctx, nil)
	if err != nil || rep.HoldsOpgeheven != 1 || rep.HoldsGezet != 0 {
		t.Fatalf("run after release: %v %+v", err, rep)
	}
	assertHold(t, tg, held, false)

	// A hold placed on an archived zaak: the next run sets the legal hold.
	if _, err := e.ret.AddHold(ctx, daemontest.RecordmanagerActor, retention.NieuweHold{Soort: retention.HoldWoo, Reden: "Woo-verzoek", Zaak: free}); err != nil {
		t.Fatal(err)
	}
	rep, err = a.Run(ctx, nil)
	if err != nil || rep.HoldsGezet != 1 {
		t.Fatalf("run after a new hold: %v %+v", err, rep)
	}
	assertHold(t, tg, free, true)
	p, err := a.Pakket(ctx, systeem, free)
	if err != nil || !p.LegalHold {
		t.Errorf("journal after the hold: %+v %v", p, err)
	}
	gezet, opgeheven := e.audited(free, "archief.legal_hold.gezet") > 0, e.audited(held, "archief.legal_hold.opgeheven") > 0
	if !gezet || !opgeheven {
		t.Errorf("audit: legal hold set %v, cleared %v", gezet, opgeheven)
	}
	if got := e.zaak(held).Archief.Archiefstatus; got != dossier.ArchiefstatusGearchiveerd {
		t.Errorf("held zaak archiefstatus %s", got)
	}
}

func assertHold(t *testing.T, tg target.Target, zaak string, on bool) {
	t.Helper()
	for k, info := range packageObjects(t, tg, zaak) {
		if info.LegalHold != on {
			t.Errorf("%s: legal hold %v, want %v", k, info.LegalHold, on)
		}
	}
}

// packageObjects stats every object of a zaak's package, which must have some.
func packageObjects(t *testing.T, tg target.Target, zaak string) map[string]target.ObjectInfo {
	t.Helper()
	ks := keys(t, tg, zaak+"/")
	if len(ks) == 0 {
		t.Fatalf("no package for %s", zaak)
	}
	out := make(map[string]target.ObjectInfo, len(ks))
	for _, k := range ks {
		info, err := tg.Stat(context.Background(), k)
		if err != nil {
			t.Fatal(err)
		}
		out[k] = info
	}
	return out
}

// A records manager moves the archiefactiedatum of an archived zaak later: the next run locks
// every object of its package until the new date and audits it. Moved earlier, the lock stays
// (a retention is never shortened).
func TestObjectLockFollowsALaterArchiefactiedatum(t *testing.T) {
	for _, back := range []string{"versitygw", "file"} {
		t.Run(back, func(t *testing.T) {
			e := newEnv(t)
			zaak := e.ClosedZaak(daemontest.Geweigerd)
			tg, _, _ := backTarget(t, back)
			a := e.archiver(tg)
			ctx := context.Background()
			if rep, err := a.Run(ctx, nil); err != nil || rep.Pakketten != 1 {
				t.Fatalf("run: %v %+v", err, rep)
			}
			oud := *e.zaak(zaak).Archief.Archiefactiedatum
			ams, err := time.LoadLocation("Europe/Amsterdam")
			if err != nil {
				t.Fatal(err)
			}
			middernacht := func(d dossier.Datum) time.Time {
				y, m, dd := d.Time().Date()
				return time.Date(y, m, dd, 0, 0, 0, 0, ams).UTC()
			}
			assertLock(t, tg, zaak, middernacht(oud))

			cases := []struct {
				name       string
				datum      dossier.Datum
				verlengd   int
				lockUntil  dossier.Datum
				auditCount int
			}{
				{"five years later", dossier.DatumIn(oud.Time().AddDate(5, 0, 0), time.UTC), 1, dossier.DatumIn(oud.Time().AddDate(5, 0, 0), time.UTC), 1},
				{"earlier again", dossier.DatumIn(oud.Time().AddDate(1, 0, 0), time.UTC), 0, dossier.DatumIn(oud.Time().AddDate(5, 0, 0), time.UTC), 1},
			}
			for _, c := range cases {
				d := c.datum
				if _, err := e.ret.Override(ctx, daemontest.RecordmanagerActor, zaak, retention.Overschrijving{Archiefactiedatum: &d, Reden: "termijn herzien: " + c.name}); err != nil {
					t.Fatalf("%s: override: %v", c.name, err)
				}
				rep, err := a.Run(ctx, nil)
				if err != nil || rep.RetentiesVerlengd != c.verlengd || rep.Fouten != 0 {
					t.Fatalf("%s: run: %v %+v, want %d locks extended", c.name, err, rep, c.verlengd)
				}
				assertLock(t, tg, zaak, middernacht(c.lockUntil))
				p, err := a.Pakket(ctx, systeem, zaak)
				if err != nil || p.Retentie == nil || !p.Retentie.Until.Equal(middernacht(c.lockUntil)) {
					t.Errorf("%s: journal has retention %+v (%v), want until %s", c.name, p.Retentie, err, middernacht(c.lockUntil))
				}
				if n := e.audited(zaak, "archief.retentie.verlengd"); n != c.auditCount {
					t.Errorf("%s: %d audit entries archief.retentie.verlengd, want %d", c.name, n, c.auditCount)
				}
			}
			if err := a.VerwijderPakket(ctx, zaak); !errors.Is(err, target.ErrLocked) {
				t.Errorf("delete after the extension: %v, want ErrLocked", err)
			}
		})
	}
}

// assertLock checks that every object of a zaak's package is locked until until.
func assertLock(t *testing.T, tg target.Target, zaak string, until time.Time) {
	t.Helper()
	for k, info := range packageObjects(t, tg, zaak) {
		if info.Retention == nil || !info.Retention.Until.Equal(until) {
			t.Errorf("%s: retention %+v, want until %s", k, info.Retention, until.Format(time.RFC3339))
		}
	}
}
