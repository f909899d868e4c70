package export_test

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/dossier/httpapi"
	"zaakarchief/export"
	"zaakarchief/server"
)

func TestHTTPExportStreamsTheZipToAnAuditor(t *testing.T) {
	s := newStack(t, nil)
	zaak := s.scenario(zaakOpts{})
	tok := s.Token(daemontest.Gemeente, dossier.RolAuditor)
	res := s.Client(tok).Stream("/api/v1/zaken/" + zaak + "/export")
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/zip" {
		body, _ := io.ReadAll(res.Body)
		t.Fatalf("%d %s: %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	if res.Header.Get("Content-Length") != "" {
		t.Errorf("Content-Length %s: the export should stream, not be built first", res.Header.Get("Content-Length"))
	}
	_, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
	if err != nil || !strings.HasPrefix(params["filename"], zaak+"-export-") || !strings.HasSuffix(params["filename"], ".zip") {
		t.Errorf("Content-Disposition %q", res.Header.Get("Content-Disposition"))
	}
	path := filepath.Join(t.TempDir(), "export.zip")
	f, err := os.Create(path)
	s.must(err)
	_, err = io.Copy(f, res.Body)
	s.must(err)
	s.must(f.Close())
	if problems := verify(t, path); len(problems) != 0 {
		t.Fatalf("verify: %v", problems)
	}
	b := readBag(t, path)
	if b.fields("bag-info.txt")["Export-Id"] != res.Header.Get("X-Export-Id") {
		t.Errorf("X-Export-Id %s does not match bag-info", res.Header.Get("X-Export-Id"))
	}
	trail := s.AuditTrail(zaak)
	if last := trail[len(trail)-1]; last.ID != res.Header.Get("X-Export-Id") || last.Rol != dossier.RolAuditor {
		t.Errorf("last audit entry %+v, want the export", last)
	}
}

func TestHTTPExportRefusalsAreProblems(t *testing.T) {
	s := newStack(t, map[string]string{"auditor": "intern", "recordmanager": "geheim"})
	zaak := s.scenario(zaakOpts{})
	cases := []struct {
		name, tok, zaak string
		status          int
		slug            string
	}{
		{"auditor below the zaak's level", s.Token(daemontest.Gemeente, dossier.RolAuditor), zaak, http.StatusForbidden, "rol-niet-toegestaan"},
		{"organisatie may not export", s.Token(daemontest.Gemeente, dossier.RolOrganisatie), zaak, http.StatusForbidden, "rol-niet-toegestaan"},
		{"unknown zaak", s.Token(daemontest.Gemeente, dossier.RolRecordmanager), "ZAAK-2026-9999999", http.StatusNotFound, "niet-gevonden"},
		{"no token", "", zaak, http.StatusUnauthorized, "niet-geauthenticeerd"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := s.Client(c.tok).Stream("/api/v1/zaken/" + c.zaak + "/export")
			defer res.Body.Close()
			var p server.Problem
			if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
				t.Fatalf("%d: body is not a problem: %v", res.StatusCode, err)
			}
			if res.StatusCode != c.status || p.Type != "urn:zaakarchief:problem:"+c.slug || res.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%d %+v, want %d %s", res.StatusCode, p, c.status, c.slug)
			}
		})
	}
	ok := s.Client(s.Token(daemontest.Gemeente, dossier.RolRecordmanager)).Stream("/api/v1/zaken/" + zaak + "/export")
	io.Copy(io.Discard, ok.Body)
	ok.Body.Close()
	if ok.StatusCode != http.StatusOK {
		t.Errorf("recordmanager: %d", ok.StatusCode)
	}
}

func TestHTTPExportCutsTheConnectionWhenContentTurnsOutWrong(t *testing.T) {
	s := newStack(t, nil)
	zaak := s.scenario(zaakOpts{})
	d := s.ReadDossier(zaak)
	corruptBlob(t, s.blobDir, d.Documenten[len(d.Documenten)-1].SHA256)
	res := s.Client(s.Token(daemontest.Gemeente, dossier.RolAuditor)).Stream("/api/v1/zaken/" + zaak + "/export")
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: the checks pass, the content fails later", res.StatusCode)
	}
	if _, err := io.Copy(io.Discard, res.Body); err == nil {
		t.Error("the body ended cleanly: a client could take the truncated ZIP for a whole one")
	}
	trail := s.AuditTrail(zaak)
	if last := trail[len(trail)-1]; last.Actie != export.ActieMislukt || !strings.Contains(string(last.Details), res.Header.Get("X-Export-Id")) {
		t.Errorf("last audit entry %s %s, want the failed export recorded", last.Actie, last.Details)
	}
}

// corruptBlob flips one byte of a blob in the blob store's directory.
func corruptBlob(t *testing.T, dir, sha string) {
	t.Helper()
	var blob string
	_ = filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && strings.Contains(p, sha) {
			blob = p
		}
		return nil
	})
	if blob == "" {
		t.Fatalf("blob %s not found under %s", sha, dir)
	}
	content, err := os.ReadFile(blob)
	if err != nil {
		t.Fatal(err)
	}
	content[len(content)/2] ^= 0x01
	if err := os.Chmod(blob, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(blob, content, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestOpenAPIDocumentsTheExportRoute(t *testing.T) {
	doc := string(httpapi.OpenAPI)
	i := strings.Index(doc, "\n  /api/v1/zaken/{identificatie}/export:\n")
	if i < 0 {
		t.Fatal("openapi.yaml has no path /api/v1/zaken/{identificatie}/export")
	}
	rest := doc[i+1:]
	if j := strings.Index(rest[2:], "\n  /"); j > 0 {
		rest = rest[:j+2]
	}
	for _, want := range []string{"get:", "application/zip", `"403":`, "X-Export-Id"} {
		if !strings.Contains(rest, want) {
			t.Errorf("the export path does not document %s", want)
		}
	}
}
