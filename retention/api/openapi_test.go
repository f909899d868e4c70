package api_test

import (
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"go.yaml.in/yaml/v3"

	"zaakarchief/dossier/httpapi"
	"zaakarchief/retention/api"
)

// TestOpenAPIDocumentsEveryRetentionRoute checks that every route Register adds is in the
// daemon's OpenAPI document (dossier/httpapi/openapi.yaml) and that every $ref resolves.
func TestOpenAPIDocumentsEveryRetentionRoute(t *testing.T) {
	srv := httpapi.NewServer(nil, prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	base := srv.Routes()
	api.Register(srv, nil)
	var registered []string
	for _, r := range srv.Routes() {
		if !slices.Contains(base, r) {
			registered = append(registered, r)
		}
	}
	var doc struct {
		Paths      map[string]map[string]any `yaml:"paths"`
		Components map[string]map[string]any `yaml:"components"`
	}
	if err := yaml.Unmarshal(httpapi.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	var documented []string
	for p, ops := range doc.Paths {
		for m := range ops {
			documented = append(documented, strings.ToUpper(m)+" "+p)
		}
	}
	for _, r := range registered {
		if !slices.Contains(documented, r) {
			t.Errorf("route %q is registered but not in openapi.yaml", r)
		}
	}
	for _, m := range regexp.MustCompile(`\$ref: "#/components/(\w+)/(\w+)"`).FindAllStringSubmatch(string(httpapi.OpenAPI), -1) {
		if _, ok := doc.Components[m[1]][m[2]]; !ok {
			t.Errorf("$ref %s/%s does not resolve", m[1], m[2])
		}
	}
}
