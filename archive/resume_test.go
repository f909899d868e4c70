package archive_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"zaakarchief/archive"
	"zaakarchief/archive/target"
	"zaakarchief/archive/target/s3target/s3test"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
)

// binDir holds the zaakarchief binary built for the subprocess tests.
var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// zaakarchiefBinary builds the real command once.
func zaakarchiefBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "zaakarchief-archive-test-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "zaakarchief")
		out, err := exec.Command("go", "build", "-o", binPath, "zaakarchief/cmd/zaakarchief").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// manyZaken closes n zaken, each with extra documents, and returns them.
func (e *env) manyZaken(n, extra int) []string {
	e.tb.Helper()
	results := []string{daemontest.Geweigerd, daemontest.Ingetrokken, daemontest.BuitenBehandl, daemontest.Verleend}
	var out []string
	for i := range n {
		var docs []daemontest.Document
		for j := range extra {
			name := fmt.Sprintf("bijlage-%d-%d", i, j)
			docs = append(docs, daemontest.Document{Informatieobjecttype: "bijlage", Titel: fmt.Sprintf("Bijlage %d", j+1), Bestandsnaam: name + ".pdf", Content: daemontest.PDF(name, 20_000+j*5000)})
		}
		out = append(out, e.ClosedZaak(results[i%len(results)], docs...))
	}
	return out
}

// doneObjects counts the objects the journal has as written and verified.
func (e *env) doneObjects() int {
	return e.count(`SELECT COUNT(*) FROM archief_objecten WHERE gedaan = 1`)
}

// assertNoArchivedZaakWithoutManifest checks the invariant that holds at every moment: a zaak
// marked archived has its manifest on the target, with the journal's hash.
func assertNoArchivedZaakWithoutManifest(t *testing.T, e *env, tg target.Target, zaken []string) (archived int) {
	t.Helper()
	for _, zaak := range zaken {
		z := e.zaak(zaak)
		if z.Archief.Archiefstatus == dossier.ArchiefstatusNogTeArchiveren {
			continue
		}
		archived++
		info, err := tg.Stat(context.Background(), zaak+"/"+archive.ManifestNaam)
		if err != nil {
			t.Errorf("zaak %s is %s but its manifest is not there: %v", zaak, z.Archief.Archiefstatus, err)
			continue
		}
		if want := e.str(`SELECT manifest_sha256 FROM archief_pakketten WHERE zaak = ?`, zaak); info.SHA256 != want {
			t.Errorf("manifest of %s: sha-256 %s, journal %s", zaak, info.SHA256, want)
		}
	}
	return archived
}

// assertComplete checks that every zaak is archived with a whole package and that every key on
// the server has exactly one version: nothing was written twice.
func assertComplete(t *testing.T, e *env, tg target.Target, srv *s3test.Server, bucket string, zaken []string) {
	t.Helper()
	for _, zaak := range zaken {
		if st := e.zaak(zaak).Archief.Archiefstatus; st != dossier.ArchiefstatusGearchiveerd {
			t.Errorf("zaak %s: archiefstatus %s", zaak, st)
		}
		checkPackage(t, tg, zaak)
	}
	n := 0
	for key, v := range versions(t, srv, bucket) {
		n++
		if v != 1 {
			t.Errorf("%s: %d versions: written more than once", key, v)
		}
	}
	if want := e.count(`SELECT COUNT(*) FROM archief_objecten`); n != want {
		t.Errorf("%d objects on the server, the journal has %d", n, want)
	}
}

func TestRunCancelledHalfwayIsFinishedByTheNextRunWithoutDuplicates(t *testing.T) {
	e := newEnv(t)
	zaken := e.manyZaken(6, 2)
	srv := s3test.Start(t)
	px := newProxy(t, srv.Endpoint)
	px.delay.Store(int64(15 * time.Millisecond))
	bucket := s3test.BucketName()
	tg := s3Target(t, srv, px.Endpoint, bucket, 0)
	a := e.archiver(tg)
	total := 6 * (5*3 + 3)

	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for e.doneObjects() < total/3 {
			time.Sleep(2 * time.Millisecond)
		}
		cancel()
	}()
	rep, err := a.Run(ctx, nil)
	if !errors.Is(err, context.Canceled) || rep.Status != archive.RunAfgebroken {
		t.Fatalf("cancelled run: %v %+v", err, rep)
	}
	done := e.doneObjects()
	archived := assertNoArchivedZaakWithoutManifest(t, e, tg, zaken)
	if done >= total || archived == len(zaken) {
		t.Fatalf("the run was not cut off halfway: %d of %d objects, %d zaken archived", done, total, archived)
	}

	px.delay.Store(0)
	rep, err = a.Run(context.Background(), nil)
	if err != nil || rep.Fouten != 0 || rep.Pakketten != len(zaken)-archived {
		t.Fatalf("resumed run: %v %+v %+v", err, rep.RunInfo, rep.Problemen)
	}
	assertComplete(t, e, tg, srv, bucket, zaken)
	runs, _ := a.Runs(context.Background(), systeem, 10)
	if len(runs) != 2 || runs[1].Status != archive.RunAfgebroken {
		t.Errorf("runs %+v", runs)
	}
}

func TestArchiveRunKilledWithSIGKILLIsFinishedByTheNextRunWithoutDuplicates(t *testing.T) {
	bin := zaakarchiefBinary(t)
	e := newEnv(t)
	zaken := e.manyZaken(8, 2)
	total := 8 * (5*3 + 3)
	srv := s3test.Start(t)
	px := newProxy(t, srv.Endpoint)
	px.delay.Store(int64(20 * time.Millisecond))
	bucket := s3test.BucketName()
	cfg := filepath.Join(e.dir, "zaakarchief.yaml")
	err := os.WriteFile(cfg, []byte(fmt.Sprintf(`data: %s
archive:
  target: s3://%s/archief
  s3:
    endpoint: %s
    access_key: %s
    secret_key: %s
    tls: false
    create_bucket: true
  workers: 4
`, e.dataDir, bucket, px.Endpoint, srv.AccessKey, srv.SecretKey)), 0o600)
	if err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(bin, "archive", "run", "--config", cfg)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.After(60 * time.Second)
wait:
	for e.doneObjects() < total/3 {
		select {
		case err := <-exited:
			t.Fatalf("archive run ended before it could be killed (%v):\n%s", err, out.String())
		case <-deadline:
			cmd.Process.Kill()
			t.Fatalf("archive run made no progress:\n%s", out.String())
		case <-time.After(2 * time.Millisecond):
			continue wait
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-exited

	tg := s3Target(t, srv, srv.Endpoint, bucket, 0)
	done := e.doneObjects()
	archived := assertNoArchivedZaakWithoutManifest(t, e, tg, zaken)
	if done >= total || archived == len(zaken) {
		t.Fatalf("killed too late: %d of %d objects, %d zaken archived", done, total, archived)
	}
	if n := e.count(`SELECT COUNT(*) FROM archief_slot`); n != 1 {
		t.Errorf("the killed run left %d locks, want its abandoned one", n)
	}
	t.Logf("killed after %d of %d objects, %d of %d zaken archived", done, total, archived, len(zaken))

	px.delay.Store(0)
	run := exec.Command(bin, "archive", "run", "--config", cfg)
	b, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("second archive run: %v\n%s", err, b)
	}
	if !strings.Contains(string(b), fmt.Sprintf("%d packages archived", len(zaken)-archived)) || !strings.Contains(string(b), "0 failed") {
		t.Errorf("second run said:\n%s", b)
	}
	assertComplete(t, e, tg, srv, bucket, zaken)
	if n := e.count(`SELECT COUNT(*) FROM archief_runs WHERE status = ?`, archive.RunAfgebroken); n != 1 {
		t.Errorf("%d runs recorded as afgebroken, want the killed one", n)
	}
	if b, err := exec.Command(bin, "archive", "verify", "--config", cfg).CombinedOutput(); err != nil || !strings.Contains(string(b), "0 mismatches") {
		t.Errorf("archive verify: %v\n%s", err, b)
	}

	// A byte changed on the server's disk: verify says which object and exits 1.
	victim := filepath.Join(srv.DataDir, bucket, "archief", filepath.FromSlash(sip(zaken[0])), "Bijlage_1", "bijlage-0-0.pdf")
	f, err := os.OpenFile(victim, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte("X"), 1000)
	f.Close()
	b, err = exec.Command(bin, "archive", "verify", "--config", cfg, "--sample", "100").CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(string(b), "MISMATCH "+zaken[0]) || !strings.Contains(string(b), "bijlage-0-0.pdf") {
		t.Errorf("archive verify after corruption: %v\n%s", err, b)
	}
}
