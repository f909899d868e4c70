package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"zaakarchief/dossier/zgw/zgwtest"
)

// zgwSetup starts both seed zaaksystemen with n zaken, writes the example agreement with their
// bronnen to a file and puts their secrets in the environment the commands inherit.
func zgwSetup(t *testing.T, n int) (*zgwtest.Omgeving, string) {
	t.Helper()
	om := zgwtest.NewOmgeving(t)
	for nr := 1; nr <= n; nr++ {
		om.Voer(nr, zgwtest.Seed(nr))
	}
	b, err := yaml.Marshal(om.Afspraak(t))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "afspraak.yaml")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(zgwtest.GemeenteSecretEnv, om.Gemeente.Secret)
	t.Setenv(zgwtest.OmgevingsdienstSecret, om.Omgevingsdienst.Secret)
	return om, file
}

// dbCount runs a COUNT query on the data directory's database.
func dbCount(t *testing.T, data, query string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(data, "zaakarchief.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestZGWSyncKilledHalfWayCompletesWithoutDuplicatesWhenRunAgain(t *testing.T) {
	const zaken = 20
	om, afspraakFile := zgwSetup(t, zaken)
	data := t.TempDir()

	// Kill the first sync once it has downloaded a third of the documents: some zaken are in
	// their dossiers, one is being recorded, the rest not fetched.
	var once sync.Once
	kill := make(chan struct{})
	var mu sync.Mutex
	downloads := 0
	hook := func(target string) {
		if strings.Contains(target, "/download") {
			mu.Lock()
			downloads++
			if downloads == zaken*5/3 {
				once.Do(func() { close(kill) })
			}
			mu.Unlock()
		}
	}
	om.Gemeente.SetHook(hook)
	om.Omgevingsdienst.SetHook(hook)
	cmd := exec.Command(binary, "zgw", "sync", "--data", data, "--agreement", afspraakFile)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-kill:
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		<-done
	case err := <-done:
		t.Fatalf("the sync ended before it was killed: %v\n%s", err, out.String())
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("the sync did not reach the kill point:\n%s", out.String())
	}
	om.Gemeente.SetHook(nil)
	om.Omgevingsdienst.SetHook(nil)
	partial := dbCount(t, data, `SELECT COUNT(*) FROM zaken`)
	t.Logf("killed after %d downloads with %d dossiers", zaken*5/3, partial)

	r := cli(t, "zgw", "sync", "--data", data, "--agreement", afspraakFile)
	if r.code != 0 {
		t.Fatalf("sync after the kill: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := dbCount(t, data, `SELECT COUNT(*) FROM zaken`); n != zaken {
		t.Errorf("%d dossiers after the resumed sync, want %d", n, zaken)
	}
	for _, q := range []string{
		`SELECT COUNT(*) FROM (SELECT zaak, sha256 FROM documenten GROUP BY zaak, sha256 HAVING COUNT(*) > 1)`,
		`SELECT COUNT(*) FROM (SELECT zaak, volgnummer FROM statussen GROUP BY zaak, volgnummer, datum_status_gezet HAVING COUNT(*) > 1)`,
		`SELECT COUNT(*) FROM (SELECT zaak FROM besluiten GROUP BY zaak HAVING COUNT(*) > 1)`,
		`SELECT COUNT(*) FROM (SELECT zaak, roltype FROM rollen GROUP BY zaak, roltype HAVING COUNT(*) > 1)`,
		`SELECT COUNT(*) FROM zgw_items WHERE toestand = 'bezig'`,
		`SELECT COUNT(*) FROM zgw_zaken WHERE toestand <> 'volledig'`,
	} {
		if n := dbCount(t, data, q); n != 0 {
			t.Errorf("%s = %d, want 0", q, n)
		}
	}
	if n := dbCount(t, data, `SELECT COUNT(*) FROM documenten`); n != zaken*4 {
		t.Errorf("%d documents, want %d (four per zaak; the omgevingsdienst's besluit is refused)", n, zaken*4)
	}
	if n := dbCount(t, data, `SELECT COUNT(*) FROM zaken WHERE fase = 5`); n != zaken {
		t.Errorf("%d closed dossiers, want %d", n, zaken)
	}

	again := cli(t, "zgw", "sync", "--data", data, "--agreement", afspraakFile)
	if again.code != 0 || !strings.Contains(again.stdout, "0 delen vastgelegd") {
		t.Errorf("a third sync: exit %d\n%s%s", again.code, again.stdout, again.stderr)
	}
	if v := cli(t, "audit", "verify", "--data", data); v.code != 0 {
		t.Errorf("audit verify after a killed sync: exit %d %s%s", v.code, v.stdout, v.stderr)
	}
}

func TestZGWSyncExitsOneWhenASourceFailsAndReportsItAsJSON(t *testing.T) {
	om, afspraakFile := zgwSetup(t, 1)
	data := t.TempDir()
	om.Omgevingsdienst.Close()
	r := cli(t, "zgw", "sync", "--data", data, "--agreement", afspraakFile, "--json")
	if r.code != 1 {
		t.Fatalf("sync with a source down: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var rap struct {
		Bronnen []struct{ Organisatie, Fout string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &rap); err != nil {
		t.Fatalf("--json: %v\n%s", err, r.stdout)
	}
	if len(rap.Bronnen) != 2 || rap.Bronnen[1].Fout == "" || rap.Bronnen[0].Fout != "" {
		t.Errorf("bronnen in the report: %+v", rap.Bronnen)
	}
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "zaakarchief: sync incomplete: source omgevingsdienst failed") {
		t.Errorf("the error line %q does not say which source failed", last)
	}
	if strings.Contains(r.stderr, "level=INFO") {
		t.Errorf("zgw sync logs at INFO without --verbose:\n%s", r.stderr)
	}
	if u := cli(t, "zgw", "sync", "--data", data, "--agreement", afspraakFile, "--source", "buurgemeente"); u.code == 0 {
		t.Errorf("sync of an unknown source: exit 0")
	}
	if u := cli(t, "zgw", "sync", "--data", data, "--since", "gisteren"); u.code != 2 {
		t.Errorf("sync --since gisteren: exit %d, want 2", u.code)
	}
}

func TestZGWMapPrintsAMappingThatTheAgreementCheckAccepts(t *testing.T) {
	om, afspraakFile := zgwSetup(t, 0)
	r := cli(t, "zgw", "map", "--source", "gemeente", "--agreement", afspraakFile)
	if r.code != 0 || !strings.Contains(r.stdout, "mapping:") || !strings.Contains(r.stdout, om.Typen["gemeente"]["zaaktype"]) {
		t.Fatalf("zgw map: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if c := cli(t, "agreement", "check", afspraakFile); c.code != 0 {
		t.Errorf("agreement check of an agreement with bronnen: exit %d\n%s%s", c.code, c.stdout, c.stderr)
	}
	b, err := os.ReadFile(afspraakFile)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "afspraak.yaml")
	if err := os.WriteFile(bad, bytes.Replace(b, []byte(": adviesrapport\n"), []byte(": advies\n"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	c := cli(t, "agreement", "check", bad)
	if c.code != 1 || !strings.Contains(c.stdout, "bron.mapping") || !strings.Contains(c.stdout, `"advies" bestaat niet`) {
		t.Errorf("agreement check of a broken mapping: exit %d\n%s", c.code, c.stdout)
	}
	if u := cli(t, "zgw", "map"); u.code != 2 {
		t.Errorf("zgw map without --source: exit %d, want 2", u.code)
	}
}

func TestDaemonSyncsAZaakItIsNotifiedOf(t *testing.T) {
	om, afspraakFile := zgwSetup(t, 1)
	data := t.TempDir()
	cfg := filepath.Join(t.TempDir(), "zaakarchief.yaml")
	if err := os.WriteFile(cfg, []byte("zgw:\n  schedule: \"off\"\n  full_schedule: \"off\"\n  debounce: 10ms\narchive:\n  schedule: \"off\"\n  verify_schedule: \"off\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	gem := createToken(t, data, "gemeente", "organisatie")
	d := startDaemon(t, data, "--agreement", afspraakFile, "--config", cfg)
	zaak := om.Voer(1, nil)["gemeente"]
	body, _ := json.Marshal(map[string]any{"kanaal": "zaken", "hoofdObject": zaak, "resource": "status", "resourceUrl": zaak,
		"actie": "create", "aanmaakdatum": "2026-02-20T11:00:00Z", "kenmerken": map[string]string{}})
	if code, out := d.call(gem, http.MethodPost, "/api/v1/notificaties", "application/json", bytes.NewReader(body)); code != http.StatusNoContent {
		t.Fatalf("notification: %d %s", code, out)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		var page struct{ Count int }
		if err := json.Unmarshal(d.get(gem, "/api/v1/zaken"), &page); err != nil {
			t.Fatal(err)
		}
		if page.Count == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the notified zaak was not collected:\n%s", d.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if b := d.get(gem, "/api/v1/bronnen"); !bytes.Contains(b, []byte(`"organisatie": "omgevingsdienst"`)) {
		t.Errorf("bronnen: %s", b)
	}
	if m := d.get("", "/metrics"); !bytes.Contains(m, []byte("zaakarchief_zgw_requests_total")) {
		t.Error("no collector metrics")
	}
	d.stop()
}
