package server

import (
	"errors"
	"strings"
	"testing"

	"zaakarchief/dossier"
)

func TestDecodeJSONRefusesTextThatWouldChange(t *testing.T) {
	cases := []struct {
		name, body, field string
	}{
		{"invalid byte", "{\"titel\": \"ok\", \"auteur\": \"Jans\xffen\"}", "auteur"},
		{"truncated sequence", "{\"titel\": \"caf\xc3\"}", "titel"},
		{"lone high surrogate", `{"titel": "a\ud800b"}`, "titel"},
		{"lone low surrogate", `{"omschrijving": "\udc00"}`, "omschrijving"},
		{"high surrogate at the end", `{"titel": "a\ud83d"}`, "titel"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var v map[string]string
			err := DecodeJSON(strings.NewReader(c.body), &v)
			var f *dossier.Fout
			if !errors.As(err, &f) || !errors.Is(err, dossier.ErrInvalid) {
				t.Fatalf("DecodeJSON = %v, want an invalid-input problem", err)
			}
			if f.Field != c.field {
				t.Errorf("field = %q, want %q (%v)", f.Field, c.field, err)
			}
		})
	}
	for _, ok := range []string{`{"titel": "caf\u00e9 \ud83d\ude00 \\ud800 \"x\""}`, "{\"titel\": \"café \uFFFD\"}"} {
		var v map[string]string
		if err := DecodeJSON(strings.NewReader(ok), &v); err != nil {
			t.Errorf("DecodeJSON(%s) = %v, want it accepted", ok, err)
		}
	}
}
