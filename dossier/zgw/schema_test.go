package zgw_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"zaakarchief/dossier/httpapi"
	"zaakarchief/dossier/zgw"
	"zaakarchief/dossier/zgw/zgwtest"
)

// schema is a response schema of the ZGW APIs as testdata/zgw-schemas.json holds it (extracted
// from the OpenAPI specifications of Open Zaak 1.30 by testdata/extract-schemas.py).
type schema struct {
	Source     string `json:"source"`
	Required   []string
	Properties map[string]struct {
		Type     string `json:"type"`
		Nullable bool   `json:"nullable"`
		Enum     []any  `json:"enum"`
		Items    string `json:"items"`
	}
}

func loadSchemas(t *testing.T) map[string]schema {
	t.Helper()
	b, err := os.ReadFile("testdata/zgw-schemas.json")
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]schema
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// conform lists how v differs from the schema: missing required members, members the schema
// does not know, members of the wrong JSON type, values outside an enum.
func conform(s schema, v map[string]any) []string {
	var out []string
	for _, r := range s.Required {
		if _, ok := v[r]; !ok {
			out = append(out, "required member "+r+" is missing")
		}
	}
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p, ok := s.Properties[k]
		if !ok {
			out = append(out, "member "+k+" is not in the schema")
			continue
		}
		val := v[k]
		if val == nil {
			if !p.Nullable {
				out = append(out, k+" is null, the schema does not allow null")
			}
			continue
		}
		var got string
		switch x := val.(type) {
		case string:
			got = "string"
		case bool:
			got = "boolean"
		case float64:
			got = "number"
			if x == float64(int64(x)) {
				got = "integer"
			}
		case []any:
			got = "array"
		case map[string]any:
			got = "object"
		}
		if p.Type != "any" && p.Type != got && !(p.Type == "number" && got == "integer") {
			out = append(out, fmt.Sprintf("%s is %s, the schema says %s", k, got, p.Type))
		}
		if len(p.Enum) > 0 && !slices.Contains(p.Enum, val) && val != "" {
			out = append(out, fmt.Sprintf("%s = %v is not one of %v", k, val, p.Enum))
		}
	}
	return out
}

// TestLoopbackServerAnswersAsTheZGWSpecificationsDefine reads every resource of both seed
// sources through their APIs, as the collector does, and checks it against the schemas of the
// ZGW OpenAPI specifications.
func TestLoopbackServerAnswersAsTheZGWSpecificationsDefine(t *testing.T) {
	schemas := loadSchemas(t)
	om := zgwtest.NewOmgeving(t)
	voerZaken(om, 1)
	byCollection := map[string]string{
		"catalogi/zaaktypen": "ZaakType", "catalogi/statustypen": "StatusType", "catalogi/informatieobjecttypen": "InformatieObjectType",
		"catalogi/besluittypen": "BesluitType", "catalogi/resultaattypen": "ResultaatType", "catalogi/roltypen": "RolType",
		"catalogi/eigenschappen": "Eigenschap", "zaken/zaken": "ExpandZaak", "zaken/statussen": "Status", "zaken/resultaten": "Resultaat",
		"zaken/zaakeigenschappen": "ZaakEigenschap", "zaken/zaakinformatieobjecten": "ZaakInformatieObject",
		"documenten/enkelvoudiginformatieobjecten": "ExpandEnkelvoudigInformatieObject", "besluiten/besluiten": "Besluit",
	}
	checked := map[string]int{}
	for _, s := range []*zgwtest.Server{om.Gemeente, om.Omgevingsdienst} {
		for col, objs := range s.Objects() {
			for _, o := range objs {
				name := byCollection[col]
				switch {
				case col == "audittrail":
					name = "AuditTrail"
				case col == "zaken/rollen":
					name = o["betrokkeneType"].(string) + "_RolSerializer"
				}
				sc, ok := schemas[name]
				if !ok {
					t.Fatalf("no schema for collection %s", col)
				}
				// Read it through the API where it has a URL of its own (what the collector sees).
				var got map[string]any
				if u, ok := o["url"].(string); ok && col != "audittrail" {
					got = getJSON(t, s, u)
				} else {
					b, _ := json.Marshal(o)
					_ = json.Unmarshal(b, &got)
				}
				for _, p := range conform(sc, got) {
					t.Errorf("%s %v: %s", name, o["url"], p)
				}
				checked[name]++
			}
		}
		// A list answers with the paginated wrapper.
		page := getJSON(t, s, s.ZakenAPI()+"/zaken")
		for _, k := range []string{"count", "next", "previous", "results"} {
			if _, ok := page[k]; !ok {
				t.Errorf("paginated list without %s", k)
			}
		}
	}
	for _, name := range []string{"ZaakType", "StatusType", "ExpandZaak", "Status", "Resultaat", "ZaakEigenschap", "ZaakInformatieObject",
		"ExpandEnkelvoudigInformatieObject", "Besluit", "AuditTrail", "natuurlijk_persoon_RolSerializer", "medewerker_RolSerializer"} {
		if checked[name] == 0 {
			t.Errorf("no %s checked", name)
		}
	}
}

func getJSON(t *testing.T, s *zgwtest.Server, u string) map[string]any {
	t.Helper()
	tok, err := zgw.Token(s.ClientID, s.Secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept-Crs", "EPSG:4326")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", u, res.StatusCode, err)
	}
	return out
}

func TestTokenIsAnHS256JWTWithTheClaimsTheStandardPrescribes(t *testing.T) {
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	tok, err := zgw.Token("zaakarchief", "geheim", now)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not header.claims.signature", tok)
	}
	var header, claims map[string]any
	for i, v := range []*map[string]any{&header, &claims} {
		b, err := decodeSegment(parts[i])
		if err != nil || json.Unmarshal(b, v) != nil {
			t.Fatalf("segment %d of %q: %v", i, tok, err)
		}
	}
	if header["alg"] != "HS256" || header["typ"] != "JWT" {
		t.Errorf("header %v", header)
	}
	if claims["iss"] != "zaakarchief" || claims["client_id"] != "zaakarchief" || claims["iat"] != float64(now.Unix()) ||
		claims["user_id"] == nil || claims["user_representation"] == nil {
		t.Errorf("claims %v", claims)
	}
	if _, err := zgw.Token("", "geheim", now); err == nil {
		t.Error("a token without client_id")
	}
}

func TestCollectorRoutesAreDocumentedInTheOpenAPIDescription(t *testing.T) {
	e := newEnv(t)
	var doc struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.NewDecoder(bytes.NewReader(httpapi.OpenAPI)).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range e.Server.Routes() {
		method, path, _ := strings.Cut(r, " ")
		if !strings.HasPrefix(path, "/api/v1/notificaties") && !strings.HasPrefix(path, "/api/v1/bronnen") {
			continue
		}
		n++
		if _, ok := doc.Paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("route %s is not in openapi.yaml", r)
		}
	}
	if n != 3 {
		t.Errorf("%d collector routes registered, want 3", n)
	}
}

func decodeSegment(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }
