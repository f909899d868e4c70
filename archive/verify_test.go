package archive_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"zaakarchief/archive"
	"zaakarchief/archive/target"
	"zaakarchief/archive/target/s3target/s3test"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/retention"
)

// rootOf returns the directory of a file:// target.
func rootOf(t *testing.T, tg target.Target) string {
	t.Helper()
	u, err := url.Parse(tg.URL())
	if err != nil {
		t.Fatal(err)
	}
	return filepath.FromSlash(u.Path)
}

// metric returns the value of a counter (summed over its labels) in reg.
func metric(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var v float64
	for _, mf := range mfs {
		if mf.GetName() == name {
			for _, m := range mf.GetMetric() {
				v += m.GetCounter().GetValue()
			}
		}
	}
	return v
}

func TestVerifyFindsTamperedAndMissingObjectsAndKeepsThemInTheAuditTrail(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	tg := fileTarget(t, "archief")
	reg := prometheus.NewRegistry()
	a := e.archiver(tg, func(o *archive.Options) { o.Registerer = reg })
	ctx := context.Background()
	if _, err := a.Run(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if got := metric(t, reg, "zaakarchief_archive_packages_total"); got != 4 {
		t.Errorf("packages metric %v, want 4", got)
	}
	clean, err := a.Verify(ctx, archive.VerifyOptions{})
	if err != nil || clean.Afwijkingen != 0 || clean.Pakketten != 4 || clean.Objecten == 0 {
		t.Fatalf("verify of an untouched archive: %v %+v %v", err, clean.RunInfo, clean.Gevonden)
	}

	// Flip bytes in a document (same size) and remove a sidecar, behind the target's back.
	root := rootOf(t, tg)
	doc := filepath.Join(root, filepath.FromSlash(sip(s.geweigerd)), "Ontwerpbesluit", "ontwerpbesluit.pdf")
	b, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	copy(b[100:], "GEKNOEID")
	if err := os.WriteFile(doc, b, 0o600); err != nil {
		t.Fatal(err)
	}
	gone := filepath.Join(root, filepath.FromSlash(sip(s.buiten)), "Advies_veiligheidsregio", "advies.pdf.bestand.mdto.xml")
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}

	rep, err := a.Verify(ctx, archive.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Afwijkingen != 2 || rep.Status != archive.RunMetFouten {
		t.Fatalf("verify: %+v %+v", rep.RunInfo, rep.Gevonden)
	}
	found := map[string]archive.Afwijking{}
	for _, f := range rep.Gevonden {
		found[f.Zaak] = f
	}
	if f := found[s.geweigerd]; f.Soort != archive.AfwijkingSHA256 || !strings.HasSuffix(f.Sleutel, "ontwerpbesluit.pdf") {
		t.Errorf("tampered document: %+v", f)
	}
	if f := found[s.buiten]; f.Soort != archive.AfwijkingOntbreekt || !strings.HasSuffix(f.Sleutel, "advies.pdf.bestand.mdto.xml") {
		t.Errorf("missing sidecar: %+v", f)
	}
	if got := metric(t, reg, "zaakarchief_archive_fixity_mismatches_total"); got != 2 {
		t.Errorf("mismatch metric %v, want 2", got)
	}
	for _, zaak := range []string{s.geweigerd, s.buiten} {
		var n int
		for _, entry := range e.AuditTrail(zaak) {
			if entry.Actie == "archief.fixity.afwijking" {
				n++
				var d struct{ Afwijking archive.Afwijking }
				if err := json.Unmarshal(entry.Details, &d); err != nil || d.Afwijking.Zaak != zaak {
					t.Errorf("audit details %s: %v", entry.Details, err)
				}
			}
		}
		if n != 1 {
			t.Errorf("zaak %s: %d fixity entries in the audit trail, want 1", zaak, n)
		}
	}
	items, err := a.RunItems(ctx, rep.ID)
	if err != nil {
		t.Fatal(err)
	}
	var afw int
	for _, it := range items {
		if it.Status == archive.ItemAfwijking {
			afw++
		}
	}
	if afw != 2 || len(items) != 4 {
		t.Errorf("journal items %+v", items)
	}

	// A sample checks a share of the packages, at least one.
	smp, err := a.Verify(ctx, archive.VerifyOptions{SamplePercent: 1})
	if err != nil || smp.Pakketten != 1 {
		t.Errorf("sample of 1%%: %v %+v", err, smp.RunInfo)
	}
	if _, err := a.Verify(ctx, archive.VerifyOptions{SamplePercent: 150}); err == nil {
		t.Error("a sample of 150% was accepted")
	}
}

func TestTransferMovesDuePermanentPackagesToTheEDepotAndMarksThemOvergedragen(t *testing.T) {
	e := newEnv(t)
	due := e.ClosedZaak(daemontest.Verleend)
	held := e.ClosedZaak(daemontest.Verleend)
	tijdelijk := e.ClosedZaak(daemontest.Geweigerd)
	srv := s3test.Start(t)
	bucket := s3test.BucketName()
	tg := s3Target(t, srv, srv.Endpoint, bucket, 0)
	edepot := s3Target(t, srv, srv.Endpoint, s3test.BucketName(), 0)
	ctx := context.Background()
	if _, err := e.ret.AddHold(ctx, daemontest.RecordmanagerActor, retention.NieuweHold{Soort: retention.HoldAudit, Reden: "audit", Zaak: held}); err != nil {
		t.Fatal(err)
	}
	// Transfer on the brondatum itself, so that the zaken closed today are due.
	now := retention.Overbrenging{TermijnNieuw: retention.Termijn{Jaren: 10}}
	a := e.archiver(tg, func(o *archive.Options) { o.EDepot = fixed(edepot); o.Overbrenging = &now })

	rep, err := a.Run(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pakketten != 3 || rep.Overgedragen != 1 || rep.Fouten != 0 {
		t.Fatalf("run %+v %+v", rep.RunInfo, rep.Problemen)
	}
	checkPackage(t, edepot, due)
	if got := keys(t, tg, due+"/"); len(got) != 0 {
		t.Errorf("transferred package still on the archive target: %v", got)
	}
	for key := range versions(t, srv, bucket) {
		if strings.Contains(key, due) {
			t.Errorf("a version of %s stayed on the archive target", key)
		}
	}
	z := e.zaak(due)
	if z.Archief.Archiefstatus != dossier.ArchiefstatusOvergedragen || z.Archief.Archiefactiedatum == nil {
		t.Errorf("transferred zaak: %+v", z.Archief)
	}
	p, err := a.Pakket(ctx, systeem, due)
	if err != nil || p.Status != archive.PakketOvergedragen || p.Doel != edepot.URL() {
		t.Errorf("journal: %+v %v", p, err)
	}
	for zaak, st := range map[string]string{held: dossier.ArchiefstatusGearchiveerd, tijdelijk: dossier.ArchiefstatusGearchiveerd} {
		if got := e.zaak(zaak).Archief.Archiefstatus; got != st {
			t.Errorf("zaak %s: %s, want %s", zaak, got, st)
		}
		if len(keys(t, edepot, zaak+"/")) != 0 {
			t.Errorf("zaak %s was transferred", zaak)
		}
	}
	ver, err := a.Verify(ctx, archive.VerifyOptions{})
	if err != nil || ver.Afwijkingen != 0 || ver.Pakketten != 3 {
		t.Errorf("verify across both targets: %v %+v %+v", err, ver.RunInfo, ver.Gevonden)
	}
	if err := a.VerwijderPakket(ctx, due); err == nil || !strings.Contains(err.Error(), "e-Depot") {
		t.Errorf("delete of a transferred package: %v", err)
	}
}
