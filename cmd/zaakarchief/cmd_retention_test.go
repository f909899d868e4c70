package main

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"zaakarchief/configs"
)

// closeZaak registers a zaak with the daemon, runs it through every phase and closes it with
// resultaat; it returns the identificatie.
func closeZaak(t *testing.T, d *proc, gemeente, od, omschrijving, resultaat string) string {
	t.Helper()
	var z struct{ Identificatie string }
	d.post(gemeente, "/api/v1/zaken", map[string]any{"zaaktype": zaaktypeOV, "omschrijving": omschrijving}, http.StatusCreated, &z)
	zaak := "/api/v1/zaken/" + z.Identificatie
	d.upload(gemeente, z.Identificatie, "aanvraagformulier", "aanvraag.pdf", []byte("%PDF-1.7\n"+omschrijving+"\n%%EOF\n"), http.StatusCreated)
	d.post(gemeente, zaak+"/statussen", map[string]any{"statustype": fase2}, http.StatusCreated, nil)
	d.post(od, zaak+"/statussen", map[string]any{"statustype": fase3}, http.StatusCreated, nil)
	d.post(od, zaak+"/statussen", map[string]any{"statustype": fase4}, http.StatusCreated, nil)
	d.post(gemeente, zaak+"/resultaat", map[string]any{"resultaattype": resultaat}, http.StatusCreated, nil)
	d.post(gemeente, zaak+"/statussen", map[string]any{"statustype": fase5}, http.StatusCreated, nil)
	return z.Identificatie
}

// ok runs the binary and fails unless it exits 0.
func ok(t *testing.T, args ...string) result {
	t.Helper()
	r := cli(t, args...)
	if r.code != 0 {
		t.Fatalf("zaakarchief %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// fails runs the binary and fails unless it exits 1 with want on stderr.
func fails(t *testing.T, want string, args ...string) {
	t.Helper()
	r := cli(t, args...)
	if r.code != 1 || !strings.Contains(r.stderr, want) {
		t.Errorf("zaakarchief %s: exit %d, stderr %q; want exit 1 mentioning %q", strings.Join(args, " "), r.code, r.stderr, want)
	}
}

// TestRetentionCommandsTakeAZaakFromClosingToItsVerklaring drives retention through the CLI on
// the data directory of a running daemon: explain, a hold that keeps a due zaak off a list, an
// override by the recordmanager that makes a zaak due today (so that the test needs no clock),
// the review by the archivaris, execution, and the verklaring from both the CLI and the API.
func TestRetentionCommandsTakeAZaakFromClosingToItsVerklaring(t *testing.T) {
	data := t.TempDir()
	cfg := filepath.Join(t.TempDir(), "zaakarchief.yaml")
	if err := os.WriteFile(cfg, []byte("data: "+data+"\nretention:\n  wachttijd: P0D\n  propose_schedule: \"off\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	gemeente := createToken(t, data, orgGemeente, "organisatie")
	od := createToken(t, data, orgOmgevingsdienst, "organisatie")
	rm := createToken(t, data, orgGemeente, "recordmanager")
	ar := createToken(t, data, orgGemeente, "archivaris")
	d := startDaemon(t, data, "--config", cfg)
	weg := closeZaak(t, d, gemeente, od, "Dakkapel geweigerd", "Geweigerd")
	blijft := closeZaak(t, d, gemeente, od, "Aanbouw verleend", "Verleend")

	r := ok(t, "retention", "explain", "--config", cfg, weg)
	vandaag := time.Now().In(mustAmsterdam(t))
	for _, want := range []string{"Selectielijst gemeenten en intergemeentelijke organen 2020", "11.2", "P5Y", "nominatie vernietigen",
		vandaag.AddDate(5, 0, 0).Format(time.DateOnly)} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("explain lacks %q:\n%s", want, r.stdout)
		}
	}
	if r := ok(t, "retention", "explain", "--config", cfg, "--json", blijft); !strings.Contains(r.stdout, `"wet": "Archiefwet 1995"`) {
		t.Errorf("explain of the permanent zaak lacks its transfer date:\n%s", r.stdout)
	}

	// Make the zaak due today by override; without a recordmanager token it is refused.
	fails(t, "may not do this", "retention", "override", "--config", cfg, weg, "--archiefactiedatum", vandaag.Format(time.DateOnly), "--reason", "test")
	ok(t, "retention", "override", "--config", cfg, "--token", rm, weg, "--archiefactiedatum", vandaag.Format(time.DateOnly), "--reason", "vervroegd op verzoek van de archivaris")

	// A hold keeps it off a list; released, it goes on one.
	hold := strings.TrimSpace(ok(t, "retention", "hold", "add", "--config", cfg, "--token", rm, "--zaak", weg, "--soort", "woo", "--reason", "Woo-verzoek").stdout)
	if r := ok(t, "retention", "hold", "list", "--config", cfg); !strings.Contains(r.stdout, hold) || !strings.Contains(r.stdout, weg) {
		t.Errorf("hold list:\n%s", r.stdout)
	}
	if r := ok(t, "retention", "propose", "--config", cfg); !strings.Contains(r.stdout, "no list: 1 zaken due") || !strings.Contains(r.stdout, "1 on hold") {
		t.Errorf("propose under a hold: %s", r.stdout)
	}
	ok(t, "retention", "hold", "release", "--config", cfg, "--token", rm, hold, "--reason", "verzoek afgehandeld")
	id := strings.TrimSpace(ok(t, "retention", "propose", "--config", cfg, "--token", rm).stdout)
	if !regexp.MustCompile(`^VL-\d{8}-[0-9a-f]{6}$`).MatchString(id) {
		t.Fatalf("propose printed %q, want a list ID", id)
	}
	ok(t, "retention", "list", "submit", "--config", cfg, "--token", rm, id)
	fails(t, "may not do this", "retention", "list", "approve", "--config", cfg, "--token", rm, id)
	fails(t, "without an answer", "retention", "list", "approve", "--config", cfg, "--token", ar, id)
	ok(t, "retention", "list", "review", "--config", cfg, "--token", ar, id, "--remaining")
	ok(t, "retention", "list", "approve", "--config", cfg, "--token", ar, id)
	if r := ok(t, "retention", "list", "execute", "--config", cfg, id); !strings.Contains(r.stdout, "status deleted; this run destroyed 1 zaken") {
		t.Errorf("execute: %s", r.stdout)
	}
	if code, body := d.call(gemeente, http.MethodGet, "/api/v1/zaken/"+weg, "", nil); code != http.StatusNotFound {
		t.Errorf("destroyed zaak: %d %s", code, body)
	}
	d.get(gemeente, "/api/v1/zaken/"+blijft)

	// The verklaring, from the CLI and from the daemon.
	dir := t.TempDir()
	ok(t, "retention", "list", "certificate", "--config", cfg, id, "--out", filepath.Join(dir, "verklaring.html"))
	ok(t, "retention", "list", "certificate", "--config", cfg, id, "--out", filepath.Join(dir, "verklaring.json"))
	html, err := os.ReadFile(filepath.Join(dir, "verklaring.html"))
	if err != nil || !strings.Contains(string(html), weg) || strings.Contains(string(html), blijft) || !strings.Contains(string(html), "e2e archivaris") {
		t.Errorf("verklaring.html (%v) must name %s and who approved, not %s", err, weg, blijft)
	}
	var v struct {
		Zaken []struct{ Identificatie, VolledigNummer string }
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "verklaring.json"))
	if err := json.Unmarshal(raw, &v); err != nil || len(v.Zaken) != 1 || v.Zaken[0].Identificatie != weg || v.Zaken[0].VolledigNummer != "11.2" {
		t.Errorf("verklaring.json %s (%v)", raw, err)
	}
	code, body := d.call(ar, http.MethodGet, "/api/v1/vernietigingslijsten/"+id+"/verklaring", "", nil)
	if code != http.StatusOK || string(body) != string(raw) {
		t.Errorf("GET verklaring: %d, differs from the CLI's JSON", code)
	}
	if r := ok(t, "retention", "explain", "--config", cfg, weg); !strings.Contains(r.stdout, "Vernietigd op") || !strings.Contains(r.stdout, "vervroegd op verzoek") {
		t.Errorf("explain after destruction:\n%s", r.stdout)
	}
	d.stop()
	ok(t, "audit", "verify", "--data", data)
}

func mustAmsterdam(t *testing.T) *time.Location {
	t.Helper()
	l, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestBadRetentionInputIsRefusedBeforeTheDataDirectoryIsTouched checks that an agreement with an
// unknown selectielijst entry and a malformed or negative duration in the configuration are
// reported clearly, by 'agreement check' and by every command that opens the data directory,
// which is then not created.
func TestBadRetentionInputIsRefusedBeforeTheDataDirectoryIsTouched(t *testing.T) {
	tmp := t.TempDir()
	def, err := fs.ReadFile(configs.FS, configs.DefaultAgreement)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(tmp, "bad.yaml")
	if err := os.WriteFile(bad, []byte(strings.Replace(string(def), `selectielijstklasse: "11.2"`, `selectielijstklasse: "11.99"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	r := cli(t, "agreement", "check", bad)
	if r.code != 1 || !strings.Contains(r.stdout, "11.99") || !strings.Contains(r.stdout, "bestaat niet") {
		t.Errorf("agreement check with an unknown selectielijst entry: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := cli(t, "agreement", "check"); r.code != 0 {
		t.Errorf("agreement check of the default agreement: exit %d\n%s", r.code, r.stdout)
	}
	data := filepath.Join(tmp, "data")
	fails(t, "11.99", "retention", "propose", "--data", data, "--agreement", bad)
	fails(t, "11.99", "serve", "--data", data, "--agreement", bad, "--listen", "127.0.0.1:0")
	for _, tc := range []struct{ yaml, want string }{
		{"retention:\n  wachttijd: -P7D\n", "retention.wachttijd"},
		{"retention:\n  overbrenging_termijn: twintig jaar\n", "retention.overbrenging_termijn"},
		{"retention:\n  nieuwe_archiefwet_vanaf: 2026-13-01\n", "retention.nieuwe_archiefwet_vanaf"},
		{"retention:\n  propose_schedule: elke nacht\n", "retention.propose_schedule"},
		// Checked when the file is read, by every command and not only by serve.
		{"archive:\n  verify_sample: 150\n", "cfg.yaml:2: archive.verify_sample"},
	} {
		cfg := filepath.Join(tmp, "cfg.yaml")
		if err := os.WriteFile(cfg, []byte(tc.yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		fails(t, tc.want, "retention", "propose", "--config", cfg, "--data", data)
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("bad input created the data directory: %v", err)
	}
}
