package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"zaakarchief/cmd/zaakarchief/config"
	"zaakarchief/dossier/httpapi"
	"zaakarchief/server"
)

// TestOpenAPIDocumentsExactlyTheRoutesTheDaemonServes builds the daemon as serve does and
// compares every route its server registers with the operations in the served OpenAPI
// document; then it calls every route without a token: the ones the document marks public
// (security: []) answer, every other one is refused with 401 by the server's authentication.
func TestOpenAPIDocumentsExactlyTheRoutesTheDaemonServes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := config.Defaults()
	cfg.Data = t.TempDir()
	log := slog.New(slog.DiscardHandler)
	a, err := openApp(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	env := &environment{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	srv, stop, err := buildDaemon(ctx, a, env, log)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	var doc struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(httpapi.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	var documented []string
	public := map[string]bool{}
	for p, ops := range doc.Paths {
		for m, op := range ops {
			switch m {
			case "get", "put", "post", "delete", "patch", "head", "options":
				documented = append(documented, strings.ToUpper(m)+" "+p)
				sec, ok := op.(map[string]any)["security"].([]any)
				public[strings.ToUpper(m)+" "+p] = ok && len(sec) == 0
			}
		}
	}
	sort.Strings(documented)
	registered := srv.Routes()
	for _, r := range registered {
		if !slices.Contains(documented, r) {
			t.Errorf("the daemon serves %q but openapi.yaml does not document it", r)
		}
	}
	for _, r := range documented {
		if !slices.Contains(registered, r) {
			t.Errorf("openapi.yaml documents %q but the daemon does not serve it", r)
		}
	}

	hs := httptest.NewServer(srv)
	defer hs.Close()
	param := regexp.MustCompile(`\{[^}]+\}`)
	for _, r := range registered {
		method, path, _ := strings.Cut(r, " ")
		req, err := http.NewRequestWithContext(ctx, method, hs.URL+param.ReplaceAllString(path, "x"), nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var p server.Problem
		_ = json.NewDecoder(res.Body).Decode(&p)
		res.Body.Close()
		switch {
		case public[r] && res.StatusCode != http.StatusOK:
			t.Errorf("%s is public but answers %d without a token", r, res.StatusCode)
		case !public[r] && (res.StatusCode != http.StatusUnauthorized || p.Type != "urn:zaakarchief:problem:niet-geauthenticeerd"):
			t.Errorf("%s answers %d %q without a token, want 401 niet-geauthenticeerd", r, res.StatusCode, p.Type)
		}
	}
}
