package main

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"zaakarchief/cmd/zaakarchief/config"
	"zaakarchief/dossier/httpapi"
)

// TestOpenAPIDocumentsExactlyTheRoutesTheDaemonServes builds the daemon as serve does and
// compares every route it registers with the operations in the served OpenAPI document.
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
	for p, ops := range doc.Paths {
		for m := range ops {
			switch m {
			case "get", "put", "post", "delete", "patch", "head", "options":
				documented = append(documented, strings.ToUpper(m)+" "+p)
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
}
