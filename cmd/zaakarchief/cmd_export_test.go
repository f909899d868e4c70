package main

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// exportSeed runs the seed scenario on a fresh data directory and stops the daemon; it returns
// the data directory, the zaak and an auditor token.
func exportSeed(t *testing.T) (data, zaak, auditor string) {
	t.Helper()
	data = t.TempDir()
	gemeente := createToken(t, data, orgGemeente, "organisatie")
	od := createToken(t, data, orgOmgevingsdienst, "organisatie")
	kcc := createToken(t, data, orgGemeente, "kcc")
	auditor = createToken(t, data, orgGemeente, "auditor")
	d := startDaemon(t, data)
	zaak, _ = seedScenario(t, d, gemeente, od, kcc)
	d.stop()
	return data, zaak, auditor
}

func TestExportCommandWritesAZipThatExportVerifyAccepts(t *testing.T) {
	data, zaak, auditor := exportSeed(t)
	out := filepath.Join(t.TempDir(), "dossier.zip")
	r := cli(t, "export", "--data", data, "--token", auditor, "--zaak", zaak, "--out", out)
	if r.code != 0 || !strings.Contains(r.stdout, "zaak "+zaak) {
		t.Fatalf("export: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	v := cli(t, "export", "verify", out)
	if v.code != 0 || !strings.Contains(v.stdout, ": ok: bag "+zaak) {
		t.Fatalf("export verify: exit %d\n%s%s", v.code, v.stdout, v.stderr)
	}
	// The export carries the MDTO the archive writes: the archief, the serie, the dossier, and
	// per document an archiefstuk and a bestand (3 documents in the seed scenario: 3 + 3*2 files).
	if !strings.Contains(v.stdout, " 9 MDTO files") {
		t.Errorf("export verify: %s; want the 9 MDTO files of the archive's package", v.stdout)
	}

	// One changed byte in a stored document: verify names the file and exits 1.
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(raw, []byte("adviesrapport\nadviesrapport\n"))
	if i < 0 {
		t.Fatal("stored document not found in the ZIP")
	}
	raw[i] ^= 0x20
	bad := filepath.Join(t.TempDir(), "changed.zip")
	if err := os.WriteFile(bad, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	v = cli(t, "export", "verify", bad)
	if v.code != 1 || !strings.Contains(v.stdout, "data/documenten/3-Advies_en_ontwerpbesluit/") || !strings.Contains(v.stdout, "the file was changed") {
		t.Errorf("verify of a changed export: exit %d\n%s%s", v.code, v.stdout, v.stderr)
	}
	if strings.Count(strings.TrimSpace(v.stderr), "\n") != 0 || !strings.Contains(v.stderr, "problems") {
		t.Errorf("verify stderr %q, want one line", v.stderr)
	}

	// The export is in the zaak's audit trail, and the trail still verifies.
	a := cli(t, "audit", "verify", "--data", data)
	if a.code != 0 {
		t.Errorf("audit verify after export: exit %d %s%s", a.code, a.stdout, a.stderr)
	}
}

func TestExportCommandRefusesAConfidentialZaakInOneLine(t *testing.T) {
	data, zaak, _ := exportSeed(t)
	cfg := filepath.Join(t.TempDir(), "zaakarchief.yaml")
	if err := os.WriteFile(cfg, []byte("export:\n  clearance:\n    auditor: intern\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "x.zip")
	r := cli(t, "export", "--config", cfg, "--data", data, "--organisation", orgGemeente, "--role", "auditor", "--zaak", zaak, "--out", out)
	if r.code != 1 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.Contains(r.stderr, "zaakvertrouwelijk") || !strings.Contains(r.stderr, "intern") {
		t.Errorf("refused export: exit %d stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused export left %s", out)
	}
	// A recordmanager is not named in this configuration: it may not export at all.
	r = cli(t, "export", "--config", cfg, "--data", data, "--organisation", orgGemeente, "--zaak", zaak, "--out", out)
	if r.code != 1 || !strings.Contains(r.stderr, "may not export") {
		t.Errorf("recordmanager without clearance: exit %d stderr %q", r.code, r.stderr)
	}
	if r := cli(t, "export", "--data", data, "--zaak", zaak, "--out", out); r.code != 2 {
		t.Errorf("export without --token or --organisation: exit %d, want 2", r.code)
	}
	if r := cli(t, "export", "--data", data, "--organisation", orgGemeente, "--zaak", zaak, "--zaaktype", zaaktypeOV, "--out", out); r.code != 2 {
		t.Errorf("export with --zaak and --zaaktype: exit %d, want 2", r.code)
	}
}

func TestExportCommandByZaaktypeWritesAZipPerZaakWithLogLinesOffATerminal(t *testing.T) {
	data, zaak, auditor := exportSeed(t)
	dir := filepath.Join(t.TempDir(), "export")
	r := cli(t, "export", "--data", data, "--token", auditor, "--zaaktype", zaaktypeOV, "--from", "2026-01-01", "--to", "2026-12-31", "--out", dir)
	if r.code != 0 {
		t.Fatalf("export --zaaktype: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "export: 1/1 "+zaak+" geexporteerd") || strings.Contains(r.stderr, "\x1b[") {
		t.Errorf("stderr is not a pipe's log lines:\n%s", r.stderr)
	}
	for _, n := range []string{zaak + ".zip", "index.html", "index.csv"} {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
	if v := cli(t, "export", "verify", filepath.Join(dir, zaak+".zip")); v.code != 0 {
		t.Errorf("verify: exit %d %s", v.code, v.stdout)
	}
}

func TestDaemonServesTheExportToAnAuditor(t *testing.T) {
	data, zaak, auditor := exportSeed(t)
	org := createToken(t, data, orgGemeente, "organisatie")
	d := startDaemon(t, data)
	req, err := http.NewRequest(http.MethodGet, d.url+"/api/v1/zaken/"+zaak+"/export", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+auditor)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("GET export: %d %v %s", res.StatusCode, err, body[:min(len(body), 300)])
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("the body is not a ZIP: %v", err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	joined := strings.Join(names, "\n")
	for _, want := range []string{zaak + "/bagit.txt", zaak + "/index.html", zaak + "/data/audit/audittrail.jsonl", zaak + "/tagmanifest-sha256.txt"} {
		if !strings.Contains(joined, want) {
			t.Errorf("the ZIP has no %s", want)
		}
	}
	code, _ := d.call(org, http.MethodGet, "/api/v1/zaken/"+zaak+"/export", "", nil)
	if code != http.StatusForbidden {
		t.Errorf("organisatie token: %d, want 403", code)
	}
	d.stop()
}
