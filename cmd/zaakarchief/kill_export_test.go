package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
)

// `zaakarchief export` killed with SIGKILL while it writes leaves its temporary file beside
// the path; the next export to that path removes it at once (its writer is gone) and writes a
// complete ZIP that export verify accepts.
func TestAnExportKilledMidwayLeavesNoDebrisAfterTheNextExport(t *testing.T) {
	k := daemontest.New(t)
	big := daemontest.Document{Informatieobjecttype: "bijlage", Titel: "Tekeningen", Bestandsnaam: "tekeningen.pdf",
		Content: daemontest.PDF("tekening", 192<<20)}
	zaak := k.ClosedZaak(daemontest.Geweigerd, big)
	tok := k.Token(daemontest.Gemeente, dossier.RolAuditor)
	if err := k.Daemon.Close(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, zaak+".zip")
	cmd := exec.Command(binary, "export", "--data", k.Dir, "--token", tok, "--zaak", zaak, "--out", out)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(60 * time.Second)
	var tmp string
	for tmp == "" {
		select {
		case err := <-done:
			t.Fatalf("the export ended (%v) before a temporary file was seen", err)
		case <-deadline:
			cmd.Process.Kill()
			t.Fatal("no temporary file within a minute")
		case <-time.After(time.Millisecond):
		}
		if m, _ := filepath.Glob(filepath.Join(dir, "."+zaak+".zip.*.tmp")); len(m) > 0 {
			if fi, err := os.Stat(m[0]); err == nil && fi.Size() > 0 {
				tmp = m[0]
			}
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-done
	if _, err := os.Stat(tmp); err != nil {
		t.Fatalf("the killed export left nothing to clean up (%v): the test does not test the next export", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("the killed export left a file at its path")
	}

	if r := cli(t, "export", "--data", k.Dir, "--token", tok, "--zaak", zaak, "--out", out); r.code != 0 {
		t.Fatalf("the next export: exit %d: %s", r.code, r.stderr)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(m) != 0 {
		t.Errorf("temporary files left after the next export: %v", m)
	}
	if r := cli(t, "export", "verify", out); r.code != 0 || !strings.Contains(r.stdout, "ok") {
		t.Errorf("export verify: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
}
