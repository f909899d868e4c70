package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"zaakarchief/dossier"
)

// FuzzDecodeJSON feeds arbitrary bodies to DecodeJSON with the capture API's request types: it
// must not panic, every refusal is a *dossier.Fout of kind invalid or too large, and what it
// accepts it accepts again once written out (so nothing half-read passes).
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"zaaktype":"omgevingsvergunning","omschrijving":"Dakkapel Kerkstraat 1","toelichting":"aanvraag via het omgevingsloket","initiator":"J. Jansen"}`,
		`{"informatieobjecttype":"aanvraagformulier","titel":"Aanvraag","auteur":"E. Tweeë","creatiedatum":"2026-01-05","bestandsnaam":"aanvraag.pdf","formaat":"application/pdf"}`,
		`{"titel":"a","titel":"b"}`,
		`{"creatiedatum":"2026-02-30"}`,
		`{"a":[{"b":{"c":1}}]} {}`,
		`{"bestandsomvang":1e400}`,
		"\xef\xbb\xbf{}",
		`[`,
	} {
		f.Add([]byte(s), uint8(0))
		f.Add([]byte(s), uint8(1))
	}
	f.Fuzz(func(t *testing.T, body []byte, kind uint8) {
		targets := []func() any{
			func() any { return new(dossier.NieuweZaak) },
			func() any { return new(dossier.DocumentMetadata) },
			func() any { return new(map[string]any) },
		}
		newV := targets[int(kind)%len(targets)]
		v := newV()
		err := DecodeJSON(bytes.NewReader(body), v)
		if err != nil {
			var fout *dossier.Fout
			if !errors.As(err, &fout) || !(errors.Is(err, dossier.ErrInvalid) || errors.Is(err, dossier.ErrTooLarge)) {
				t.Fatalf("refusal %v (%T) is not a dossier.Fout of kind invalid or too large", err, err)
			}
			return
		}
		again, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("accepted %q, but it cannot be written out again: %v", body, err)
		}
		if err := DecodeJSON(bytes.NewReader(again), newV()); err != nil {
			t.Fatalf("accepted %q, but not what it wrote out of it, %s: %v", body, again, err)
		}
	})
}
