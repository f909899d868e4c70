package archive_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"zaakarchief/archive"
	"zaakarchief/cmd/zaakarchief/daemon/daemontest"
	"zaakarchief/dossier"
	"zaakarchief/dossier/httpapi"
)

// systeem is the actor the tests read the archive as.
var systeem = dossier.Actor{Rol: dossier.RolSysteem}

func TestAPIShowsRunsAndPackagesToRecordmanagerArchivarisAndAuditorOnly(t *testing.T) {
	e := newEnv(t)
	zaak := e.ClosedZaak(daemontest.Geweigerd)
	tg := fileTarget(t, "archief")
	k := e.archiverKit(tg)
	a := k.Archiver
	ctx := context.Background()
	if _, err := a.Run(ctx, nil); err != nil {
		t.Fatal(err)
	}
	tok := k.Token
	get := func(tok, path string) (int, []byte) {
		r := k.Client(tok).Get(path)
		return r.Code, r.Body
	}

	for _, rol := range []string{dossier.RolRecordmanager, dossier.RolArchivaris, dossier.RolAuditor} {
		code, body := get(tok("gemeente", rol), "/api/v1/archief/runs")
		var page archive.RunsPage
		if code != http.StatusOK || json.Unmarshal(body, &page) != nil || len(page.Results) != 1 || page.Results[0].Pakketten != 1 ||
			page.Results[0].Status != archive.RunVoltooid {
			t.Errorf("%s: runs: %d %s", rol, code, body)
		}
		code, body = get(tok("gemeente", rol), "/api/v1/zaken/"+zaak+"/pakket")
		var p archive.PakketInfo
		if code != http.StatusOK || json.Unmarshal(body, &p) != nil || p.Status != archive.PakketGearchiveerd ||
			len(p.Manifest.Objecten) != 3*3+3 || p.Retentie == nil {
			t.Errorf("%s: pakket: %d %s", rol, code, body)
		}
	}
	org := tok("gemeente", dossier.RolOrganisatie)
	for _, path := range []string{"/api/v1/archief/runs", "/api/v1/zaken/" + zaak + "/pakket"} {
		if code, body := get(org, path); code != http.StatusForbidden {
			t.Errorf("organisatie %s: %d %s", path, code, body)
		}
		if code, _ := get("", path); code != http.StatusUnauthorized {
			t.Errorf("no token %s: %d", path, code)
		}
	}
	rm := tok("gemeente", dossier.RolRecordmanager)
	if code, body := get(rm, "/api/v1/zaken/ZAAK-1900-0000009/pakket"); code != http.StatusNotFound {
		t.Errorf("unknown zaak: %d %s", code, body)
	}
	if code, body := get(rm, "/api/v1/archief/runs?limit=0"); code != http.StatusBadRequest || !strings.Contains(string(body), "limit") {
		t.Errorf("limit 0: %d %s", code, body)
	}

	// Both routes are in the OpenAPI document with schemas that name what the API returns.
	var doc struct {
		Paths      map[string]map[string]any `yaml:"paths"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]any `yaml:"properties"`
			} `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(httpapi.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	for _, r := range k.Server.Routes() {
		if !strings.Contains(r, "archief") && !strings.HasSuffix(r, "/pakket") {
			continue
		}
		method, path, _ := strings.Cut(r, " ")
		if _, ok := doc.Paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("route %s is not in openapi.yaml", r)
		}
	}
	_, body := get(rm, "/api/v1/zaken/"+zaak+"/pakket")
	var raw map[string]any
	json.Unmarshal(body, &raw)
	_, runs := get(rm, "/api/v1/archief/runs")
	var rawRuns struct{ Results []map[string]any }
	json.Unmarshal(runs, &rawRuns)
	for schema, obj := range map[string]map[string]any{"Pakket": raw, "ArchiefRun": rawRuns.Results[0], "Manifest": raw["manifest"].(map[string]any)} {
		props := doc.Components.Schemas[schema].Properties
		for k := range obj {
			if _, ok := props[k]; !ok {
				t.Errorf("schema %s does not document field %q", schema, k)
			}
		}
	}
	if !slices.Contains(k.Server.Routes(), "GET /api/v1/archief/runs") {
		t.Error("runs route not registered")
	}
}

func TestRunsAndPakketDecideWhoMayRead(t *testing.T) {
	e := newEnv(t)
	zaak := e.ClosedZaak(daemontest.Geweigerd)
	a := e.archiver(fileTarget(t, "archief"))
	ctx := context.Background()
	if _, err := a.Run(ctx, nil); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		rol string
		ok  bool
	}{
		{dossier.RolRecordmanager, true},
		{dossier.RolArchivaris, true},
		{dossier.RolAuditor, true},
		{dossier.RolSysteem, true},
		{dossier.RolOrganisatie, false},
		{dossier.RolKCC, false},
		{"", false},
	} {
		t.Run(tt.rol, func(t *testing.T) {
			actor := dossier.Actor{Organisatie: "gemeente", Rol: tt.rol}
			runs, errRuns := a.Runs(ctx, actor, 5)
			p, errPakket := a.Pakket(ctx, actor, zaak)
			if tt.ok {
				if errRuns != nil || len(runs) != 1 || errPakket != nil || p.Zaak != zaak {
					t.Errorf("runs %v %v, pakket %v %v", runs, errRuns, p, errPakket)
				}
				return
			}
			if !errors.Is(errRuns, dossier.ErrForbidden) || !errors.Is(errPakket, dossier.ErrForbidden) || runs != nil || p != nil {
				t.Errorf("runs %v %v, pakket %v %v: want ErrForbidden", runs, errRuns, p, errPakket)
			}
		})
	}
}
