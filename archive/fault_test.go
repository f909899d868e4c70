package archive_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"zaakarchief/archive"
	"zaakarchief/archive/target"
	"zaakarchief/archive/target/s3target/s3test"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/dossier/sqldb"
)

func TestUnreachableEndpointFailsTheRunClearlyAndArchivesNothing(t *testing.T) {
	e := newEnv(t)
	zaak := e.ClosedZaak(daemontest.Geweigerd)
	srv := s3test.Start(t) // for its credentials
	addr := s3test.ClosedAddr(t)
	open := func(ctx context.Context) (target.Target, error) {
		return target.Open(ctx, "s3://"+s3test.BucketName()+"/archief", target.Config{Endpoint: addr,
			AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, CreateBucket: true, MaxRetries: 1})
	}
	a := e.archiver(nil, func(o *archive.Options) { o.Target = open })
	rep, err := a.Run(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), addr) || !strings.Contains(err.Error(), "open the archive target") {
		t.Fatalf("run against %s: %v", addr, err)
	}
	if rep.Status != archive.RunMislukt || rep.Pakketten != 0 {
		t.Errorf("report %+v", rep.RunInfo)
	}
	if st := e.zaak(zaak).Archief.Archiefstatus; st != dossier.ArchiefstatusNogTeArchiveren {
		t.Errorf("zaak marked %s", st)
	}
	runs, err := a.Runs(context.Background(), systeem, 1)
	if err != nil || len(runs) != 1 || runs[0].Status != archive.RunMislukt || !strings.Contains(runs[0].Melding, addr) {
		t.Errorf("journal %+v %v", runs, err)
	}
	if n := e.count(`SELECT COUNT(*) FROM archief_slot`); n != 0 {
		t.Errorf("the failed run kept the lock")
	}
}

func TestS3FaultsAreRetriedAndAZaakThatKeepsFailingIsReportedWithoutStoppingTheRun(t *testing.T) {
	e := newEnv(t)
	flaky := e.ClosedZaak(daemontest.Geweigerd)      // every request fails once (503), then works
	cutOff := e.ClosedZaak(daemontest.Ingetrokken)   // every first PUT's connection is cut
	broken := e.ClosedZaak(daemontest.BuitenBehandl) // every PUT fails
	srv := s3test.Start(t)
	px := newProxy(t, srv.Endpoint)
	bucket := s3test.BucketName()
	tg := s3Target(t, srv, px.Endpoint, bucket, 2)
	px.setRule(func(r *http.Request, n int) fault {
		switch {
		case forZaak(r, flaky) && n == 1:
			return fail503
		case forZaak(r, cutOff) && r.Method == http.MethodPut && n == 1:
			return cut
		case forZaak(r, broken) && r.Method == http.MethodPut:
			return fail503
		}
		return pass
	})
	reg := prometheus.NewRegistry()
	a := e.archiver(tg, func(o *archive.Options) { o.Attempts = 2; o.Registerer = reg })
	rep, err := a.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pakketten != 2 || rep.Fouten != 1 || len(rep.Problemen) != 1 || rep.Problemen[0].Zaak != broken {
		t.Fatalf("report %+v %+v", rep.RunInfo, rep.Problemen)
	}
	if msg := rep.Problemen[0].Fout; !strings.Contains(msg, "injected by the test proxy") || !strings.Contains(msg, "after 2 tries") {
		t.Errorf("failure does not say what the server answered: %s", msg)
	}
	if px.faults.Load() < 10 {
		t.Errorf("only %d faults injected", px.faults.Load())
	}
	for zaak, st := range map[string]string{flaky: dossier.ArchiefstatusGearchiveerd, cutOff: dossier.ArchiefstatusGearchiveerd,
		broken: dossier.ArchiefstatusNogTeArchiveren} {
		if got := e.zaak(zaak).Archief.Archiefstatus; got != st {
			t.Errorf("zaak %s: %s, want %s", zaak, got, st)
		}
	}
	if got := metric(t, reg, "zaakarchief_archive_failures_total"); got != 1 {
		t.Errorf("failures metric %v", got)
	}
	items, _ := a.RunItems(context.Background(), rep.ID)
	var failed int
	for _, it := range items {
		if it.Status == archive.ItemFout && it.Zaak == broken {
			failed++
		}
	}
	if failed != 1 {
		t.Errorf("journal items %+v", items)
	}
	if len(keys(t, tg, broken+"/"+archive.ManifestNaam)) != 0 {
		t.Error("the failed package has a manifest")
	}

	// The server recovers: the next run finishes the package.
	px.setRule(nil)
	rep, err = a.Run(context.Background(), nil)
	if err != nil || rep.Pakketten != 1 || rep.Fouten != 0 {
		t.Fatalf("second run: %v %+v %+v", err, rep.RunInfo, rep.Problemen)
	}
	assertComplete(t, e, tg, srv, bucket, []string{flaky, cutOff, broken})
}

func TestRunLockKeepsTwoRunsApartAndIsTakenOverFromADeadProcess(t *testing.T) {
	e := newEnv(t)
	e.manyZaken(2, 1)
	srv := s3test.Start(t)
	px := newProxy(t, srv.Endpoint)
	px.delay.Store(int64(30 * time.Millisecond))
	tg := s3Target(t, srv, px.Endpoint, s3test.BucketName(), 0)
	a := e.archiver(tg)
	b := e.archiver(tg) // a second archiver on the same database, as a CLI run next to the daemon
	ctx := context.Background()

	errc := make(chan error, 1)
	go func() {
		_, err := a.Run(ctx, nil)
		errc <- err
	}()
	for e.count(`SELECT COUNT(*) FROM archief_slot`) == 0 {
		time.Sleep(time.Millisecond)
	}
	_, err := b.Run(ctx, nil)
	var busy *archive.BusyError
	if !errors.As(err, &busy) || !errors.Is(err, archive.ErrBusy) || busy.Holder.PID != os.Getpid() {
		t.Errorf("second run while the first holds the lock: %v", err)
	}
	if _, err := b.Verify(ctx, archive.VerifyOptions{}); !errors.Is(err, archive.ErrBusy) {
		t.Errorf("verify while a run holds the lock: %v", err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}

	// A lock left by a process that is gone is taken over at once; one of a live process is not.
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	setLock := func(pid int) {
		err := e.db.Update(ctx, func(tx *sqldb.Tx) error {
			if _, err := tx.Exec(ctx, `DELETE FROM archief_slot`); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO archief_slot (naam, eigenaar, host, pid, sinds, verloopt) VALUES ('archief', 'x', ?, ?, ?, ?)`,
				host, pid, time.Now().UTC().Format(time.RFC3339Nano), time.Now().Add(time.Hour).UTC().Format(time.RFC3339Nano))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	setLock(os.Getppid())
	if _, err := b.Run(ctx, nil); !errors.Is(err, archive.ErrBusy) {
		t.Errorf("run while a live process holds the lock: %v", err)
	}
	setLock(dead.Process.Pid)
	if _, err := b.Run(ctx, nil); err != nil {
		t.Errorf("run after the holder died: %v", err)
	}
	if n := e.count(`SELECT COUNT(*) FROM archief_slot`); n != 0 {
		t.Errorf("%d locks left after the run", n)
	}
}
