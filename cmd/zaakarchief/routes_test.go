package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"zaakarchief/cmd/zaakarchief/config"
	"zaakarchief/cmd/zaakarchief/daemon"
	"zaakarchief/dossier/httpapi"
	"zaakarchief/server"
)

// TestOpenAPIDocumentsExactlyTheRoutesTheDaemonServes builds the daemon as serve does and
// compares every route its server registers, and whether it is public, with the operations in
// the served OpenAPI document (Server.CheckOpenAPI); then it calls every route without a token: the ones the document marks public
// (security: []) answer, every other one is refused with 401 by the server's authentication.
func TestOpenAPIDocumentsExactlyTheRoutesTheDaemonServes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := config.Defaults()
	cfg.Data = t.TempDir()
	log := slog.New(slog.DiscardHandler)
	a, err := daemon.Open(ctx, cfg, daemon.Options{Logger: log, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	srv := a.Server

	diffs, err := srv.CheckOpenAPI(httpapi.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Error(d)
	}
	ops, err := server.Operations(httpapi.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	public := map[string]bool{}
	for _, op := range ops {
		public[op.Route] = op.Public
	}
	registered := srv.Routes()
	if len(registered) < 40 || !public["GET /healthz"] {
		t.Fatalf("%d routes registered, GET /healthz public %v: the daemon is not built", len(registered), public["GET /healthz"])
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
