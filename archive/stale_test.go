package archive_test

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"zaakarchief/archive"
	"zaakarchief/archive/target"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/retention"
)

// hookTarget is a real target that calls a function once, before the first write of a key
// under prefix.
type hookTarget struct {
	target.Target
	prefix string
	once   sync.Once
	hook   func()
}

func (h *hookTarget) Put(ctx context.Context, key string, r io.Reader, size int64, opts target.PutOptions) (target.ObjectInfo, error) {
	if strings.HasPrefix(key, h.prefix) {
		h.once.Do(h.hook)
	}
	return h.Target.Put(ctx, key, r, size, opts)
}

// A dossier that changes while its package is written (here: a record manager sets a later
// archiefactiedatum) is not marked archived and its package gets no manifest; the next run
// packages the new state, with every object locked until the new date.
func TestDossierChangedWhileItsPackageIsWrittenIsPackagedAgain(t *testing.T) {
	for _, back := range []string{"versitygw", "file"} {
		t.Run(back, func(t *testing.T) {
			e := newEnv(t)
			zaak := e.ClosedZaak(daemontest.Geweigerd)
			tg, _, _ := backTarget(t, back)
			ctx := context.Background()
			oud := *e.zaak(zaak).Archief.Archiefactiedatum
			nieuw := dossier.DatumIn(oud.Time().AddDate(3, 0, 0), time.UTC)
			hooked := &hookTarget{Target: tg, prefix: zaak + "/", hook: func() {
				if _, err := e.ret.Override(ctx, daemontest.RecordmanagerActor, zaak, retention.Overschrijving{Archiefactiedatum: &nieuw, Reden: "termijn herzien"}); err != nil {
					t.Errorf("override while the package is written: %v", err)
				}
			}}
			a := e.archiver(hooked)
			rep, err := a.Run(ctx, nil)
			if err != nil || rep.Pakketten != 0 || rep.Fouten != 1 || len(rep.Problemen) != 1 || !strings.Contains(rep.Problemen[0].Fout, "changed") {
				t.Fatalf("run while the dossier changes: %v %+v, want the zaak reported as changed", err, rep)
			}
			if got := e.zaak(zaak).Archief.Archiefstatus; got != dossier.ArchiefstatusNogTeArchiveren {
				t.Errorf("archiefstatus after the run: %s, want %s", got, dossier.ArchiefstatusNogTeArchiveren)
			}
			for _, k := range keys(t, tg, zaak+"/") {
				if strings.HasSuffix(k, "/"+archive.ManifestNaam) || strings.HasSuffix(k, "/"+archive.PakbonNaam) {
					t.Errorf("%s written for a package whose dossier changed", k)
				}
			}

			rep, err = a.Run(ctx, nil)
			if err != nil || rep.Pakketten != 1 || rep.Fouten != 0 {
				t.Fatalf("next run: %v %+v", err, rep)
			}
			z := e.zaak(zaak)
			if z.Archief.Archiefstatus != dossier.ArchiefstatusGearchiveerd || *z.Archief.Archiefactiedatum != nieuw {
				t.Errorf("zaak after the next run: %s, archiefactiedatum %s, want gearchiveerd, %s", z.Archief.Archiefstatus, z.Archief.Archiefactiedatum, nieuw)
			}
			p, err := a.Pakket(ctx, systeem, zaak)
			if err != nil {
				t.Fatal(err)
			}
			ams, err := time.LoadLocation("Europe/Amsterdam")
			if err != nil {
				t.Fatal(err)
			}
			y, m, d := nieuw.Time().Date()
			until := time.Date(y, m, d, 0, 0, 0, 0, ams).UTC()
			if p.Retentie == nil || !p.Retentie.Until.Equal(until) {
				t.Errorf("package retention %+v, want until %s", p.Retentie, until)
			}
			assertLock(t, tg, zaak, until)
			if n := validateXML(t, tg); n == 0 {
				t.Error("no MDTO sidecar validated")
			}
			for _, k := range keys(t, tg, zaak+"/") {
				if strings.HasSuffix(k, ".mdto.xml") && strings.Contains(string(read(t, tg, k)), oud.String()) && oud.String() != nieuw.String() {
					t.Errorf("%s still names the old archiefactiedatum %s", k, oud)
				}
			}
		})
	}
}
