package zgw_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"zaakarchief/dossier/zgw"
	"zaakarchief/dossier/zgw/zgwtest"
)

// TestProposedMappingValidatesAndMapsTheSeedCatalogue reads the gemeente's catalogue with an
// empty mapping, and checks that the proposal, pasted into the agreement, validates and maps
// every type the seed needs the way the seed's own mapping does.
func TestProposedMappingValidatesAndMapsTheSeedCatalogue(t *testing.T) {
	om := zgwtest.NewOmgeving(t)
	a := om.Afspraak(t)
	for i := range a.Organisaties {
		a.Organisaties[i].Bron.Mapping = nil
	}
	for _, org := range []string{zgwtest.Gemeente, zgwtest.Omgevingsdienst} {
		v, err := zgw.StelMappingVoor(context.Background(), a, org, zgw.MapOptions{Getenv: om.Getenv})
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := v.WriteYAML(&out, time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		var parsed struct {
			Mapping map[string]string `yaml:"mapping"`
		}
		if err := yaml.Unmarshal(out.Bytes(), &parsed); err != nil {
			t.Fatalf("%s: the proposal is not YAML: %v\n%s", org, err, out.String())
		}
		t.Logf("proposal for %s:\n%s", org, out.String())
		for i := range a.Organisaties {
			if a.Organisaties[i].ID == org {
				a.Organisaties[i].Bron.Mapping = parsed.Mapping
			}
		}
		// Every line the proposal is sure of agrees with the seed's own mapping; the others are
		// marked for a person to check.
		unsure := 0
		for _, r := range v.Regels {
			want, ok := om.Mapping[org][r.URL]
			if !r.Zeker {
				unsure++
				if !strings.Contains(out.String(), strconv.Quote(r.URL)) {
					t.Errorf("%s: the guess for %s is not in the YAML", org, r.URL)
				}
				continue
			}
			if ok && r.Doel != want {
				t.Errorf("%s: %s %q proposed as %q, the seed maps it to %q", org, r.Soort, r.Naam, r.Doel, want)
			}
		}
		if unsure == 0 || strings.Count(out.String(), " ?\n") != unsure {
			t.Errorf("%s: %d guesses, marked %d times with ?", org, unsure, strings.Count(out.String(), " ?\n"))
		}
	}
	for _, f := range a.Validate() {
		if !f.Warning {
			t.Errorf("the agreement with the proposed mappings: %v", f)
		}
	}
	if _, err := zgw.StelMappingVoor(context.Background(), a, "buurgemeente", zgw.MapOptions{Getenv: om.Getenv}); err == nil {
		t.Error("a proposal for an organisation without bron")
	}
}
