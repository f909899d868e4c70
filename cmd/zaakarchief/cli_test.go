package main

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Names from the default agreement (configs/omgevingsvergunning.yaml).
const (
	orgGemeente        = "gemeente"
	orgOmgevingsdienst = "omgevingsdienst"
	zaaktypeOV         = "omgevingsvergunning"
	fase2              = "In behandeling bij de omgevingsdienst"
	fase3              = "Advies en ontwerpbesluit"
	fase4              = "Besluitvorming"
	fase5              = "Resultaat geleverd"
	besluittype        = "omgevingsvergunning"
	resultaattype      = "Verleend"
)

// kccStatus is the part of GET .../status the test checks.
type kccStatus struct {
	Afgesloten bool `json:"afgesloten"`
	Status     struct {
		Volgnummer   int    `json:"volgnummer"`
		Omschrijving string `json:"omschrijving"`
	} `json:"status"`
	Geschiedenis []json.RawMessage `json:"geschiedenis"`
}

func (d *proc) checkKCC(kcc, zaak string, volgnummer int) {
	d.t.Helper()
	body := d.get(kcc, "/api/v1/zaken/"+zaak+"/status")
	var s kccStatus
	if err := json.Unmarshal(body, &s); err != nil {
		d.t.Fatal(err)
	}
	if s.Status.Volgnummer != volgnummer || len(s.Geschiedenis) != volgnummer || s.Afgesloten != (volgnummer == 5) {
		d.t.Errorf("KCC sees %s, want status %d", body, volgnummer)
	}
	if bytes.Contains(body, []byte("documenten")) || bytes.Contains(body, []byte("statustoelichting")) {
		d.t.Errorf("KCC status shows internal parts: %s", body)
	}
}

// seedScenario runs the seed scenario: the gemeente registers the zaak and uploads the
// application, hands over to the omgevingsdienst, which records its advice and draft decision
// and hands back; the gemeente records the besluit and the resultaat and closes the zaak. The
// KCC sees one status throughout. It returns the zaak and the documents' SHA-256 by id.
func seedScenario(t *testing.T, d *proc, gemeente, od, kcc string) (string, map[string]string) {
	t.Helper()
	var z struct {
		Identificatie string `json:"identificatie"`
		Fase          int    `json:"fase"`
	}
	d.post(gemeente, "/api/v1/zaken", map[string]any{"zaaktype": zaaktypeOV, "omschrijving": "Dakkapel Kerkstraat 2", "startdatum": "2026-01-05"}, http.StatusCreated, &z)
	if z.Identificatie != "ZAAK-2026-0000001" || z.Fase != 1 {
		t.Fatalf("new zaak %+v", z)
	}
	zaak := "/api/v1/zaken/" + z.Identificatie
	docs := map[string]string{}
	addDoc := func(tok, iot, name string) {
		content := []byte("%PDF-1.7\n" + strings.Repeat(iot+"\n", 500) + "%%EOF\n")
		var doc struct{ ID, SHA256 string }
		if err := json.Unmarshal(d.upload(tok, z.Identificatie, iot, name, content, http.StatusCreated), &doc); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(content)
		if doc.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("upload %s: sha256 %s, want %x", iot, doc.SHA256, sum)
		}
		docs[doc.ID] = doc.SHA256
	}
	addDoc(gemeente, "aanvraagformulier", "aanvraag.pdf")
	d.checkKCC(kcc, z.Identificatie, 1)
	d.post(gemeente, zaak+"/statussen", map[string]any{"statustype": fase2}, http.StatusCreated, nil)
	d.checkKCC(kcc, z.Identificatie, 2)
	d.post(od, zaak+"/statussen", map[string]any{"statustype": fase3}, http.StatusCreated, nil)
	d.checkKCC(kcc, z.Identificatie, 3)
	addDoc(od, "adviesrapport", "advies.pdf")
	addDoc(od, "ontwerpbesluit", "ontwerpbesluit.pdf")
	d.post(od, zaak+"/statussen", map[string]any{"statustype": fase4}, http.StatusCreated, nil)
	d.checkKCC(kcc, z.Identificatie, 4)
	d.post(gemeente, zaak+"/besluiten", map[string]any{"besluittype": besluittype, "datum": "2026-02-20", "ingangsdatum": "2026-02-21"}, http.StatusCreated, nil)
	d.post(gemeente, zaak+"/resultaat", map[string]any{"resultaattype": resultaattype}, http.StatusCreated, nil)
	d.post(gemeente, zaak+"/statussen", map[string]any{"statustype": fase5}, http.StatusCreated, nil)
	d.checkKCC(kcc, z.Identificatie, 5)
	return z.Identificatie, docs
}

func TestDaemonRunsTheSeedScenarioAndLosesNothingOnRestart(t *testing.T) {
	data := t.TempDir()
	gemeente := createToken(t, data, orgGemeente, "organisatie")
	od := createToken(t, data, orgOmgevingsdienst, "organisatie")
	kcc := createToken(t, data, orgGemeente, "kcc")

	d := startDaemon(t, data)
	zaak, docs := seedScenario(t, d, gemeente, od, kcc)
	// A refusal by the agreement on the closed zaak: 409, nothing changes.
	before := d.get(gemeente, "/api/v1/zaken/"+zaak)
	code, body := d.call(od, http.MethodPost, "/api/v1/zaken/"+zaak+"/statussen", "application/json", strings.NewReader(`{"statustype":"`+fase2+`"}`))
	if code != http.StatusForbidden && code != http.StatusConflict {
		t.Errorf("omgevingsdienst reopens a closed zaak: %d %s", code, body)
	}
	if after := d.get(gemeente, "/api/v1/zaken/"+zaak); !bytes.Equal(before, after) {
		t.Errorf("a refused request changed the dossier")
	}
	d.stop()

	d = startDaemon(t, data)
	if after := d.get(gemeente, "/api/v1/zaken/"+zaak); !bytes.Equal(before, after) {
		t.Errorf("dossier differs after a restart:\nbefore %s\nafter  %s", before, after)
	}
	for id, sha := range docs {
		content := d.get(od, "/api/v1/zaken/"+zaak+"/documenten/"+id+"/inhoud")
		sum := sha256.Sum256(content)
		if hex.EncodeToString(sum[:]) != sha {
			t.Errorf("document %s after restart: sha256 %x, want %s", id, sum, sha)
		}
	}
	d.checkKCC(kcc, zaak, 5)
	d.stop()

	r := cli(t, "audit", "verify", "--data", data)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "audit trail ok:") {
		t.Fatalf("audit verify on an untouched trail: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	tamper(t, filepath.Join(data, "zaakarchief.db"), `UPDATE audit SET details = '{"besluittype":"weigering"}' WHERE zaak = ? AND actie = 'besluit.vastgelegd'`, zaak)
	r = cli(t, "audit", "verify", "--data", data)
	if r.code != 1 {
		t.Fatalf("audit verify on a tampered trail: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	t.Logf("audit verify after tampering: exit %d\nstdout: %sstderr: %s", r.code, r.stdout, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], zaak) || !strings.Contains(lines[0], "changed") {
		t.Errorf("audit verify printed %q, want one line naming the changed entry of %s", r.stdout, zaak)
	}
	if n := strings.Count(strings.TrimSpace(r.stderr), "\n"); n != 0 || !strings.Contains(r.stderr, "audit trail broken") {
		t.Errorf("audit verify stderr %q, want one line", r.stderr)
	}
}

// tamper changes the database behind the daemon's back, as an attacker with file access would.
func tamper(t *testing.T, path, query string, args ...any) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("tamper changed %d rows, want 1", n)
	}
}

func TestRevokedTokenIsRefusedByTheRunningDaemon(t *testing.T) {
	data := t.TempDir()
	tok := createToken(t, data, orgGemeente, "organisatie")
	d := startDaemon(t, data)
	d.get(tok, "/api/v1/zaken")
	list := cli(t, "token", "list", "--data", data)
	if list.code != 0 || strings.Contains(list.stdout, tok) {
		t.Fatalf("token list: exit %d, shows the secret: %v\n%s", list.code, strings.Contains(list.stdout, tok), list.stdout)
	}
	fields := strings.Fields(strings.Split(list.stdout, "\n")[1])
	if r := cli(t, "token", "revoke", "--data", data, fields[0]); r.code != 0 {
		t.Fatalf("token revoke: exit %d %s", r.code, r.stderr)
	}
	if code, body := d.call(tok, http.MethodGet, "/api/v1/zaken", "", nil); code != http.StatusUnauthorized {
		t.Errorf("revoked token: %d %s, want 401", code, body)
	}
	d.stop()
}

func TestDaemonRefusesUploadsOverTheConfiguredLimit(t *testing.T) {
	data := t.TempDir()
	cfg := filepath.Join(t.TempDir(), "zaakarchief.yaml")
	if err := os.WriteFile(cfg, []byte("max_upload_bytes: 1024\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tok := createToken(t, data, orgGemeente, "organisatie")
	d := startDaemon(t, data, "--config", cfg)
	var z struct{ Identificatie string }
	d.post(tok, "/api/v1/zaken", map[string]any{"zaaktype": zaaktypeOV, "omschrijving": "Groot bestand"}, http.StatusCreated, &z)
	before, blobs := d.get(tok, "/api/v1/zaken/"+z.Identificatie), blobListing(t, data)
	d.upload(tok, z.Identificatie, "aanvraagformulier", "groot.pdf", bytes.Repeat([]byte("x"), 2048), http.StatusRequestEntityTooLarge)
	if after := d.get(tok, "/api/v1/zaken/"+z.Identificatie); !bytes.Equal(before, after) {
		t.Errorf("an upload over the limit changed the dossier: %s", after)
	}
	if after := blobListing(t, data); strings.Join(after, "\n") != strings.Join(blobs, "\n") {
		t.Errorf("an upload over the limit changed the blob directory: %v, before %v", after, blobs)
	}
	d.upload(tok, z.Identificatie, "aanvraagformulier", "klein.pdf", bytes.Repeat([]byte("x"), 1024), http.StatusCreated)
	d.stop()
}

func TestAgreementCheckPassesOnTheDefault(t *testing.T) {
	r := cli(t, "agreement", "check")
	if r.code != 0 {
		t.Fatalf("agreement check: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestHelpListsEveryCommand(t *testing.T) {
	r := cli(t, "help")
	if r.code != 0 {
		t.Fatalf("help: exit %d %s", r.code, r.stderr)
	}
	for _, c := range commands() {
		if !strings.Contains(r.stdout, "  "+c.name+" ") {
			t.Errorf("help does not list %q:\n%s", c.name, r.stdout)
		}
	}
	for _, name := range []string{"serve", "token create", "audit verify", "agreement check"} {
		if !strings.Contains(r.stdout, name) {
			t.Errorf("help does not list %q", name)
		}
	}
}

func TestUnknownCommandExitsTwoWithOneLineOnStderr(t *testing.T) {
	for _, args := range [][]string{{"frobnicate"}, {"token", "steal"}, {"serve", "--no-such-flag"}} {
		r := cli(t, args...)
		if r.code != 2 {
			t.Errorf("%v: exit %d, want 2", args, r.code)
		}
		if strings.Count(strings.TrimRight(r.stderr, "\n"), "\n") != 0 && args[0] != "serve" {
			t.Errorf("%v: stderr %q, want one line", args, r.stderr)
		}
		if r.stdout != "" {
			t.Errorf("%v: stdout %q, want nothing", args, r.stdout)
		}
	}
}

func TestTokenCreatePrintsOnlyTheTokenAndRejectsUnknownOrganisations(t *testing.T) {
	data := t.TempDir()
	createToken(t, data, orgOmgevingsdienst, "organisatie")
	r := cli(t, "token", "create", "--data", data, "--organisation", "buurgemeente")
	if r.code == 0 || r.stdout != "" {
		t.Errorf("token for an unknown organisation: exit %d stdout %q", r.code, r.stdout)
	}
	r = cli(t, "token", "create", "--data", data)
	if r.code != 2 {
		t.Errorf("token create without --organisation: exit %d, want 2", r.code)
	}
}

// blobListing lists the files below the data directory's blob store with their sizes.
func blobListing(t *testing.T, data string) []string {
	t.Helper()
	var out []string
	root := filepath.Join(data, "blobs")
	err := filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out = append(out, fmt.Sprintf("%s %d %v", rel, info.Size(), e.IsDir()))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A group of commands named without its subcommand lists the subcommands: on --help as help
// (exit 0), otherwise as a usage error (exit 2). A name that is no group stays unknown.
func TestCommandGroupListsItsSubcommands(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		code   int
		stream string
	}{
		{[]string{"zgw", "--help"}, 0, "stdout"},
		{[]string{"help", "archive"}, 0, "stdout"},
		{[]string{"zgw"}, 2, "stderr"},
		{[]string{"retention", "list"}, 2, "stderr"},
	} {
		r := cli(t, tc.args...)
		out := r.stdout
		if tc.stream == "stderr" {
			out = r.stderr
		}
		group := strings.Join(tc.args, " ")
		group = strings.TrimPrefix(strings.TrimSuffix(group, " --help"), "help ")
		if r.code != tc.code || !strings.Contains(out, "zaakarchief "+group+" COMMAND") || strings.Contains(r.stderr, "unknown command") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", tc.args, r.code, r.stdout, r.stderr)
		}
	}
	if r := cli(t, "zgww"); r.code != 2 || !strings.Contains(r.stderr, "unknown command") {
		t.Errorf("zgww: exit %d, stderr %q", r.code, r.stderr)
	}
}
