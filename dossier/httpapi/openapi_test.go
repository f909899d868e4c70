package httpapi_test

import (
	"bytes"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"zaakarchief/dossier/httpapi"
)

// openAPIDoc is the part of an OpenAPI 3 document the tests read.
type openAPIDoc struct {
	OpenAPI    string                    `yaml:"openapi"`
	Paths      map[string]map[string]any `yaml:"paths"`
	Components map[string]map[string]any `yaml:"components"`
}

func parseOpenAPI(t *testing.T, b []byte) openAPIDoc {
	t.Helper()
	var doc openAPIDoc
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("openapi.yaml does not parse: %v", err)
	}
	return doc
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// documentedRoutes returns "METHOD /path" for every operation in the document, in the form of
// the server's route patterns.
func documentedRoutes(doc openAPIDoc) []string {
	var out []string
	for p, item := range doc.Paths {
		for method := range item {
			if slices.Contains(httpMethods, method) {
				out = append(out, strings.ToUpper(method)+" "+p)
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestOpenAPIDocumentsEveryDossierRoute checks the routes this package registers; the test of
// the whole daemon (cmd/zaakarchief) checks that the document holds nothing else.
func TestOpenAPIDocumentsEveryDossierRoute(t *testing.T) {
	s := newStack(t)
	doc := parseOpenAPI(t, httpapi.OpenAPI)
	documented := documentedRoutes(doc)
	registered := s.Server.Routes()
	for _, r := range registered {
		if !slices.Contains(documented, r) {
			t.Errorf("route %q is registered but not in openapi.yaml", r)
		}
	}
	if len(registered) < 15 {
		t.Errorf("only %d routes registered: %v", len(registered), registered)
	}
}

func TestOpenAPIIsServedAsParsableOpenAPI303WithResolvableRefs(t *testing.T) {
	s := newStack(t)
	r := s.Client("").Get("/api/v1/openapi.yaml")
	if r.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.yaml: %s", r)
	}
	if !bytes.Equal(r.Body, httpapi.OpenAPI) {
		t.Fatal("served document differs from the embedded openapi.yaml")
	}
	doc := parseOpenAPI(t, r.Body)
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi %q, want 3.0.3", doc.OpenAPI)
	}
	for _, name := range []string{"Zaak", "Dossier", "Status", "Document", "Besluit", "Eigenschap", "Resultaat",
		"Rol", "Contactmoment", "StatusOverzicht", "ZakenPage", "Problem"} {
		if _, ok := doc.Components["schemas"][name]; !ok {
			t.Errorf("schema %s is missing", name)
		}
	}
	if _, ok := doc.Components["securitySchemes"]["bearerAuth"]; !ok {
		t.Error("security scheme bearerAuth is missing")
	}
	refs := regexp.MustCompile(`\$ref: "#/components/(\w+)/(\w+)"`).FindAllStringSubmatch(string(r.Body), -1)
	if len(refs) == 0 {
		t.Fatal("no $ref found")
	}
	for _, m := range refs {
		if _, ok := doc.Components[m[1]][m[2]]; !ok {
			t.Errorf("$ref %s/%s does not resolve", m[1], m[2])
		}
	}
}

// TestOpenAPISchemasNameTheFieldsTheAPIReturns checks the documented properties against the
// JSON the server really sends, so that a renamed Go JSON tag shows up here.
func TestOpenAPISchemasNameTheFieldsTheAPIReturns(t *testing.T) {
	s := newStack(t)
	zaak := s.scenarioUpTo(t, 5)
	doc := parseOpenAPI(t, httpapi.OpenAPI)
	schemas := doc.Components["schemas"]

	var dossierJSON map[string]any
	mustUnmarshal(t, s.dossierJSON(zaak), &dossierJSON)
	var statusJSON map[string]any
	mustUnmarshal(t, s.reader.Get(zaakPath(zaak, "status")).Body, &statusJSON)
	var pageJSON map[string]any
	mustUnmarshal(t, s.reader.Get("/api/v1/zaken").Body, &pageJSON)

	checks := []struct {
		schema string
		value  any
	}{
		{"Dossier", dossierJSON},
		{"Zaak", dossierJSON["zaak"]},
		{"Archief", dossierJSON["zaak"].(map[string]any)["archief"]},
		{"Status", first(dossierJSON["statussen"])},
		{"Document", first(dossierJSON["documenten"])},
		{"Besluit", first(dossierJSON["besluiten"])},
		{"Eigenschap", first(dossierJSON["eigenschappen"])},
		{"Resultaat", dossierJSON["resultaat"]},
		{"Rol", first(dossierJSON["rollen"])},
		{"Contactmoment", first(dossierJSON["contactmomenten"])},
		{"Fase", first(dossierJSON["fasen"])},
		{"Vastgelegd", first(first(dossierJSON["fasen"]).(map[string]any)["vastgelegd"])},
		{"StatusOverzicht", statusJSON},
		{"StatusStap", statusJSON["status"]},
		{"ZakenPage", pageJSON},
	}
	for _, c := range checks {
		obj, ok := c.value.(map[string]any)
		if !ok {
			t.Errorf("%s: the API returned %T, not an object", c.schema, c.value)
			continue
		}
		props := schemaProperties(schemas, c.schema)
		for k := range obj {
			if _, ok := props[k]; !ok {
				t.Errorf("schema %s does not document field %q the API returns", c.schema, k)
			}
		}
		for k := range props {
			if _, ok := obj[k]; !ok && required(schemas, c.schema, k) {
				t.Errorf("schema %s requires field %q the API does not return", c.schema, k)
			}
		}
	}
}

func first(v any) any {
	if a, ok := v.([]any); ok && len(a) > 0 {
		return a[0]
	}
	return nil
}

// schemaProperties collects the properties of a schema, following allOf and $ref.
func schemaProperties(schemas map[string]any, name string) map[string]any {
	out := map[string]any{}
	var walk func(s map[string]any)
	walk = func(s map[string]any) {
		if ref, ok := s["$ref"].(string); ok {
			walk(schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any))
		}
		if props, ok := s["properties"].(map[string]any); ok {
			for k, v := range props {
				out[k] = v
			}
		}
		if all, ok := s["allOf"].([]any); ok {
			for _, a := range all {
				walk(a.(map[string]any))
			}
		}
	}
	walk(schemas[name].(map[string]any))
	return out
}

func required(schemas map[string]any, name, field string) bool {
	found := false
	var walk func(s map[string]any)
	walk = func(s map[string]any) {
		if ref, ok := s["$ref"].(string); ok {
			walk(schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any))
		}
		if req, ok := s["required"].([]any); ok {
			for _, r := range req {
				if r == field {
					found = true
				}
			}
		}
		if all, ok := s["allOf"].([]any); ok {
			for _, a := range all {
				walk(a.(map[string]any))
			}
		}
	}
	walk(schemas[name].(map[string]any))
	return found
}
