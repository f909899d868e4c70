package archive_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"

	"zaakarchief/archive"
	"zaakarchief/archive/target"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/retention"
)

// A zaak revalued after it was archived (here: vernietigen becomes blijvend_bewaren) gets its
// package described again in the next run: MDTO sidecars with waardering B that validate, a
// pakbon and manifest that match what is stored, a journal with the new nominatie (which the
// transfer to the e-Depot goes by) that the fixity check agrees with, and an audit entry. The earlier description stays on the target as locked
// older versions; documents are not written again; a further run has nothing to do.
func TestRevaluedZaakIsDescribedAgainInItsPackage(t *testing.T) {
	for _, back := range []string{"versitygw", "file"} {
		t.Run(back, func(t *testing.T) {
			e := newEnv(t)
			zaak := e.ClosedZaak(daemontest.Geweigerd)
			tg, srv, bucket := backTarget(t, back)
			a := e.archiver(tg)
			ctx := context.Background()
			if rep, err := a.Run(ctx, nil); err != nil || rep.Pakketten != 1 || rep.Herbeschreven != 0 {
				t.Fatalf("first run: %v %+v", err, rep)
			}
			waarderingen := func() map[string]int {
				out := map[string]int{}
				for _, k := range keys(t, tg, zaak+"/") {
					if strings.HasSuffix(k, ".mdto.xml") && !strings.HasSuffix(k, ".bestand.mdto.xml") {
						b := string(read(t, tg, k))
						for _, code := range []string{"V", "B"} {
							if strings.Contains(b, "<begripCode>"+code+"</begripCode>") {
								out[code]++
							}
						}
					}
				}
				return out
			}
			if w := waarderingen(); w["V"] != 6 || w["B"] != 0 {
				t.Fatalf("waardering in the sidecars of the first run: %v, want V in the archief's, the serie's, the dossier's and each of 3 documents'", w)
			}
			before := map[string]string{}
			for _, k := range keys(t, tg, zaak+"/") {
				before[k] = string(read(t, tg, k))
			}

			if _, err := e.ret.Override(ctx, daemontest.RecordmanagerActor, zaak, retention.Overschrijving{
				Archiefnominatie: dossier.ArchiefnominatieBlijvend, Reden: "herwaardering: van cultuurhistorisch belang"}); err != nil {
				t.Fatal(err)
			}
			rep, err := a.Run(ctx, nil)
			if err != nil || rep.Herbeschreven != 1 || rep.Fouten != 0 {
				t.Fatalf("run after the revaluation: %v %+v", err, rep)
			}
			if w := waarderingen(); w["B"] != 6 || w["V"] != 0 {
				t.Errorf("waardering in the sidecars after the revaluation: %v, want B in all 6", w)
			}
			if n := validateXML(t, tg); n == 0 {
				t.Error("no MDTO sidecar validated")
			}
			var changed []string
			for _, k := range keys(t, tg, zaak+"/") {
				if before[k] != string(read(t, tg, k)) {
					changed = append(changed, k)
				}
			}
			for _, k := range changed {
				if strings.HasSuffix(k, ".pdf") || strings.HasSuffix(k, ".bestand.mdto.xml") {
					t.Errorf("%s was written again, though it did not change", k)
				}
			}
			if len(changed) != 8 { // 6 informatieobject sidecars, pakbon, manifest
				t.Errorf("changed objects %q, want the 6 informatieobject sidecars, the pakbon and the manifest", changed)
			}
			var pb archive.Pakbon
			if err := json.Unmarshal(read(t, tg, zaak+"/"+archive.PakbonNaam), &pb); err != nil || pb.Waardering != "B" {
				t.Errorf("pakbon waardering %q (%v), want B", pb.Waardering, err)
			}
			p, err := a.Pakket(ctx, systeem, zaak)
			if err != nil || p.Status != archive.PakketGearchiveerd {
				t.Fatalf("package after the new description: %+v %v", p, err)
			}
			// The transfer to the e-Depot goes by the journal's nominatie and brondatum.
			if got := e.str(`SELECT nominatie FROM archief_pakketten WHERE zaak = ?`, zaak); got != dossier.ArchiefnominatieBlijvend {
				t.Errorf("journal nominatie %q, want %s", got, dossier.ArchiefnominatieBlijvend)
			}
			if p.ManifestSHA256 != pb.Manifest.SHA256 {
				t.Errorf("journal names manifest %s, pakbon %s", p.ManifestSHA256, pb.Manifest.SHA256)
			}
			z := e.zaak(zaak)
			assertLock(t, tg, zaak, p.Retentie.Until)
			if y, _, _ := p.Retentie.Until.Date(); y < z.Archief.Archiefactiedatum.Time().Year() {
				t.Errorf("package locked until %s, zaak kept until %s", p.Retentie.Until, z.Archief.Archiefactiedatum)
			}
			vr, err := a.Verify(ctx, archive.VerifyOptions{})
			if err != nil || vr.Afwijkingen != 0 || vr.Pakketten != 1 {
				t.Errorf("fixity check after the new description: %v %+v %+v", err, vr, vr.Gevonden)
			}
			if n := e.audited(zaak, "archief.pakket.herbeschreven"); n != 1 {
				t.Errorf("%d audit entries archief.pakket.herbeschreven, want 1", n)
			}
			// The earlier description is kept, locked: the package cannot be removed.
			if srv != nil {
				vs := versions(t, srv, bucket)
				for _, k := range changed {
					if n := vs["archief/"+k]; n != 2 {
						t.Errorf("%s has %d versions, want the earlier one kept beside the new", k, n)
					}
				}
			}
			if err := a.VerwijderPakket(ctx, zaak); !errors.Is(err, target.ErrLocked) {
				t.Errorf("delete of the revalued package: %v, want ErrLocked", err)
			}

			if rep, err := a.Run(ctx, nil); err != nil || rep.Herbeschreven != 0 || rep.Fouten != 0 {
				t.Errorf("run with nothing revalued: %v %+v", err, rep)
			}
		})
	}
}

// cutTarget is a real target that cancels a run after the first write of a key under prefix.
type cutTarget struct {
	target.Target
	prefix string
	cancel context.CancelFunc
	once   sync.Once
}

func (c *cutTarget) Put(ctx context.Context, key string, r io.Reader, size int64, opts target.PutOptions) (target.ObjectInfo, error) {
	info, err := c.Target.Put(ctx, key, r, size, opts)
	if strings.HasPrefix(key, c.prefix) {
		c.once.Do(c.cancel)
	}
	return info, err
}

// A run cut off while it describes a revalued package again leaves the package marked
// herbeschrijven, which the fixity check passes by instead of reporting the half-written
// description as tampering; the next run finishes it, and the fixity check agrees again.
func TestRevaluationCutOffHalfwayIsFinishedByTheNextRun(t *testing.T) {
	e := newEnv(t)
	zaak := e.ClosedZaak(daemontest.Geweigerd)
	tg, _, _ := backTarget(t, "versitygw")
	ctx := context.Background()
	if rep, err := e.archiver(tg).Run(ctx, nil); err != nil || rep.Pakketten != 1 {
		t.Fatalf("first run: %v %+v", err, rep)
	}
	if _, err := e.ret.Override(ctx, daemontest.RecordmanagerActor, zaak, retention.Overschrijving{
		Archiefnominatie: dossier.ArchiefnominatieBlijvend, Reden: "herwaardering"}); err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	cut := &cutTarget{Target: tg, prefix: zaak + "/", cancel: cancel}
	if rep, err := e.archiver(cut).Run(runCtx, nil); err == nil || rep.Herbeschreven != 0 {
		t.Fatalf("run cut off during the new description: %v %+v", err, rep)
	}
	a := e.archiver(tg)
	if p, err := a.Pakket(ctx, systeem, zaak); err != nil || p.Status != archive.PakketHerbeschrijven {
		t.Fatalf("package after the cut: %+v %v, want status %s", p, err, archive.PakketHerbeschrijven)
	}
	if vr, err := a.Verify(ctx, archive.VerifyOptions{}); err != nil || vr.Afwijkingen != 0 {
		t.Errorf("fixity check of a package being described again: %v %+v %v", err, vr, vr.Gevonden)
	}
	rep, err := a.Run(ctx, nil)
	if err != nil || rep.Herbeschreven != 1 || rep.Fouten != 0 {
		t.Fatalf("next run: %v %+v", err, rep)
	}
	if p, err := a.Pakket(ctx, systeem, zaak); err != nil || p.Status != archive.PakketGearchiveerd {
		t.Errorf("package after the next run: %+v %v", p, err)
	}
	vr, err := a.Verify(ctx, archive.VerifyOptions{})
	if err != nil || vr.Afwijkingen != 0 || vr.Pakketten != 1 {
		t.Errorf("fixity check after the new description: %v %+v %v", err, vr, vr.Gevonden)
	}
	var pb archive.Pakbon
	if err := json.Unmarshal(read(t, tg, zaak+"/"+archive.PakbonNaam), &pb); err != nil || pb.Waardering != "B" {
		t.Errorf("pakbon waardering %q (%v), want B", pb.Waardering, err)
	}
}
