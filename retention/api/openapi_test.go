package api_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"zaakarchief/dossier/httpapi"
	"zaakarchief/retention/api"
)

// TestOpenAPIDocumentsEveryRetentionRoute checks that every route of the API is in the
// daemon's OpenAPI document (dossier/httpapi/openapi.yaml) and that every $ref resolves.
func TestOpenAPIDocumentsEveryRetentionRoute(t *testing.T) {
	var registered []string
	for _, r := range api.New(nil).Routes() {
		registered = append(registered, r.String())
	}
	if len(registered) == 0 {
		t.Fatal("the API has no routes")
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
