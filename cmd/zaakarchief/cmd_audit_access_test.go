package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
)

// TestAuditAccessListsEveryContentReadAndExport reads a document as the gemeente (allowed) and
// as the kcc (refused), exports the zaak as the auditor (allowed) and as an organisation
// (refused), and finds all four, with who and whether it was allowed, in `audit access` and in
// GET /api/v1/zaken/{id}/inzage.
func TestAuditAccessListsEveryContentReadAndExport(t *testing.T) {
	k := daemontest.New(t)
	zaak := k.ClosedZaak(daemontest.Verleend)
	doc := k.ReadDossier(zaak).Documenten[0].ID
	gemeente := k.Client(k.Token(daemontest.Gemeente, dossier.RolOrganisatie))
	kcc := k.Client(k.Token(daemontest.Gemeente, dossier.RolKCC))
	auditor := k.Client(k.Token(daemontest.Gemeente, dossier.RolAuditor))
	inhoud := "/api/v1/zaken/" + zaak + "/documenten/" + doc + "/inhoud"
	if r := gemeente.Get(inhoud); r.Code != http.StatusOK {
		t.Fatalf("gemeente reads the content: %d %s", r.Code, r.Body)
	}
	if r := kcc.Get(inhoud); r.Code != http.StatusForbidden {
		t.Fatalf("kcc reads the content: %d, want 403", r.Code)
	}
	if r := auditor.Get("/api/v1/zaken/" + zaak + "/export"); r.Code != http.StatusOK {
		t.Fatalf("auditor exports: %d %s", r.Code, r.Body)
	}
	if r := gemeente.Get("/api/v1/zaken/" + zaak + "/export"); r.Code != http.StatusForbidden {
		t.Fatalf("gemeente exports: %d, want 403", r.Code)
	}

	var log struct {
		Results []dossier.Verwerking `json:"results"`
	}
	auditor.JSON(http.MethodGet, "/api/v1/zaken/"+zaak+"/inzage", nil, http.StatusOK, &log)
	want := []string{"document.inhoud organisatie true", "document.inhoud kcc false", "export auditor true", "export organisatie false"}
	var got []string
	for _, v := range log.Results {
		got = append(got, v.Verwerking+" "+v.Rol+" "+map[bool]string{true: "true", false: "false"}[v.Toegestaan])
		if v.Zaak != zaak || v.Organisatie != daemontest.Gemeente || v.Token == "" || v.Tijd.IsZero() {
			t.Errorf("entry %+v lacks who, which zaak or when", v)
		}
		if v.Verwerking == dossier.VerwerkingDocumentInhoud && v.Document != doc {
			t.Errorf("entry %+v does not name document %s", v, doc)
		}
	}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("access log %v, want %v", got, want)
	}

	r := cli(t, "audit", "access", "--data", k.Dir, "--zaak", zaak)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 6 || !strings.Contains(lines[len(lines)-1], "4 verwerkingen") {
		t.Fatalf("audit access: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for i, w := range []string{"document.inhoud", "document.inhoud", "export", "export"} {
		f := strings.Fields(lines[i+1])
		if f[1] != w || (i%2 == 0) != strings.Contains(lines[i+1], " ja ") {
			t.Errorf("audit access line %d: %q", i+1, lines[i+1])
		}
	}
	j := cli(t, "audit", "access", "--data", k.Dir, "--zaak", zaak, "--json")
	var first dossier.Verwerking
	if err := json.Unmarshal([]byte(strings.SplitN(j.stdout, "\n", 2)[0]), &first); err != nil || first.Verwerking != dossier.VerwerkingDocumentInhoud {
		t.Errorf("audit access --json: %v %q", err, j.stdout)
	}
	if r := cli(t, "audit", "access", "--data", k.Dir); r.code != 2 {
		t.Errorf("audit access without --zaak: exit %d, want 2", r.code)
	}
}
